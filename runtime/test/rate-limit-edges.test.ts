// The token bucket at its edges: balances within EPSILON of a boundary (floating-point drift), the sweep
// past busy buckets, and eviction when every bucket at the cap was used recently.
import assert from 'node:assert/strict';
import { TokenBucketLimiter, clientAddressKey, type Clock } from '../src/rate-limit.js';
import { captureLogs } from './fixtures/logs.js';

/** A clock the test moves by hand; sleep() records the delay and moves the clock to the wake-up time. */
function manualClock(): Clock & { advance(ms: number): void; readonly sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms) => void (now += ms),
    sleeps,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('rate-limit: token bucket edges', () => {
  it('counts a shortfall of at most EPSILON (1e-9 units) as drift: wait() does not sleep for it', async () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, clock });
    limiter.take('k');
    await limiter.wait('k', { cost: 1e-9 });
    assert.deepEqual(clock.sleeps, []);
    // At 2000 units/s a 2e-9 shortfall is 1e-9 ms away: no timer for that either.
    const fast = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 2000, clock });
    fast.take('k');
    await fast.wait('k', { cost: 2e-9 });
    assert.deepEqual(clock.sleeps, []);
  });

  it('reports a reset of 0 ms when the bucket is within EPSILON of full', () => {
    const limiter = new TokenBucketLimiter({ capacity: 2e-9, refillPerSecond: 1, clock: manualClock() });
    assert.deepEqual(limiter.take('k', 1e-9), { allowed: true, limit: 2e-9, remaining: 0, resetMs: 0, retryAfterMs: 0 });
  });

  it('sweeps a bucket within EPSILON of full as idle', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, clock });
    for (let i = 0; i < 40; i++) limiter.take(`idle-${i}`);
    clock.advance(1_000);
    limiter.take('almost-full', 1e-9); // the sweep's first batch runs before this take
    limiter.take('next'); // the second batch reaches 'almost-full'
    assert.equal(limiter.size, 1, 'only the key created after the sweep passed is left');
  });

  it('a sweep gets past buckets still in use at the front of the map to the idle ones behind them', () => {
    const clock = manualClock();
    const limiter = new TokenBucketLimiter({ capacity: 5, refillPerSecond: 5, clock });
    const busy = Array.from({ length: 40 }, (_, i) => `busy-${i}`);
    for (const key of busy) limiter.take(key);
    for (let i = 0; i < 1000; i++) limiter.take(`idle-${i}`);
    clock.advance(999);
    for (const key of busy) limiter.take(key, 5); // drained: far from full when the sweep comes
    clock.advance(1);
    for (let round = 0; round < 50; round++) limiter.take(busy[round % busy.length]!);
    assert.equal(limiter.size, 40, 'the 1000 idle buckets were swept');
  });

  it('at the cap with every bucket recently used, evicts the 16th one probed rather than growing', () => {
    const clock = manualClock();
    const logs = captureLogs();
    try {
      const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 0.001, maxKeys: 20, clock });
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      for (const key of keys) limiter.take(key);
      for (const key of keys) limiter.take(key); // used, and drained to 0
      limiter.take('newcomer');
      assert.equal(limiter.size, 20);
      const fresh = keys.filter((key) => limiter.take(key).remaining === 1);
      assert.deepEqual(fresh, ['k15'], 'only the 16th probed key lost its (drained) bucket');
      assert.equal(logs.lines.filter((line) => line.maxKeys === 20).length, 1, 'the cap warning names maxKeys');
    } finally {
      logs.restore();
    }
  });

  it('a balance of exactly -EPSILON is no reservation: such a bucket can be evicted', async () => {
    const clock = manualClock();
    const logs = captureLogs();
    const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2, clock });
    limiter.take('a');
    await limiter.wait('a', { cost: 1e-9 }); // balance -1e-9, and no sleep: nobody waits on it
    limiter.take('b');
    limiter.take('b'); // used too
    // Probes: a and b get their second chance, then a, unused now and holding no reservation, goes.
    limiter.take('c');
    assert.equal(limiter.size, 2);
    assert.equal(limiter.take('b').allowed, false, "b's drained bucket was kept");
    assert.equal(limiter.take('a').allowed, true, "a's drained bucket was evicted: it starts full again");
    logs.restore();
  });
});

describe('rate-limit: clientAddressKey edges', () => {
  it('treats ::ffff only as IPv4-mapped after five zero groups', () => {
    assert.equal(clientAddressKey('2001:db8::ffff:c633:6407'), 'ip:2001:db8:0:0::/64');
    assert.equal(clientAddressKey('0:0:0:0:1:ffff:c633:6407'), 'ip:0:0:0:0::/64');
  });
});
