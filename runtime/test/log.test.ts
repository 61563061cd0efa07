import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, withLogContext, currentLogContext } from '../src/log.js';

function sink(lines: Array<Record<string, unknown>>): Writable {
  return new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
}

describe('log', () => {
  it('adds the active context to every line, across awaits', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'info' }, sink(lines));
    await withLogContext({ requestId: 'abc' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.info({ step: 1 }, 'inside');
    });
    log.info('outside');
    assert.equal(lines[0]?.requestId, 'abc');
    assert.equal(lines[0]?.step, 1);
    assert.equal(lines[1]?.requestId, undefined);
  });

  it('nests contexts, inner fields winning', () => {
    withLogContext({ requestId: 'outer', user: 'u1' }, () =>
      withLogContext({ requestId: 'inner' }, () => {
        assert.deepEqual(currentLogContext(), { requestId: 'inner', user: 'u1' });
      }),
    );
    assert.deepEqual(currentLogContext(), {});
  });
});
