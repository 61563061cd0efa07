// The token bucket's time source: the system clock's sleep, and wait() on a clock whose timers fire early.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { TokenBucketLimiter, systemClock, type Clock } from '../src/rate-limit.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

describe('rate-limit: systemClock and wait() timing', () => {
  it('systemClock.sleep longer than 2^31-1 ms chains timers until the whole wait has passed', async () => {
    // Timers are captured, never armed: the only way to observe a 50-day wait.
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms: number) => timers.push({ fn, ms })) as unknown as typeof setTimeout;
    let resolved = false;
    try {
      const sleeping = systemClock.sleep(MAX_TIMER_MS * 2.5).then(() => void (resolved = true));
      for (const expected of [MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS / 2]) {
        await Promise.resolve();
        const timer = timers.shift();
        assert.equal(timer?.ms, expected);
        assert.equal(resolved, false);
        timer!.fn();
      }
      await sleeping;
      assert.equal(timers.length, 0);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
  });

  it('systemClock.sleep rejects with the reason of an aborted signal even for a zero wait, and resolves one otherwise', async () => {
    const reason = new Error('already gone');
    await assert.rejects(systemClock.sleep(0, AbortSignal.abort(reason)), (error) => error === reason);
    await assert.rejects(systemClock.sleep(5, AbortSignal.abort(reason)), (error) => error === reason);
    await systemClock.sleep(0);
    await systemClock.sleep(0, new AbortController().signal);
  });

  it('systemClock.sleep leaves no abort listener on a long-lived signal once it resolved (no leak across many waits)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) await systemClock.sleep(1, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('systemClock.now is monotonic milliseconds', async () => {
    const before = systemClock.now();
    await systemClock.sleep(20);
    const elapsed = systemClock.now() - before;
    assert.ok(elapsed >= 19 && elapsed < 5_000, `elapsed ${elapsed}`);
  });

  it('wait() sleeps the remainder again when the clock wakes it early, and not a moment more', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const early: Clock = {
      now: () => now,
      async sleep(ms) {
        sleeps.push(ms);
        // The first timer fires 0.5 ms early by this clock, as real timers may.
        now += sleeps.length === 1 ? ms - 0.5 : ms;
      },
    };
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 4, clock: early });
    limiter.take('k');
    await limiter.wait('k');
    assert.deepEqual(sleeps, [250, 0.5]);
    assert.equal(now, 250);
  });

  it('an aborted wait gives back exactly its reservation: the next caller waits as if it had never come', async () => {
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: (_ms, signal) =>
        // Only an abort ends this sleep.
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    };
    const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1, clock });
    limiter.take('k', 2);
    const controller = new AbortController();
    const waiting = limiter.wait('k', { cost: 2, signal: controller.signal });
    now = 500;
    controller.abort(new Error('left'));
    await assert.rejects(waiting, /left/);
    // Half a token refilled meanwhile: that is all the balance holds, and it stays below capacity.
    assert.deepEqual(limiter.take('k', 0.5), { allowed: true, limit: 2, remaining: 0, resetMs: 2000, retryAfterMs: 0 });
    now = 2500;
    assert.equal(limiter.take('k', 2).allowed, true, 'refilled in full');
  });

  it('refuses missing options and names the bad value', () => {
    assert.throws(() => new TokenBucketLimiter(undefined as never), { name: 'RangeError', message: 'capacity must be a finite number > 0, got undefined' });
    assert.throws(() => new TokenBucketLimiter({ capacity: Infinity, refillPerSecond: 1 }), /capacity must be a finite number > 0, got Infinity/);
    assert.throws(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0 }), /^RangeError: refillPerSecond must be a finite number > 0, got 0$/);
    assert.throws(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: Infinity }), /refillPerSecond .* got Infinity/);
    assert.throws(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 2.5 }), /^RangeError: maxKeys must be an integer >= 1, got 2.5$/);
    assert.equal(new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 1 }).size, 0);
    const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1 });
    assert.throws(() => limiter.take('k', Infinity), /^RangeError: cost must be a finite number > 0, got Infinity$/);
    assert.equal(limiter.take('k', 2).allowed, true, 'a cost equal to the capacity is allowed');
  });

  it('publishes its policy: capacity per refill period', () => {
    assert.deepEqual(new TokenBucketLimiter({ capacity: 10, refillPerSecond: 4 }).policy, { limit: 10, windowMs: 2500 });
  });
});
