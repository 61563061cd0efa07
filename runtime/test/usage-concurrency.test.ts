import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { resizeAll } from '../usage/concurrency.js';

describe('usage/concurrency', () => {
  it('bw-map-concurrency: resizes with at most 4 in flight, results in input order', async () => {
    let active = 0;
    let peak = 0;
    const ids = Array.from({ length: 12 }, (_, i) => `img-${i}`);
    const results = await resizeAll(ids, async (id, signal) => {
      active++;
      peak = Math.max(peak, active);
      await delay(12 - Number(id.slice(4)), undefined, { signal });
      active--;
      return `${id}@small`;
    });
    assert.deepEqual(
      results,
      ids.map((id) => `${id}@small`),
    );
    assert.equal(peak, 4);
  });

  it('bw-map-concurrency: the first failure rejects the whole batch', async () => {
    await assert.rejects(
      resizeAll(['a', 'broken', 'c'], async (id) => {
        if (id === 'broken') throw new Error('cannot decode broken');
        return id;
      }),
      /cannot decode broken/,
    );
  });
});
