// pendingInvalidations on its own: which keys bypass the store, when deliveries are tried, what they settle,
// and what is logged. A fake performance.now stands in for the 1 s between retries; no test waits on time.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { pendingInvalidations } from '../src/cache/pending-invalidations.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { deferred } from './fixtures/deferred.js';

const WARN_KEY = 'cache: invalidation not delivered; its key bypasses the store until it is';
const WARN_ALL = 'cache: invalidation not delivered; the whole prefix bypasses the store until it can be cleared';
const DELIVERED = 'cache: undelivered invalidations delivered; the store is used again';
const STILL = 'cache: invalidations still undelivered';

/** A store the test answers by hand: each call waits for the test to settle it, in order. */
function handStore() {
  const calls: Array<{ op: 'deleteKey' | 'deleteAll'; key?: string; answer: ReturnType<typeof deferred<unknown>> }> = [];
  const call = (op: 'deleteKey' | 'deleteAll', key?: string) => {
    const answer = deferred<unknown>();
    calls.push({ op, key, answer });
    return answer.promise;
  };
  return {
    calls,
    deleteKey: (key: string) => call('deleteKey', key),
    deleteAll: () => call('deleteAll') as Promise<number>,
    /** Answers every call so far with `ok` (resolve) or a failure, then lets the delivery go on. */
    async answerAll(ok: boolean): Promise<void> {
      for (let i = 0; i < 20; i++) {
        const open = calls.filter((c) => !('settled' in c));
        if (open.length === 0) return;
        for (const c of open) {
          Object.assign(c, { settled: true });
          if (ok) c.answer.resolve(c.op === 'deleteAll' ? 1 : true);
          else c.answer.reject(new Error('store down'));
        }
        await turn();
      }
    },
  };
}

