import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { MAX_TIMER_DELAY, backoffDelay, isTransientError, retry, sleep, type RetryEvent } from '../src/retry.js';
import { captureLogs } from './fixtures/logs.js';

const httpError = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, headers });
const networkError = () => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

/** A sleep that records each requested delay and returns at once, for tests about delay values. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** Resolves after every pending immediate has run. */
async function settleEventLoop(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('retry', () => {
  it('retries transient failures and resolves with the first success', async () => {
    const seen: number[] = [];
    const result = await retry(
      ({ attempt }) => {
        seen.push(attempt);
        if (attempt < 3) throw httpError(503);
        return 'ok';
      },
      { attempts: 5, baseDelay: 1 },
    );
    assert.equal(result, 'ok');
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('rejects with the last error once the attempts are used up', async () => {
    let calls = 0;
    const errors = [httpError(500), httpError(502), httpError(503)];
    await assert.rejects(
      retry(() => Promise.reject(errors[calls++]), { attempts: 3, baseDelay: 1 }),
      (error) => error === errors[2],
    );
    assert.equal(calls, 3);
  });

  describe('catalogue defect: retries every exception, including 4xx and programming errors', () => {
    for (const [label, error] of [
      ['HTTP 400', httpError(400)],
      ['HTTP 404', httpError(404)],
      ['HTTP 422 via statusCode', Object.assign(new Error('invalid'), { statusCode: 422 })],
      ['a TypeError from our own code', new TypeError("Cannot read properties of undefined (reading 'id')")],
      ['a plain Error', new Error('business rule violated')],
      ['an AbortError', new DOMException('aborted', 'AbortError')],
      ['a thrown string', 'oops'],
    ] as const) {
      it(`catalogue defect: does not retry ${label} by default`, async () => {
        let calls = 0;
        await assert.rejects(
          retry(
            () => {
              calls++;
              throw error;
            },
            { attempts: 5, baseDelay: 1 },
          ),
          (thrown) => thrown === error,
        );
        assert.equal(calls, 1);
      });
    }

    for (const [label, error] of [
      ['HTTP 408', httpError(408)],
      ['HTTP 429', httpError(429)],
      ['HTTP 503 via response.status', Object.assign(new Error('bad gateway'), { response: { status: 503 } })],
      ['fetch failed with ECONNREFUSED cause', networkError()],
      ['a socket ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
      ['a TimeoutError', new DOMException('timed out', 'TimeoutError')],
    ] as const) {
      it(`retries ${label} by default`, async () => {
        let calls = 0;
        await assert.rejects(
          retry(
            () => {
              calls++;
              throw error;
            },
            { attempts: 3, baseDelay: 1 },
          ),
        );
        assert.equal(calls, 3);
      });
    }

    it('uses an explicit shouldRetry predicate instead, with the attempt number', async () => {
      const asked: number[] = [];
      let calls = 0;
      await assert.rejects(
        retry(
          () => {
            calls++;
            throw new Error('custom');
          },
          { attempts: 10, baseDelay: 1, shouldRetry: (_error, attempt) => (asked.push(attempt), attempt < 2) },
        ),
        /custom/,
      );
      assert.deepEqual(asked, [1, 2]);
      assert.equal(calls, 2);
    });
  });

  describe('catalogue defect: no jitter, no max delay', () => {
    it('catalogue defect: waits are full-jitter samples of the exponential window, not a fixed schedule', async () => {
      const samples = [0.5, 0.25, 0, 0.999];
      const { delays, sleep: record } = recordingSleep();
      await assert.rejects(
        retry(() => Promise.reject(httpError(503)), { attempts: 5, baseDelay: 100, factor: 2, random: () => samples.shift()!, sleep: record }),
      );
      // windows 100, 200, 400, 800 scaled by the samples
      assert.deepEqual(delays, [50, 50, 0, 799]);
    });

    it('catalogue defect: two clients with different randomness spread their retries', async () => {
      const first = recordingSleep();
      const second = recordingSleep();
      const fail = () => Promise.reject(httpError(503));
      await assert.rejects(retry(fail, { attempts: 4, random: () => 0.1, sleep: first.sleep }));
      await assert.rejects(retry(fail, { attempts: 4, random: () => 0.9, sleep: second.sleep }));
      assert.notDeepEqual(first.delays, second.delays);
    });

    it('catalogue defect: caps every wait at maxDelay', async () => {
      const { delays, sleep: record } = recordingSleep();
      await assert.rejects(
        retry(() => Promise.reject(httpError(503)), { attempts: 12, baseDelay: 100, maxDelay: 1_000, random: () => 0.999_999, sleep: record }),
      );
      assert.equal(delays.length, 11);
      assert.ok(delays.every((ms) => ms <= 1_000));
      assert.equal(delays.at(-1), 999);
    });

    it('property: delays stay within [0, maxDelay], a Retry-After is never shortened, and calls never exceed attempts', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            attempts: fc.integer({ min: 1, max: 12 }),
            baseDelay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
            factor: fc.double({ min: 1, max: 100, noNaN: true }),
            maxDelay: fc.oneof(fc.double({ min: 0, max: 2 ** 45, noNaN: true }), fc.constant(Infinity)),
            failuresBeforeSuccess: fc.integer({ min: 0, max: 20 }),
            retryAfterHeader: fc.option(fc.oneof(fc.nat().map(String), fc.constant('99999999999999'), fc.constant('garbage'))),
          }),
          fc.infiniteStream(fc.double()), // includes NaN, negatives and values above 1
          async (settings, randomness) => {
            const { delays, sleep: record } = recordingSleep();
            let calls = 0;
            const { retryAfterHeader, failuresBeforeSuccess, ...options } = settings;
            const error = httpError(503, retryAfterHeader === null ? {} : { 'retry-after': retryAfterHeader });
            await retry(
              () => {
                calls++;
                if (calls <= failuresBeforeSuccess) throw error;
              },
              { ...options, random: () => randomness.next().value, sleep: record },
            ).catch(() => undefined);
            const requested = retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) * 1000 : undefined;
            const givesUpAtOnce = requested !== undefined && requested > settings.maxDelay;
            assert.ok(calls <= settings.attempts, `${calls} calls > ${settings.attempts} attempts`);
            assert.equal(calls, givesUpAtOnce ? 1 : Math.min(settings.attempts, failuresBeforeSuccess + 1));
            assert.equal(delays.length, calls - 1, 'one wait between consecutive calls');
            for (const ms of delays) {
              assert.ok(Number.isInteger(ms) && ms >= 0, `delay ${ms} is not a whole number >= 0`);
              assert.ok(ms <= settings.maxDelay, `delay ${ms} > maxDelay ${settings.maxDelay}`);
              if (requested === undefined) assert.ok(ms <= MAX_TIMER_DELAY, `backoff ${ms} > MAX_TIMER_DELAY`);
              else assert.equal(ms, requested, 'the Retry-After was not waited in full');
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it('backoffDelay never returns NaN, even when the exponential term overflows', () => {
      assert.equal(
        backoffDelay(5_000, { baseDelay: 0, factor: 10, maxDelay: Infinity }, () => 0.5),
        0,
      );
      assert.equal(
        backoffDelay(5_000, { baseDelay: 1, factor: 10, maxDelay: Infinity }, () => 0.5),
        Math.floor(MAX_TIMER_DELAY / 2),
      );
    });
  });

  describe('catalogue defect: no deadline, no cancellation', () => {
    it('catalogue defect: a deadline ends unlimited attempts, rejecting with the last error', async () => {
      let calls = 0;
      const failure = httpError(503);
      await assert.rejects(
        retry(
          () => {
            calls++;
            throw failure;
          },
          { attempts: Infinity, baseDelay: 5, maxDelay: 20, deadline: 150 },
        ),
        (error) => error === failure,
      );
      assert.ok(calls >= 1);
    });

    it('aborts an attempt still running at the deadline through its signal', async () => {
      await assert.rejects(
        retry(({ signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { deadline: 50 }),
        (error: Error) => error.name === 'TimeoutError',
      );
    });

    it('catalogue defect: aborting stops a pending wait at once and rejects with the reason', async function () {
      const controller = new AbortController();
      let calls = 0;
      const reason = new Error('shutting down');
      const retrying = retry(
        () => {
          calls++;
          throw httpError(503);
        },
        {
          baseDelay: 3_600_000,
          maxDelay: 3_600_000,
          random: () => 0.99,
          signal: controller.signal,
          onRetry: () => queueMicrotask(() => controller.abort(reason)),
        },
      );
      // Without cancellation this would wait an hour; mocha's timeout would fail the test.
      await assert.rejects(retrying, (error) => error === reason);
      assert.equal(calls, 1);
    });

    it('rejects with the reason without calling fn when the signal is already aborted', async () => {
      let calls = 0;
      const reason = new Error('already gone');
      await assert.rejects(
        retry(() => calls++, { signal: AbortSignal.abort(reason) }),
        (error) => error === reason,
      );
      assert.equal(calls, 0);
    });

    it('does not retry after the caller aborts during an attempt; passes the signal to fn', async () => {
      const controller = new AbortController();
      let calls = 0;
      const reason = new Error('client disconnected');
      const retrying = retry(
        ({ signal }) => {
          calls++;
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new DOMException('x', 'TimeoutError'))));
        },
        { signal: controller.signal, baseDelay: 1 },
      );
      await settleEventLoop();
      controller.abort(reason);
      await assert.rejects(retrying, (error) => error === reason);
      assert.equal(calls, 1);
    });
  });

  it('waits for real between attempts with the default sleep', async () => {
    let calls = 0;
    const started = performance.now();
    await retry(
      () => {
        if (calls++ === 0) throw httpError(503);
      },
      { baseDelay: 40, random: () => 1 },
    );
    assert.equal(calls, 2);
    assert.ok(performance.now() - started >= 35, 'retried before the backoff elapsed');
  });

  it("gives every attempt of one call the same signal: the caller's own without a deadline, a live one without a caller", async () => {
    const seen: AbortSignal[] = [];
    const failTwice = ({ attempt, signal }: { attempt: number; signal: AbortSignal }) => {
      seen.push(signal);
      if (attempt < 3) throw httpError(503);
      return attempt;
    };
    const caller = new AbortController();
    assert.equal(await retry(failTwice, { baseDelay: 0, signal: caller.signal }), 3);
    assert.ok(
      seen.every((signal) => signal === caller.signal),
      'no combined signal is built when there is nothing to combine',
    );
    seen.length = 0;
    assert.equal(await retry(failTwice, { baseDelay: 0 }), 3);
    assert.ok(seen[0] instanceof AbortSignal && !seen[0].aborted);
    assert.ok(
      seen.every((signal) => signal === seen[0]),
      'one signal per call, however many attempts read it',
    );
  });

  it('passes a synchronous result, a synchronous throw and a non-native thenable through like promises', async () => {
    assert.equal(await retry(() => 7), 7);
    const thenable: PromiseLike<string> = { then: (resolve, reject) => Promise.resolve('from a thenable').then(resolve, reject) };
    assert.equal(await retry(() => thenable), 'from a thenable');
    let calls = 0;
    assert.equal(
      await retry(
        () => {
          if (++calls === 1) throw httpError(500);
          return 'second';
        },
        { baseDelay: 0 },
      ),
      'second',
    );
    await assert.rejects(
      retry(() => {
        throw new TypeError('a bug, not retried');
      }),
      /a bug, not retried/,
    );
  });

  it('calls onRetry before each wait and logs a warning', async () => {
    const logs = captureLogs();
    const events: RetryEvent[] = [];
    const failure = httpError(502);
    try {
      await assert.rejects(retry(() => Promise.reject(failure), { attempts: 3, baseDelay: 1, random: () => 0, onRetry: (event) => events.push(event) }));
    } finally {
      logs.restore();
    }
    assert.deepEqual(events, [
      { error: failure, attempt: 1, delay: 0 },
      { error: failure, attempt: 2, delay: 0 },
    ]);
    const warnings = logs.lines.filter((line) => line.msg === 'retry: attempt failed, retrying');
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0]?.level, 40);
    assert.equal(warnings[1]?.attempt, 2);
  });

  it('rejects invalid options with clear RangeErrors', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ attempts: 0 }, /attempts must be a positive integer or Infinity, got 0/],
      [{ attempts: 2.5 }, /attempts must be/],
      [{ baseDelay: -1 }, /baseDelay must be a finite number >= 0, got -1/],
      [{ factor: 0.5 }, /factor must be a finite number >= 1/],
      [{ maxDelay: Number.NaN }, /maxDelay must be a number >= 0 \(Infinity allowed\), got NaN/],
      [{ deadline: 0 }, /deadline must be a number > 0/],
      [{ deadline: '5s' }, /deadline must be .*got "5s"/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(
        retry(() => 1, options),
        (error: Error) => error instanceof RangeError && message.test(error.message),
      );
    }
    await assert.rejects(retry(undefined as unknown as () => void), /fn must be a function, got undefined/);
  });

  it('isTransientError follows the cause chain of wrapped errors', () => {
    const wrapped = new Error('loading profile failed', { cause: networkError() });
    assert.equal(isTransientError(wrapped), true);
    assert.equal(isTransientError(new Error('wrapped bug', { cause: new TypeError('x is not a function') })), false);
    assert.equal(isTransientError(Object.assign(new Error('dns'), { code: 'ENOTFOUND' })), false);
    assert.equal(isTransientError(null), false);
  });

  it('sleep rejects at once with the signal reason, even during a huge delay', async () => {
    const controller = new AbortController();
    const waiting = sleep(Number.MAX_SAFE_INTEGER, controller.signal);
    await delay(20);
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    await assert.rejects(sleep(10, AbortSignal.abort(reason)), (error) => error === reason);
  });
});
