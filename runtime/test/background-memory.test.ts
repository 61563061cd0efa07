import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { InMemoryQueue, MAX_RETRY_DELAY_MS } from '../src/background.js';
import { waitFor } from './fixtures/background-helpers.js';

/** Timers that keep the event loop (and so a stopping process) alive; unref'd ones are not listed. */
const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

const never = () => new AbortController().signal;

describe('background/memory InMemoryQueue contract', () => {
  it('rejects a receive of fewer than one message or a fractional count', async () => {
    const queue = new InMemoryQueue<number>();
    await queue.enqueue(1);
    for (const max of [0, -1, 1.5, NaN]) {
      await assert.rejects(queue.receive(max, never()), { name: 'RangeError', message: `max must be an integer >= 1, got ${max}` });
    }
    assert.deepEqual(
      (await queue.receive(1, never())).map((m) => m.body),
      [1],
    );
  });

  it('leaves no abort listener behind on a long-lived signal after each wait ends', async () => {
    const queue = new InMemoryQueue<number>();
    const stopping = never();
    for (let n = 0; n < 3; n += 1) {
      const waiting = queue.receive(1, stopping);
      await waitFor(() => getEventListeners(stopping, 'abort').length === 1, 'the receive to wait');
      await queue.enqueue(n);
      const [message] = await waiting;
      await queue.ack(message!);
    }
    assert.equal(getEventListeners(stopping, 'abort').length, 0);
  });

  it('retries with a delay <= 0 at once, and counts a delayed retry until it is due', async () => {
    const queue = new InMemoryQueue<string>();
    await queue.enqueue('now');
    await queue.enqueue('later');
    const [now, later] = await queue.receive(2, never());
    await queue.retry(now!, 0, 'zero');
    assert.deepEqual(queue.counts(), { ready: 1, inFlight: 1, delayed: 0, dead: 0 });
    const [again] = await queue.receive(1, never());
    await queue.retry(again!, -5, 'negative');
    assert.deepEqual(queue.counts(), { ready: 1, inFlight: 1, delayed: 0, dead: 0 });
    await queue.retry(later!, 30, 'soon');
    assert.deepEqual(queue.counts(), { ready: 1, inFlight: 0, delayed: 1, dead: 0 });
    await waitFor(() => queue.counts().ready === 2, 'the delayed retry to come due');
    assert.deepEqual(queue.counts(), { ready: 2, inFlight: 0, delayed: 0, dead: 0 });
    const redelivered = await queue.receive(2, never());
    assert.deepEqual(
      redelivered.map((m) => [m.body, m.attempts, m.lastError]),
      [
        ['now', 2, 'negative'],
        ['later', 1, 'soon'],
      ],
    );
  });

  it('accepts a retry delay of exactly MAX_RETRY_DELAY_MS (2^31-1 ms) and really waits it out', async () => {
    const queue = new InMemoryQueue<string>();
    await queue.enqueue('parked');
    const [message] = await queue.receive(1, never());
    await queue.retry(message!, MAX_RETRY_DELAY_MS, 'far away');
    // A delay past what setTimeout holds would fire after 1 ms.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 1, dead: 0 });
  });

  it('hands a released message to a consumer already waiting, ahead of the others', async () => {
    const queue = new InMemoryQueue<string>();
    await queue.enqueue('first');
    const [first] = await queue.receive(1, never());
    const waiting = queue.receive(1, never());
    await queue.release(first!);
    const [again] = await waiting;
    assert.deepEqual([again!.body, again!.attempts], ['first', 0]);
    await queue.enqueue('second');
    await queue.release(again!);
    assert.deepEqual(
      (await queue.receive(2, never())).map((m) => m.body),
      ['first', 'second'],
    );
  });

  it('lists dead letters as a snapshot that callers cannot change', async () => {
    const queue = new InMemoryQueue<string>();
    await queue.enqueue('poison');
    const [message] = await queue.receive(1, never());
    await queue.deadLetter(message!, 'Error: bad');
    const letters = queue.deadLetters();
    assert.deepEqual(
      letters.map((m) => [m.id, m.body, m.attempts, m.lastError]),
      [[message!.id, 'poison', 1, 'Error: bad']],
    );
    (letters as unknown as unknown[]).length = 0;
    assert.equal(queue.deadLetters().length, 1);
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 1 });
  });

  it('refuses a body that cannot be stored, naming the reason', async () => {
    const queue = new InMemoryQueue<unknown>();
    await assert.rejects(queue.enqueue({ callback: () => 1 }), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^InMemoryQueue: message body must be structured-cloneable \(.+\)$/);
      return true;
    });
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 0 });
  });

  it('a pending delayed retry does not keep the process alive', async () => {
    const queue = new InMemoryQueue<string>();
    await queue.enqueue('job');
    const [message] = await queue.receive(1, never());
    const before = activeTimers();
    await queue.retry(message!, 600_000, 'later');
    assert.equal(activeTimers(), before, 'the retry timer holds the event loop open');
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 1, dead: 0 });
  });
});
