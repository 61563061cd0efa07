// cached() around loads in flight and around its store: who joins a load, what an invalidation stops from
// being stored, which store is read in process, the lifetimes it asks for, and what it logs on a miss.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { MemoryStore, cached, type CacheStore } from '../src/cache.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { deferred } from './fixtures/deferred.js';

/** A remote store on a Map that records the lifetime of each write and can fail chosen operations. */
function recordingStore() {
  const entries = new Map<string, string>();
  const ttls: number[] = [];
  const failing = new Set<string>();
  const guard = (op: string) => {
    if (failing.has(op)) throw new Error(`${op} down`);
  };
  const store: CacheStore = {
    get: async (key) => (guard('get'), entries.get(key)),
    set: async (key, value, ttl) => void (guard('set'), ttls.push(ttl), entries.set(key, value)),
    delete: async (key) => (guard('delete'), entries.delete(key)),
    deleteMatching: async () => (guard('deleteMatching'), entries.size),
  };
  return { store, entries, ttls, failing };
}

/** A loader whose calls the test answers by hand, in order. */
function handLoader() {
  const pending: Array<ReturnType<typeof deferred<string>>> = [];
  let calls = 0;
  return {
    load: (id: string) => {
      calls++;
      const answer = deferred<string>();
      pending.push(answer);
      return answer.promise.then((v) => `${id}:${v}`);
    },
    answer: (value: string) => pending.shift()!.resolve(value),
    get calls() {
      return calls;
    },
  };
}

describe('cache: flights and stores', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('calls that join a load answered by the remote store get that value, with no load of their own', async () => {
    const { store } = recordingStore();
    const writer = cached(async (id: string) => `${id}:stored`, { prefix: 'joined', store });
    await writer('a');
    let loads = 0;
    const reader = cached(async (id: string) => (loads++, `${id}:loaded`), { prefix: 'joined', store });
    assert.deepEqual(await Promise.all([reader('a'), reader('a'), reader('a')]), ['a:stored', 'a:stored', 'a:stored']);
    assert.equal(loads, 0);
  });

  it("invalidating one key stops only that key's load in flight from being stored", async () => {
    const loader = handLoader();
    const lookup = cached(loader.load, { prefix: 'only-that-key', store: new MemoryStore() });
    const a = lookup('a');
    const b = lookup('b');
    await turn();
    await lookup.invalidate('a');
    loader.answer('v1');
    loader.answer('v1');
    assert.deepEqual(await Promise.all([a, b]), ['a:v1', 'b:v1']);
    const again = Promise.all([lookup('a'), lookup('b')]);
    await turn();
    loader.answer('v2'); // only a loads again
    assert.deepEqual(await again, ['a:v2', 'b:v1']);
    assert.equal(loader.calls, 3);
  });

  it('a call after an invalidation does not join the load it made stale: it loads anew', async () => {
    const loader = handLoader();
    const lookup = cached(loader.load, { prefix: 'no-stale-join', store: new MemoryStore() });
    const before = lookup('a');
    await turn();
    await lookup.invalidate('a');
    const after = lookup('a');
    await turn();
    assert.equal(loader.calls, 2);
    loader.answer('old');
    loader.answer('new');
    assert.deepEqual(await Promise.all([before, after]), ['a:old', 'a:new']);
    assert.equal(await lookup('a'), 'a:new');
  });

  it('invalidateAll stops every load in flight from being stored', async () => {
    const loader = handLoader();
    const lookup = cached(loader.load, { prefix: 'all-in-flight', store: new MemoryStore() });
    const a = lookup('a');
    await turn();
    await lookup.invalidateAll();
    loader.answer('old');
    assert.equal(await a, 'a:old');
    const again = lookup('a');
    await turn();
    loader.answer('new');
    assert.equal(await again, 'a:new');
  });

  it('invalidateAll rejects with the reason of an aborted signal', async () => {
    const lookup = cached(async () => 1, { prefix: 'aborted', store: new MemoryStore() });
    const reason = new Error('shutting down');
    await assert.rejects(lookup.invalidateAll(AbortSignal.abort(reason)), (error) => error === reason);
  });

  it('an in-process store hands every hit the very same frozen object', async () => {
    const lookup = cached(async (id: string) => ({ id }), { prefix: 'same-object', store: new MemoryStore() });
    const first = await lookup('a');
    assert.equal(await lookup('a'), first);
    assert.equal(await lookup('a'), first);
  });

  it('a store with only one of peek() and put() is used as a remote store, through get and set', async () => {
    for (const extra of [{ put: () => assert.fail('put') }, { peek: () => assert.fail('peek') }]) {
      const { store, entries } = recordingStore();
      const lookup = cached(async (id: string) => id.toUpperCase(), { prefix: 'half-local', store: Object.assign(store, extra) });
      assert.equal(await lookup('a'), 'A');
      await turn();
      assert.equal(entries.get(lookup.keyFor('a')), '"A"');
    }
  });

  it('asks the store for negativeTtl = min(ttl, 5 s) by default for null, and ttl for a value', async () => {
    const { store, ttls } = recordingStore();
    const short = cached(async (id: string) => (id === 'none' ? null : id), { prefix: 'lifetimes-short', store, ttl: 50 });
    const long = cached(async (id: string) => (id === 'none' ? null : id), { prefix: 'lifetimes-long', store });
    for (const lookup of [short, long]) {
      await lookup('none');
      await lookup('some');
    }
    await turn();
    assert.deepEqual(ttls, [50, 50, 5_000, 60_000]);
  });

  it('a plain miss logs nothing; an entry that cannot be decoded is logged with its prefix and error', async () => {
    const { store, entries } = recordingStore();
    const lookup = cached(async () => 'loaded', { prefix: 'quiet-miss', store });
    assert.equal(await lookup(), 'loaded');
    assert.deepEqual(
      logs.lines.filter((line) => (line.level as number) >= 40),
      [],
    );
    entries.set(lookup.keyFor(), 'not json');
    assert.equal(await lookup(), 'loaded');
    const line = logs.lines.find((l) => l.msg === 'cache: ignoring an entry that cannot be decoded');
    assert.equal(line?.prefix, 'quiet-miss');
    assert.match(String((line?.err as { message?: unknown } | undefined)?.message), /JSON/);
  });

  it('a write the store takes after an outage is what reports it available again', async () => {
    const { store, failing } = recordingStore();
    const lookup = cached(async (id: string) => id, { prefix: 'set-recovers', store });
    failing.add('get');
    assert.equal(await lookup('a'), 'a');
    await turn();
    assert.deepEqual(
      logs.lines.filter((line) => String(line.msg).startsWith('cache: store')).map((line) => [line.msg, line.operation]),
      [
        ['cache: store unavailable, calling the loader instead', 'get'],
        ['cache: store available again', undefined],
      ],
    );
  });
});
