import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, withLogContext, currentLogContext, logger, setLogger } from '../src/log.js';

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

  it('takes its level from LOG_LEVEL, else info; an explicit level wins over both', () => {
    const saved = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'warn';
      assert.equal(createLogger({}, sink([])).level, 'warn');
      assert.equal(createLogger({ level: 'debug' }, sink([])).level, 'debug');
      delete process.env.LOG_LEVEL;
      assert.equal(createLogger({}, sink([])).level, 'info');
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });

  it("keeps the caller's own mixin, whose fields win over the context's", () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'info', mixin: (_merge, level) => ({ service: 'api', level_seen: level, requestId: 'from-mixin' }) }, sink(lines));
    withLogContext({ requestId: 'from-context', user: 'u1' }, () => log.info('hello'));
    assert.equal(lines[0]?.service, 'api');
    assert.equal(lines[0]?.level_seen, 30);
    assert.equal(lines[0]?.user, 'u1');
    assert.equal(lines[0]?.requestId, 'from-mixin');
  });

  it('setLogger replaces the default logger that every pattern imports', () => {
    const previous = logger;
    const lines: Array<Record<string, unknown>> = [];
    const replacement = createLogger({ level: 'info' }, sink(lines));
    try {
      setLogger(replacement);
      assert.equal(logger, replacement);
      logger.info('through the default');
    } finally {
      setLogger(previous);
    }
    assert.equal(lines[0]?.msg, 'through the default');
    assert.equal(logger, previous);
  });
});
