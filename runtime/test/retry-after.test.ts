// retry(): the Retry-After policy (never shortened: waited in full when maxDelay and the deadline
// allow it, else RetryAfterExceededError) and waits longer than setTimeout can hold.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_TIMER_DELAY, RetryAfterExceededError, parseRetryAfter, retry, sleep, type RetryEvent } from '../src/retry.js';

const httpError = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, headers });

/** A sleep that records each requested delay and returns at once, for tests about delay values. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe('retry: Retry-After and long waits', () => {
  describe('Retry-After', () => {
    it('honours delta-seconds over the computed backoff', async () => {
      const { delays, sleep: record } = recordingSleep();
      let calls = 0;
      await retry(
        () => {
          if (calls++ === 0) throw httpError(429, { 'Retry-After': '2' });
        },
        { sleep: record, maxDelay: 60_000 },
      );
      assert.deepEqual(delays, [2_000]);
    });

    it('reads it from a fetch Response on error.response', async () => {
      const { delays, sleep: record } = recordingSleep();
      let calls = 0;
      const response = new Response(null, { status: 503, headers: { 'retry-after': '3' } });
      await retry(
        () => {
          if (calls++ === 0) throw Object.assign(new Error('unavailable'), { response });
        },
        { sleep: record },
      );
      assert.deepEqual(delays, [3_000]);
    });

    it('parses delta-seconds and HTTP-dates; past dates are 0, garbage is undefined', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      assert.equal(parseRetryAfter('120', now), 120_000);
      assert.equal(parseRetryAfter(' 0 ', now), 0);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5_000);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
      assert.equal(parseRetryAfter('Wednesday, 21-Oct-15 07:28:10 GMT', now), 10_000);
      assert.equal(parseRetryAfter('soon', now), undefined);
      assert.equal(parseRetryAfter('-5', now), undefined);
      assert.equal(parseRetryAfter('1.5', now), undefined);
      assert.equal(parseRetryAfter('1e3', now), undefined);
      assert.equal(parseRetryAfter('120, 60', now), undefined);
      assert.equal(parseRetryAfter('', now), undefined);
      assert.equal(parseRetryAfter('Wed, 99 Foo 2015 07:28:05 GMT', now), undefined);
      assert.equal(parseRetryAfter('99999999999999999999', now), 99999999999999999999 * 1000);
      assert.equal(parseRetryAfter(null, now), undefined);
    });

    it('gives up with RetryAfterExceededError when Retry-After exceeds maxDelay, instead of retrying before the server allows', async () => {
      for (const header of ['120', new Date(Date.now() + 3_600_000).toUTCString()]) {
        const { delays, sleep: record } = recordingSleep();
        const failure = httpError(503, { 'retry-after': header });
        let calls = 0;
        await assert.rejects(
          retry(
            () => {
              calls++;
              throw failure;
            },
            { maxDelay: 30_000, sleep: record },
          ),
          (error: unknown) => {
            assert.ok(error instanceof RetryAfterExceededError, String(error));
            assert.equal(error.cause, failure);
            assert.equal(error.attempt, 1);
            assert.ok(error.retryAfter > 30_000, `retryAfter ${error.retryAfter}`);
            assert.match(error.message, /beyond maxDelay \(30000 ms\); giving up instead of retrying early/);
            return true;
          },
        );
        assert.equal(calls, 1, `Retry-After ${header}`);
        assert.deepEqual(delays, [], 'waited a shortened Retry-After');
      }
    });

    it('honours a Retry-After above maxDelay in full when maxDelay allows it, an HTTP-date counting from now', async () => {
      const { delays, sleep: record } = recordingSleep();
      let calls = 0;
      const retryAt = new Date(Date.now() + 120_000).toUTCString();
      await retry(
        () => {
          if (calls++ === 0) throw httpError(503, { 'retry-after': retryAt });
        },
        { maxDelay: 200_000, sleep: record },
      );
      assert.equal(calls, 2);
      assert.ok(delays[0]! > 118_000 && delays[0]! <= 120_000, `waited ${delays[0]} ms for a date 120 s ahead`);
    });

    it('gives up at once with RetryAfterExceededError when Retry-After reaches past the deadline', async () => {
      let calls = 0;
      const failure = httpError(429, { 'retry-after': '3600' });
      await assert.rejects(
        retry(
          () => {
            calls++;
            throw failure;
          },
          { maxDelay: Infinity, deadline: 5_000 },
        ),
        (error: unknown) => {
          assert.ok(error instanceof RetryAfterExceededError);
          assert.equal(error.cause, failure);
          assert.equal(error.retryAfter, 3_600_000);
          assert.match(error.message, /beyond the deadline \(\d+ ms left\)/);
          return true;
        },
      );
      assert.equal(calls, 1);
    });

    it('gives up on an infinite Retry-After (a 400-digit header) even with maxDelay and deadline Infinity', async () => {
      let calls = 0;
      await assert.rejects(
        retry(
          () => {
            calls++;
            throw httpError(503, { 'retry-after': '9'.repeat(400) });
          },
          { maxDelay: Infinity },
        ),
        /asked to wait Infinity ms \(Retry-After\) after attempt 1, beyond any finite wait/,
      );
      assert.equal(calls, 1);
    });

    it('a custom retryAfter giving NaN or a non-number falls back to the backoff; negative means now; fractions round up', async () => {
      for (const [requested, expected] of [
        [Number.NaN, 7],
        ['5000', 7],
        [undefined, 7],
        [-100, 0],
        [10.2, 11],
      ] as const) {
        const { delays, sleep: record } = recordingSleep();
        let calls = 0;
        await retry(
          () => {
            if (calls++ === 0) throw httpError(503);
          },
          { sleep: record, baseDelay: 8, random: () => 0.9, retryAfter: () => requested as number | undefined },
        );
        assert.deepEqual(delays, [expected], `retryAfter ${String(requested)}`);
      }
    });
  });

  describe('setTimeout overflow', () => {
    it('sleep() longer than 2^31-1 ms chains timers until the whole wait has passed, never resolving early', async () => {
      // A fake clock: the only way to observe a 25-day wait. Timers are captured, never really armed.
      const timers: Array<{ fn: () => void; ms: number }> = [];
      let now = 0;
      const realSetTimeout = globalThis.setTimeout;
      const realNow = performance.now;
      globalThis.setTimeout = ((fn: () => void, ms: number) => timers.push({ fn, ms })) as unknown as typeof setTimeout;
      performance.now = () => now;
      let resolved = false;
      try {
        const waiting = sleep(MAX_TIMER_DELAY * 2.5).then(() => void (resolved = true));
        for (const expected of [MAX_TIMER_DELAY, MAX_TIMER_DELAY, MAX_TIMER_DELAY / 2]) {
          const timer = timers.shift();
          assert.equal(timer?.ms, expected);
          now += timer!.ms;
          await Promise.resolve();
          assert.equal(resolved, false, `resolved after ${now} of ${MAX_TIMER_DELAY * 2.5} ms`);
          timer!.fn();
        }
        await waiting;
        assert.equal(timers.length, 0);
      } finally {
        globalThis.setTimeout = realSetTimeout;
        performance.now = realNow;
      }
    });

    it('a deadline longer than 2^31-1 ms (30 days) aborts the attempt signal at the deadline, not after 24.8 days', async () => {
      // Fake clock again; AbortSignal.timeout is captured too, since Node arms it on a timer of its own.
      const timers: Array<{ fn: () => void; ms: number }> = [];
      let now = 0;
      const realSetTimeout = globalThis.setTimeout;
      const realNow = performance.now;
      const realTimeout = AbortSignal.timeout;
      globalThis.setTimeout = ((fn: () => void, ms: number) => timers.push({ fn, ms })) as unknown as typeof setTimeout;
      AbortSignal.timeout = (ms: number) => {
        assert.ok(ms <= MAX_TIMER_DELAY, `AbortSignal.timeout(${ms}) overflows`);
        const controller = new AbortController();
        timers.push({ fn: () => controller.abort(new DOMException('timeout', 'TimeoutError')), ms });
        return controller.signal;
      };
      performance.now = () => now;
      const deadline = 30 * 24 * 3600 * 1000;
      try {
        let seen: AbortSignal | undefined;
        const running = retry(
          ({ signal }) => {
            seen = signal;
            return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          },
          { deadline },
        );
        const outcome = running.then(
          () => 'resolved',
          (error: Error) => `${error.name}: ${error.message}`,
        );
        while (timers.length > 0 && now < deadline) {
          const timer = timers.shift()!;
          assert.ok(timer.ms <= MAX_TIMER_DELAY, `a ${timer.ms} ms timer overflows`);
          now += timer.ms;
          if (now < deadline) assert.equal(seen?.aborted, false, `aborted after ${now} of ${deadline} ms`);
          timer.fn();
        }
        assert.equal(now, deadline);
        assert.equal(seen?.aborted, true);
        assert.equal(await outcome, 'TimeoutError: The operation was aborted due to timeout', 'the reason AbortSignal.timeout gives');
      } finally {
        globalThis.setTimeout = realSetTimeout;
        performance.now = realNow;
        AbortSignal.timeout = realTimeout;
      }
    });

    for (const [label, options, error, expected] of [
      ['caps a huge maxDelay at 2^31-1 ms', { baseDelay: 2 ** 40, maxDelay: 2 ** 40, random: () => 0.999_999_999 }, httpError(503), undefined],
      ['waits a huge Retry-After in full (maxDelay Infinity)', { maxDelay: Infinity }, httpError(503, { 'retry-after': '99999999999' }), 99_999_999_999_000],
    ] as const) {
      it(`${label} instead of letting it become a 1 ms timer`, async () => {
        const controller = new AbortController();
        const events: RetryEvent[] = [];
        let calls = 0;
        const retrying = retry(
          () => {
            calls++;
            throw error;
          },
          { ...options, signal: controller.signal, onRetry: (event) => events.push(event) },
        );
        await delay(100);
        // An overflowing timer would have fired after 1 ms and called fn again by now.
        assert.equal(calls, 1);
        if (expected === undefined) assert.ok(events[0]!.delay <= MAX_TIMER_DELAY && events[0]!.delay > MAX_TIMER_DELAY / 2);
        else assert.equal(events[0]!.delay, expected);
        controller.abort(new Error('test done'));
        await assert.rejects(retrying, /test done/);
      });
    }
  });
});
