// retry() at the exact edges of maxDelay and the deadline, on a clock that stands still, and the
// readers of errors (status, Retry-After) on inputs that are not what they expect.
import assert from 'node:assert/strict';
import { RetryAfterExceededError, isTransientError, parseRetryAfter, retry, sleep } from '../src/retry.js';

const httpError = (status: number, headers: Record<string, unknown> = {}) => Object.assign(new Error(`HTTP ${status}`), { status, headers });

/** Runs `body` with performance.now() frozen at `at` (far from 0, so that a sign error in the deadline arithmetic shows). */
async function atFrozenTime<T>(at: number, body: () => Promise<T>): Promise<T> {
  const realNow = performance.now;
  performance.now = () => at;
  try {
    return await body();
  } finally {
    performance.now = realNow;
  }
}

/** Fails once with `error`, then succeeds; resolves with the waits retry() asked for, or rejects with what it threw. */
async function waitsAfter(error: unknown, options: Parameters<typeof retry>[1]): Promise<number[]> {
  const waits: number[] = [];
  let calls = 0;
  await retry(() => (calls++ === 0 ? Promise.reject(error) : 'ok'), { ...options, sleep: async (ms) => void waits.push(ms) });
  return waits;
}

describe('retry: exact boundaries', () => {
  it('waits a Retry-After equal to maxDelay in full; one millisecond more gives up', async () => {
    assert.deepEqual(await waitsAfter(httpError(503, { 'retry-after': '2' }), { maxDelay: 2_000 }), [2_000]);
    await assert.rejects(waitsAfter(httpError(503, { 'retry-after': '2' }), { maxDelay: 1_999 }), RetryAfterExceededError);
  });

  it('gives up on a Retry-After that ends exactly at the deadline, saying how much time was left', async () => {
    await atFrozenTime(1_000_000, async () => {
      await assert.rejects(waitsAfter(httpError(503, { 'retry-after': '5' }), { deadline: 5_000, maxDelay: Infinity }), (error: unknown) => {
        assert.ok(error instanceof RetryAfterExceededError, String(error));
        assert.match(error.message, /beyond the deadline \(5000 ms left\)/);
        return true;
      });
      assert.deepEqual(await waitsAfter(httpError(503, { 'retry-after': '5' }), { deadline: 5_001, maxDelay: Infinity }), [5_000]);
    });
  });

  it('does not wait a backoff that ends exactly at the deadline: it rejects with the error at once', async () => {
    await atFrozenTime(1_000_000, async () => {
      const failure = httpError(503);
      // baseDelay 200 and random 0.5: a 100 ms backoff.
      await assert.rejects(waitsAfter(failure, { deadline: 100, baseDelay: 200, random: () => 0.5 }), (error) => error === failure);
      assert.deepEqual(await waitsAfter(failure, { deadline: 101, baseDelay: 200, random: () => 0.5 }), [100]);
    });
  });

  it('passes the caller signal and the deadline both to the attempt: either one aborts it', async () => {
    const caller = new AbortController();
    const reason = new Error('caller gave up');
    let seen: AbortSignal | undefined;
    const running = retry(
      ({ signal }) => {
        seen = signal;
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
      { signal: caller.signal, deadline: 60_000 },
    );
    caller.abort(reason);
    await assert.rejects(running, (error) => error === reason);
    assert.equal(seen?.aborted, true);
    assert.equal(seen?.reason, reason);

    const timedOut = retry(({ signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))), {
      signal: new AbortController().signal,
      deadline: 20,
    });
    await assert.rejects(timedOut, (error: Error) => error.name === 'TimeoutError' && error.message === 'The operation was aborted due to timeout');
  });

  it('sleep() treats NaN and negative waits as no wait', async () => {
    await sleep(Number.NaN);
    await sleep(-5);
  });

  it('sleep() refuses a wait that is not a number instead of not waiting: a "1000" from configuration, a Symbol, null', async () => {
    for (const ms of ['1000', Symbol('ms'), null, undefined, {}]) {
      await assert.rejects(
        sleep(ms as unknown as number),
        (error: Error) => error instanceof TypeError && /^sleep: ms must be a number, got /.test(error.message),
      );
    }
    await assert.rejects(sleep('1000' as unknown as number), { message: 'sleep: ms must be a number, got "1000"' });
  });
});

describe('retry: reading errors', () => {
  it('takes a status from 100 to 599 as an HTTP status, and anything else not', () => {
    assert.equal(isTransientError({ status: 599 }), true);
    assert.equal(isTransientError({ status: 100, code: 'ECONNRESET' }), false, 'a 1xx status is a status, not retried');
    assert.equal(isTransientError({ status: 99, code: 'ECONNRESET' }), true, '99 is no status: the code decides');
    assert.equal(isTransientError({ status: 600, code: 'ECONNRESET' }), true);
  });

  it('retries thrown null, undefined and strings when told to, rejecting with the last one', async () => {
    for (const thrown of [null, undefined, 'boom', 42]) {
      let calls = 0;
      await assert.rejects(
        retry(
          () => {
            calls++;
            throw thrown;
          },
          { attempts: 2, baseDelay: 0, shouldRetry: () => true },
        ),
        (error) => error === thrown,
      );
      assert.equal(calls, 2, String(thrown));
    }
  });

  it('reads only the retry-after entry of plain headers, and ignores values that are neither strings nor numbers', async () => {
    const options = { baseDelay: 100, random: () => 0.5, maxDelay: 10_000 };
    assert.deepEqual(await waitsAfter(httpError(503, { 'x-rate-limit': '99', 'Retry-After': '2' }), options), [2_000]);
    assert.deepEqual(await waitsAfter(httpError(503, { 'retry-after': ['3'] }), options), [50], 'an array is not a header value: backoff');
    assert.deepEqual(await waitsAfter(httpError(503, { 'retry-after': { seconds: 3 } }), options), [50]);
  });

  it('accepts the obsolete asctime HTTP-date (no comma), and only a date that starts the value', () => {
    const now = Date.parse('Sun, 06 Nov 1994 08:49:07 GMT');
    assert.equal(parseRetryAfter('Sun Nov  6 08:49:37 1994', now), 30_000);
    assert.equal(parseRetryAfter('in Sun, 06 Nov 1994 08:49:37 GMT', now), undefined);
    assert.equal(parseRetryAfter('5 Sun, 06 Nov 1994 08:49:37 GMT', now), undefined);
  });

  it('names a function given for a numeric option', async () => {
    await assert.rejects(
      retry(() => 1, { maxDelay: (() => 5) as never }),
      /maxDelay must be a number >= 0 \(Infinity allowed\), got a function$/,
    );
    await assert.rejects(
      retry(() => 1, { deadline: '100' as never }),
      /deadline must be a number > 0 \(Infinity allowed\), got "100"$/,
    );
  });
});
