import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withLogContext } from '../src/log.js';
import { TokenBucketLimiter, clientAddressKey, rateLimitHeaders, rateLimitedBody, systemClock, type Clock } from '../src/rate-limit.js';
import { captureLogs } from './fixtures/logs.js';

/**
 * A clock the test moves by hand. sleep() records the delay and, one microtask later, moves the clock to
 * the sleeper's wake-up time (sleepers started at the same instant share the time that passes).
 */
function fakeClock(): Clock & { advance(ms: number): void; readonly sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleeps,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      const wakeAt = now + ms;
      await Promise.resolve();
      now = Math.max(now, wakeAt);
    },
  };
}

describe('rate-limit: token bucket', () => {
  it('admits a burst of `capacity`, then denies with the exact wait until the next token', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 4, clock });
    const decisions = Array.from({ length: 4 }, () => limiter.take('k'));
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      [true, true, true, false],
    );
    assert.deepEqual(
      decisions.map((d) => d.remaining),
      [2, 1, 0, 0],
    );
    assert.deepEqual(decisions[0], { allowed: true, limit: 3, remaining: 2, resetMs: 250, retryAfterMs: 0 });
    assert.deepEqual(decisions[3], { allowed: false, limit: 3, remaining: 0, resetMs: 750, retryAfterMs: 250 });
    clock.advance(249);
    assert.equal(limiter.take('k').allowed, false);
    clock.advance(1);
    assert.equal(limiter.take('k').allowed, true);
  });

  it('refills continuously up to capacity, never beyond', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 10, clock });
    limiter.take('k', 2);
    clock.advance(100);
    assert.equal(limiter.take('k').remaining, 0, '100 ms at 10/s restores exactly one token');
    clock.advance(60_000);
    assert.equal(limiter.take('k').remaining, 1, 'a long idle period restores at most `capacity`');
  });

  it('keeps keys independent and supports costs', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ capacity: 5, refillPerSecond: 1, clock });
    assert.equal(limiter.take('a', 5).allowed, true);
    assert.equal(limiter.take('a').allowed, false);
    const b = limiter.take('b', 4);
    assert.equal(b.allowed, true);
    assert.equal(b.remaining, 1);
    const denied = limiter.take('b', 3);
    assert.equal(denied.allowed, false);
    assert.equal(denied.retryAfterMs, 2000, 'needs 2 more tokens at 1/s');
    assert.equal(limiter.take('b', 1).allowed, true, 'a denied take spends nothing');
  });

  it('rejects bad options and arguments with clear errors', () => {
    assert.throws(() => new TokenBucketLimiter({ capacity: 0, refillPerSecond: 1 }), /capacity must be a finite number > 0, got 0/);
    assert.throws(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: Number.NaN }), /refillPerSecond must be/);
    assert.throws(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 0 }), /maxKeys must be an integer >= 1/);
    assert.throws(
      () => new TokenBucketLimiter({ capacity: 1e308, refillPerSecond: 1e-10 }),
      /capacity \/ refillPerSecond must be a finite number of seconds, got 1e\+308 \/ 1e-10/,
    );
    const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 1 });
    assert.throws(() => limiter.take('k', 4), /cost 4 exceeds the bucket capacity 3: it could never be admitted/);
    assert.throws(() => limiter.take('k', 0), /cost must be a finite number > 0, got 0/);
    assert.throws(() => limiter.take('k', -1), RangeError);
    assert.throws(() => limiter.take(42 as unknown as string), /key must be a string, got number/);
    assert.rejects(limiter.wait('k', { cost: 9 }), /exceeds the bucket capacity/);
  });

  describe('bounded memory', () => {
    it('catalogue defect: in-memory buckets grow forever — a bucket idle long enough to refill is evicted', () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 5, refillPerSecond: 5, clock });
      for (let i = 0; i < 1000; i++) limiter.take(`old-${i}`);
      assert.equal(limiter.size, 1000);
      clock.advance(1000); // every old bucket is full again
      for (let i = 0; i < 1000; i++) limiter.take(`new-${i}`);
      assert.equal(limiter.size, 1000, 'only the 1000 recently used keys remain, not 2000');
      clock.advance(1000);
      for (let i = 0; i < 10; i++) limiter.take('only');
      assert.ok(limiter.size < 1000, `idle buckets keep being swept (size ${limiter.size})`);
    });

    it('evicts an idle bucket without changing any decision', () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1, clock });
      limiter.take('a', 2);
      clock.advance(1500);
      assert.equal(limiter.take('a').remaining, 0, 'half-refilled: still tracked');
      clock.advance(5000);
      limiter.take('x');
      assert.deepEqual(limiter.take('a', 2), { allowed: true, limit: 2, remaining: 0, resetMs: 2000, retryAfterMs: 0 });
    });

    it('never tracks more than maxKeys; drops the least recently used one and warns once', () => {
      const logs = captureLogs();
      try {
        const clock = fakeClock();
        const limiter = new TokenBucketLimiter({ capacity: 10, refillPerSecond: 1, maxKeys: 100, clock });
        limiter.take('kept', 10);
        for (let i = 0; i < 1000; i++) {
          limiter.take(`flood-${i}`);
          if (i % 50 === 0) limiter.take('kept', 0.001); // keeps it recently used, spends (almost) nothing
          assert.ok(limiter.size <= 100);
        }
        assert.equal(limiter.take('kept').allowed, false, 'a recently used key keeps its (empty) bucket');
        assert.equal(limiter.take('flood-0').remaining, 9, 'an evicted key starts with a full bucket');
        assert.equal(logs.lines.filter((l) => String(l.msg).includes('maxKeys')).length, 1);
      } finally {
        logs.restore();
      }
    });

    it('at the cap, gives a bucket used since it last reached the front a second chance (CLOCK), evicting one seen once', () => {
      const logs = captureLogs(); // the maxKeys warning is expected here
      try {
        const clock = fakeClock();
        const limiter = new TokenBucketLimiter({ capacity: 10, refillPerSecond: 1, maxKeys: 3, clock });
        for (const key of ['a', 'b', 'c']) limiter.take(key, 5);
        limiter.take('a', 1); // a is now used: 4 left
        limiter.take('d'); // the front is a (used: moved back), then b (seen once): b goes
        assert.equal(limiter.size, 3);
        assert.equal(limiter.take('a').remaining, 3, 'a kept its bucket');
        assert.equal(limiter.take('c').remaining, 4, 'c kept its bucket');
        assert.equal(limiter.take('b').remaining, 9, 'b was evicted and starts full');
      } finally {
        logs.restore();
      }
    });

    it('property: never tracks more than maxKeys keys, whatever the mix of keys, costs and pauses', () => {
      const logs = captureLogs();
      try {
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 8 }),
            fc.array(fc.record({ key: fc.integer({ min: 0, max: 20 }), cost: fc.integer({ min: 1, max: 3 }), pause: fc.integer({ min: 0, max: 1500 }) }), {
              maxLength: 200,
            }),
            (maxKeys, operations) => {
              const clock = fakeClock();
              const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 2, maxKeys, clock });
              for (const { key, cost, pause } of operations) {
                clock.advance(pause);
                limiter.take(`k${key}`, cost);
                assert.ok(limiter.size <= maxKeys, `size ${limiter.size} > maxKeys ${maxKeys}`);
              }
            },
          ),
          { numRuns: 300 },
        );
      } finally {
        logs.restore();
      }
    });

    it('property: at the cap, evicts exactly what a reference CLOCK over an array would', () => {
      // The limiter reads its front through a long-lived iterator (the clock hand); this model uses no Map.
      const logs = captureLogs();
      try {
        fc.assert(
          fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 150 }), (maxKeys, keys) => {
            // No time passes, so no bucket refills or is swept as idle: only the cap evicts.
            const limiter = new TokenBucketLimiter({ capacity: 1_000, refillPerSecond: 1, maxKeys, clock: fakeClock() });
            const model: Array<{ key: string; spent: number; used: boolean }> = [];
            for (const n of keys) {
              const key = `k${n}`;
              let bucket = model.find((entry) => entry.key === key);
              if (bucket) bucket.used = true;
              else {
                for (let probe = 1; model.length >= maxKeys; probe++) {
                  const front = model.shift()!;
                  if (front.used && probe < 16) model.push({ ...front, used: false });
                }
                model.push((bucket = { key, spent: 0, used: false }));
              }
              bucket.spent++;
              assert.equal(limiter.take(key).remaining, 1_000 - bucket.spent, key);
              assert.equal(limiter.size, model.length);
            }
          }),
          { numRuns: 300 },
        );
      } finally {
        logs.restore();
      }
    });

    it('never evicts a bucket that a waiter holds a reservation on', async () => {
      const logs = captureLogs(); // the maxKeys warning is expected here
      try {
        const clock = fakeClock();
        let releaseSleep!: () => void;
        const heldClock: Clock = {
          now: clock.now,
          sleep: () =>
            new Promise((r) => {
              releaseSleep = r;
            }),
        };
        const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 2, clock: heldClock });
        limiter.take('busy');
        const waiting = limiter.wait('busy'); // reserves the next token: balance -1
        for (const key of ['b', 'c', 'd', 'e']) limiter.take(key);
        assert.ok(limiter.size <= 3, 'at most one reserved bucket over the cap');
        const decision = limiter.take('busy');
        assert.equal(decision.allowed, false);
        assert.equal(decision.retryAfterMs, 2000, 'the reservation is still owed');
        clock.advance(1000);
        releaseSleep();
        await waiting;
      } finally {
        logs.restore();
      }
    });
  });

  describe('wait()', () => {
    it('catalogue defect: wait() polls every 100 ms — it sleeps once, exactly until the next token', async () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 4, clock });
      limiter.take('k');
      await limiter.wait('k');
      assert.deepEqual(clock.sleeps, [250]);
    });

    it('does not sleep at all when a token is available', async () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1, clock });
      await limiter.wait('k', { cost: 2 });
      assert.deepEqual(clock.sleeps, []);
      assert.equal(limiter.take('k').allowed, false, 'wait() spent the tokens');
    });

    it('serves concurrent waiters in arrival order, each with one exact sleep', async () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 10, clock });
      limiter.take('k');
      await Promise.all([limiter.wait('k'), limiter.wait('k'), limiter.wait('k', { cost: 0.5 })]);
      assert.deepEqual(clock.sleeps, [100, 200, 250]);
      assert.equal(clock.now(), 250);
    });

    it('a take() cannot jump the queue of waiters', async () => {
      let release!: () => void;
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({
        capacity: 1,
        refillPerSecond: 1,
        clock: {
          now: clock.now,
          sleep: () =>
            new Promise((r) => {
              release = r;
            }),
        },
      });
      limiter.take('k');
      const waiting = limiter.wait('k');
      clock.advance(1000); // the refilled token belongs to the waiter
      assert.equal(limiter.take('k').allowed, false);
      release();
      await waiting;
    });

    it('really waits with the system clock', async () => {
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 50 });
      const start = performance.now();
      limiter.take('k');
      await limiter.wait('k');
      // A lower bound only (never flaky): wait() re-sleeps if a timer fires early, so it cannot return before the token exists.
      assert.ok(performance.now() - start >= 20, `returned after ${performance.now() - start} ms, before the token refilled`);
    });

    it('stops at once on abort, rejects with the reason and returns the reservation', async () => {
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1 });
      limiter.take('k');
      const controller = new AbortController();
      const waiting = limiter.wait('k', { signal: controller.signal });
      const reason = new Error('client went away');
      setTimeout(() => controller.abort(reason), 5);
      await assert.rejects(waiting, (error) => error === reason);
      const decision = limiter.take('k');
      assert.equal(decision.allowed, false);
      assert.ok(decision.retryAfterMs <= 1000, `the abandoned reservation no longer delays others (${decision.retryAfterMs} ms)`);
    });

    it('rejects an already aborted signal without reserving anything', async () => {
      const clock = fakeClock();
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, clock });
      await assert.rejects(limiter.wait('k', { signal: AbortSignal.abort(new Error('stop')) }), /stop/);
      assert.equal(limiter.take('k').allowed, true);
    });

    it('systemClock.sleep rejects with the abort reason', async () => {
      const controller = new AbortController();
      const sleeping = systemClock.sleep(60_000, controller.signal);
      controller.abort(new Error('cancelled'));
      await assert.rejects(sleeping, /cancelled/);
    });
  });

  it('property: never admits more than capacity + rate × elapsed, under random takes, waits and pauses', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2000 }) }),
      fc.record({ kind: fc.constant('take' as const), cost: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('wait' as const), cost: fc.integer({ min: 1, max: 4 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4, max: 10 }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.array(operation, { maxLength: 120 }),
        async (capacity, refillPerSecond, operations) => {
          const clock = fakeClock();
          const limiter = new TokenBucketLimiter({ capacity, refillPerSecond, clock });
          const admitted: Array<{ at: number; cost: number }> = [];
          for (const op of operations) {
            if (op.kind === 'advance') clock.advance(op.ms);
            else if (op.kind === 'take') {
              if (limiter.take('k', op.cost).allowed) admitted.push({ at: clock.now(), cost: op.cost });
            } else {
              await limiter.wait('k', { cost: op.cost });
              admitted.push({ at: clock.now(), cost: op.cost });
            }
          }
          for (let i = 0; i < admitted.length; i++) {
            let spent = 0;
            for (let j = i; j < admitted.length; j++) {
              spent += admitted[j]!.cost;
              const bound = capacity + (refillPerSecond * (admitted[j]!.at - admitted[i]!.at)) / 1000;
              assert.ok(spent <= bound + 1e-6, `admitted ${spent} in [${admitted[i]!.at}, ${admitted[j]!.at}] ms, bound ${bound}`);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('rate-limit: HTTP helpers', () => {
  const policy = { limit: 10, windowMs: 60_000 };

  it('builds the RateLimit headers, with Retry-After only when denied', () => {
    assert.deepEqual(rateLimitHeaders({ allowed: true, limit: 10, remaining: 7, resetMs: 1500, retryAfterMs: 0 }, policy), {
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '7',
      'RateLimit-Reset': '2',
      'RateLimit-Policy': '10;w=60',
    });
    const denied = rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetMs: 9000, retryAfterMs: 120 }, policy);
    assert.equal(denied['Retry-After'], '1', 'a sub-second wait still says at least 1 second');
  });

  it('answers 429 with a small JSON body carrying the request id when there is one', () => {
    const decision = { allowed: false, limit: 1, remaining: 0, resetMs: 3000, retryAfterMs: 2500 };
    assert.deepEqual(rateLimitedBody(decision), { code: 'RATE_LIMITED', message: 'Too many requests', details: { retryAfterSeconds: 3 } });
    withLogContext({ requestId: 'r-1' }, () => assert.equal(rateLimitedBody(decision).requestId, 'r-1'));
  });

  it('keys clients by address, unwrapping IPv4-mapped IPv6 and grouping IPv6 by /64', () => {
    assert.equal(clientAddressKey('203.0.113.9'), 'ip:203.0.113.9');
    assert.equal(clientAddressKey('::ffff:203.0.113.9'), 'ip:203.0.113.9');
    assert.equal(clientAddressKey('2001:db8:85a3:1:aaaa:bbbb:cccc:dddd'), 'ip:2001:db8:85a3:1::/64');
    assert.equal(clientAddressKey('2001:DB8:85a3:0001::1'), 'ip:2001:db8:85a3:1::/64');
    assert.equal(clientAddressKey('2001:db8::1'), 'ip:2001:db8:0:0::/64');
    assert.equal(clientAddressKey('fe80::1%eth0'), 'ip:fe80:0:0:0::/64');
    assert.equal(clientAddressKey('::1'), 'ip:0:0:0:0::/64');
    assert.equal(clientAddressKey(undefined), 'ip:unknown');
  });
});
