// What cached() reports and leaves behind when its store fails: the operation named in each log line,
// no unhandled rejection from a store that fails after its timeout, and no timer left running.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { MemoryStore, cached, type CacheStore } from '../src/cache.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { deferred } from './fixtures/deferred.js';

const UNAVAILABLE = 'cache: store unavailable, calling the loader instead';
const STILL = 'cache: store still unavailable';
const BACK = 'cache: store available again';

/** A remote store on a Map; `down` makes every call reject. */
function switchableStore() {
  const entries = new Map<string, string>();
  const state = { down: false };
  const guard = () => {
    if (state.down) throw new Error('store down');
  };
  const store: CacheStore = {
    get: async (key) => (guard(), entries.get(key)),
    set: async (key, value) => void (guard(), entries.set(key, value)),
    delete: async (key) => (guard(), entries.delete(key)),
    deleteMatching: async () => {
      guard();
      const removed = entries.size;
      entries.clear();
      return removed;
    },
  };
  return { store, state };
}

describe('cache: store failures', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());
  const health = () =>
    logs.lines
      .filter((line) => [UNAVAILABLE, STILL, BACK].includes(String(line.msg)))
      .map((line) => [line.level, line.msg, line.prefix, line.operation, (line.err as { message?: string } | undefined)?.message]);

  it('names the failing operation in each log line: warned once, then at debug, and recovery at info', async () => {
    const { store, state } = switchableStore();
    const lookup = cached(async (id: string) => id.toUpperCase(), { prefix: 'ops', store });
    state.down = true;
    assert.equal(await lookup('a'), 'A');
    await turn(); // the write after the load fails on its own
    await lookup.invalidate('a');
    assert.equal(await lookup.invalidateAll(), 0);
    state.down = false;
    await lookup.invalidateAll(); // the first call the store answers
    assert.deepEqual(health(), [
      [40, UNAVAILABLE, 'ops', 'get', 'store down'],
      [20, STILL, 'ops', 'set', 'store down'],
      [20, STILL, 'ops', 'delete', 'store down'],
      [20, STILL, 'ops', 'deleteMatching', 'store down'],
      [30, BACK, 'ops', undefined, undefined],
    ]);
  });

  it('names the store call that timed out in the error it logs', async () => {
    const hang = () => new Promise<never>(() => undefined);
    const store: CacheStore = { get: hang, set: hang, delete: hang, deleteMatching: hang };
    const lookup = cached(async () => 'loaded', { prefix: 'hung', store, storeTimeout: 5 });
    assert.equal(await lookup(), 'loaded');
    await new Promise((resolve) => setTimeout(resolve, 20)); // the write's own 5 ms timeout
    await lookup.invalidate();
    const errors = logs.lines.filter((line) => line.prefix === 'hung' && line.operation).map((line) => (line.err as { message: string }).message);
    assert.deepEqual(
      errors,
      ['get', 'set', 'delete'].map((name) => `cache: store ${name} took longer than 5 ms`),
    );
  });

  it('names peek and put for an in-process store', async () => {
    const memory = new MemoryStore();
    const broken = () => {
      throw new Error('local store bug');
    };
    const lookup = cached(async (id: string) => id, {
      prefix: 'local-ops',
      store: Object.assign(Object.create(memory) as MemoryStore, { peek: broken, put: broken }),
    });
    assert.equal(await lookup('a'), 'a');
    assert.deepEqual(health(), [
      [40, UNAVAILABLE, 'local-ops', 'peek', 'local store bug'],
      [20, STILL, 'local-ops', 'put', 'local store bug'],
    ]);
  });

  it('a store call that fails after its timeout is no unhandled rejection', async () => {
    const late = deferred<string | undefined>();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store: CacheStore = { get: () => late.promise, set: async () => undefined, delete: async () => true, deleteMatching: async () => 0 };
      const lookup = cached(async () => 'loaded', { prefix: 'late', store, storeTimeout: 5 });
      assert.equal(await lookup(), 'loaded');
      late.reject(new Error('too late'));
      for (let i = 0; i < 3; i++) await turn();
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('leaves no timer running once a store call has answered, however long storeTimeout is', async () => {
    const { store } = switchableStore();
    const lookup = cached(async (id: number) => id, { prefix: 'timers', store, storeTimeout: 2 ** 31 - 1 });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    await turn(); // mocha arms its own test timeout once the test function has returned its promise
    const before = timers();
    for (let id = 0; id < 5; id++) await lookup(id);
    await turn();
    assert.equal(timers(), before);
  });
});
