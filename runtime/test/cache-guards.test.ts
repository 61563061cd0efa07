// Guards of cached() that only show in odd corners: a call without options, a null result that must
// not be stored for ever, a store that throws instead of rejecting, and an invalidated load that
// finishes after a newer load of the same key started.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { cached, type CacheStore } from '../src/cache.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { deferred } from './fixtures/deferred.js';

function mapStore(overrides: Partial<CacheStore> = {}) {
  const entries = new Map<string, { value: string; ttl: number }>();
  const store: CacheStore = {
    get: async (key) => entries.get(key)?.value,
    set: async (key, value, ttl) => void entries.set(key, { value, ttl }),
    delete: async (key) => entries.delete(key),
    deleteMatching: async () => entries.size,
    ...overrides,
  };
  return { store, entries };
}

describe('cache: guards', () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('without options, says the prefix is missing (not a TypeError from reading undefined)', () => {
    assert.throws(() => cached(async () => 1, undefined as never), { name: 'TypeError', message: /cached: prefix must be a non-empty string/ });
  });

  it('with negativeTtl 0, a null result is not written to the store at all (a 0 TTL could mean "never expires")', async () => {
    const { store, entries } = mapStore();
    const lookup = cached(async (_id: string) => null, { prefix: 'neg0', store, negativeTtl: 0 });
    assert.equal(await lookup('a'), null);
    await turn();
    assert.deepEqual([...entries.keys()], []);
  });

  it('a store whose get throws synchronously is reported like one that rejects, and the loader answers', async () => {
    const { store } = mapStore({
      get: () => {
        throw new Error('sync boom');
      },
    });
    const lookup = cached(async (id: string) => id.toUpperCase(), { prefix: 'sync', store });
    assert.equal(await lookup('a'), 'A');
    const line = logs.lines.find((entry) => entry.msg === 'cache: store unavailable, calling the loader instead');
    assert.deepEqual([line?.operation, (line?.err as { message?: string } | undefined)?.message], ['get', 'sync boom']);
  });

  it('an invalidated load finishing late does not end the newer load of its key: later calls still join it', async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let calls = 0;
    const { store } = mapStore();
    const lookup = cached((_id: string) => answers[calls++]!.promise, { prefix: 'late', store });
    const first = lookup('a');
    await turn();
    await lookup.invalidate('a');
    const second = lookup('a');
    await turn();
    assert.equal(calls, 2);
    answers[0]!.resolve('old');
    assert.equal(await first, 'old');
    await turn();
    const third = lookup('a');
    await turn();
    assert.equal(calls, 2, 'the third call joins the second load instead of starting a third');
    answers[1]!.resolve('new');
    assert.deepEqual(await Promise.all([second, third]), ['new', 'new']);
  });
});