describe('cache/pending-invalidations', () => {
  let now = 0;
  const realNow = performance.now;
  let logs: CapturedLogs;
  beforeEach(() => {
    now = 1_000_000;
    performance.now = () => now;
    logs = captureLogs();
  });
  afterEach(() => {
    performance.now = realNow;
    logs.restore();
  });
  const messages = (msg: string) => logs.lines.filter((line) => line.msg === msg);

  function setup(maxKeys = 10) {
    const store = handStore();
    const pending = pendingInvalidations({ prefix: 'user', maxKeys, deleteKey: store.deleteKey, deleteAll: store.deleteAll });
    return { store, pending };
  }

  it('holds only the keys whose invalidation failed, and warns once per outage', () => {
    const { pending } = setup();
    assert.equal(pending.holds('user:1'), false);
    pending.add('user:1', new Error('down'));
    pending.add('user:2', new Error('down'));
    assert.equal(pending.holds('user:1'), true);
    assert.equal(pending.holds('user:2'), true);
    assert.equal(pending.holds('user:3'), false);
    assert.equal(messages(WARN_KEY).length, 2);
    assert.deepEqual(
      messages(WARN_KEY).map((line) => [line.level, line.prefix, line.key]),
      [
        [40, 'user', 'user:1'],
        [20, 'user', 'user:2'],
      ],
    );
  });

  it('past maxKeys keys, holds the whole prefix', () => {
    const { pending } = setup(2);
    pending.add('user:1', new Error('down'));
    pending.add('user:2', new Error('down'));
    assert.equal(pending.holds('user:9'), false, 'two keys are still within maxKeys');
    pending.add('user:3', new Error('down'));
    assert.equal(pending.holds('user:9'), true);
    assert.deepEqual(
      messages(WARN_ALL).map((line) => [line.level, line.prefix, (line.err as { message: string }).message]),
      [[20, 'user', 'down']],
    );
  });

  it('maxKeys 0 holds the whole prefix from the first failure', () => {
    const { pending } = setup(0);
    pending.add('user:1', new Error('down'));
    assert.equal(pending.holds('user:9'), true);
  });

  it('a later invalidation of a held key that reaches the store settles it', () => {
    const { pending } = setup();
    pending.add('user:1', new Error('down'));
    pending.add('user:2', new Error('down'));
    pending.delivered('user:1');
    assert.equal(pending.holds('user:1'), false);
    assert.equal(messages(DELIVERED).length, 0, 'user:2 is still pending');
    pending.delivered('user:3');
    assert.equal(messages(DELIVERED).length, 0);
    pending.delivered('user:2');
    assert.deepEqual(
      messages(DELIVERED).map((line) => [line.level, line.prefix]),
      [[30, 'user']],
    );
  });

  it('delivers the pending keys once the store answers, then the store is used again', async () => {
    const { store, pending } = setup();
    pending.storeAnswered();
    assert.equal(store.calls.length, 0, 'nothing pending: nothing to deliver');
    pending.add('user:1', new Error('down'));
    pending.add('user:2', new Error('down'));
    pending.storeAnswered();
    pending.storeAnswered(); // one delivery at a time
    await turn();
    assert.deepEqual(
      store.calls.map((c) => c.key),
      ['user:1'],
    );
    await store.answerAll(true);
    assert.deepEqual(
      store.calls.map((c) => c.key),
      ['user:1', 'user:2'],
    );
    assert.equal(pending.holds('user:1'), false);
    assert.equal(pending.holds('user:2'), false);
    assert.equal(messages(DELIVERED).length, 1);
    pending.add('user:3', new Error('down again'));
    assert.equal(messages(WARN_KEY).filter((line) => line.level === 40).length, 2, 'a new outage warns again');
  });

  it('after a failed delivery, reads retry at most once a second; an answer from the store retries at once', async () => {
    const { store, pending } = setup();
    pending.add('user:1', new Error('down'));
    pending.retrySoon();
    assert.equal(store.calls.length, 0, 'the failure that made it pending was just now');
    now += 999;
    pending.retrySoon();
    assert.equal(store.calls.length, 0);
    now += 1;
    pending.retrySoon();
    assert.equal(store.calls.length, 1);
    await store.answerAll(false);
    assert.equal(pending.holds('user:1'), true);
    assert.deepEqual(
      messages(STILL).map((line) => [line.level, line.prefix, (line.err as { message: string }).message]),
      [[20, 'user', 'store down']],
    );
    now += 999;
    pending.retrySoon();
    assert.equal(store.calls.length, 1, 'under a second since the failed delivery');
    pending.storeAnswered();
    assert.equal(store.calls.length, 2);
    await store.answerAll(true);
    assert.equal(pending.holds('user:1'), false);
  });

  it('clears the whole prefix with one deleteAll, then delivers keys that failed meanwhile', async () => {
    const { store, pending } = setup(1);
    pending.add('user:1', new Error('down'));
    pending.add('user:2', new Error('down')); // past maxKeys: the whole prefix
    pending.add('user:3', new Error('down')); // already covered
    assert.equal(messages(WARN_KEY).length, 1);
    pending.storeAnswered();
    assert.deepEqual(
      store.calls.map((c) => c.op),
      ['deleteAll'],
    );
    await store.answerAll(true);
    assert.equal(pending.holds('user:3'), false);
    assert.equal(store.calls.length, 1, 'the keys it covered are not deleted one by one');
    assert.equal(messages(DELIVERED).length, 1);
  });

  it('a prefix-wide failure during a clear stays pending after that clear succeeds; keys it covered do not', async () => {
    const { store, pending } = setup();
    pending.add('user:1', new Error('down'));
    const clearing = pending.clearAll();
    pending.add('user:2', new Error('down'));
    pending.addEverything(new Error('down'));
    await store.answerAll(true);
    assert.equal(await clearing, 1);
    assert.equal(pending.holds('user:9'), true, 'the failure came after the clear started');
    assert.equal(messages(DELIVERED).length, 0);
  });

  it('a key that failed during a clear stays pending after it', async () => {
    const { store, pending } = setup();
    pending.add('user:1', new Error('down'));
    const clearing = pending.clearAll();
    pending.add('user:2', new Error('down'));
    await store.answerAll(true);
    await clearing;
    assert.equal(pending.holds('user:1'), false);
    assert.equal(pending.holds('user:2'), true);
  });

  it('a failed clear leaves everything pending and rejects', async () => {
    const { store, pending } = setup();
    pending.addEverything(new Error('down'));
    const rejected = assert.rejects(pending.clearAll(), /store down/);
    await store.answerAll(false);
    await rejected;
    assert.equal(pending.holds('user:1'), true);
  });
});
