// Edges of retry.ts found by mutation testing (npm run mutation -- retry): status and error-code
// boundaries of the default predicate, Retry-After parsing, option validation that names the option.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { RetryAfterExceededError, isRetryableStatus, isTransientError, parseRetryAfter, retry, sleep, ResponseStatusError } from '../src/retry.js';
import { captureLogs } from './fixtures/logs.js';

const noWait = async () => {};

describe('retry edges', () => {
  it('retries exactly 408, 429 and 500-599', () => {
    for (const status of [408, 429, 500, 503, 599]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [200, 400, 407, 409, 428, 430, 499, 600]) assert.equal(isRetryableStatus(status), false, String(status));
  });

  it('reads the status from status, statusCode or response.status, and ignores values that are not HTTP statuses', () => {
    assert.equal(isTransientError({ status: 503 }), true);
    assert.equal(isTransientError({ statusCode: 503 }), true);
    assert.equal(isTransientError({ response: { status: 503 } }), true);
    assert.equal(isTransientError({ status: 404 }), false);
    // A non-status number falls through to the error code, which decides.
    assert.equal(isTransientError({ status: 99, code: 'ECONNRESET' }), true);
    assert.equal(isTransientError({ status: 600, code: 'ECONNRESET' }), true);
    assert.equal(isTransientError({ status: 503.5, code: 'EACCES' }), false);
    assert.equal(isTransientError({ status: '503' }), false);
    assert.equal(isTransientError({ statusCode: 100 }), false);
  });

  it('retries every transient network code, anywhere within 8 links of the cause chain', () => {
    const codes = [
      'ECONNRESET',
      'ECONNREFUSED',
      'ECONNABORTED',
      'ETIMEDOUT',
      'EPIPE',
      'ENETUNREACH',
      'ENETDOWN',
      'EHOSTUNREACH',
      'EHOSTDOWN',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_CLOSED',
    ];
    for (const code of codes) assert.equal(isTransientError(new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })), true, code);
    for (const code of ['ENOTFOUND', 'EACCES', 'ERR_INVALID_ARG_TYPE']) assert.equal(isTransientError(Object.assign(new Error(code), { code })), false, code);
    const chain = (depth: number) => {
      let error: unknown = Object.assign(new Error('leaf'), { code: 'ECONNRESET' });
      for (let i = 0; i < depth; i++) error = new Error(`wrap ${i}`, { cause: error });
      return error;
    };
    assert.equal(isTransientError(chain(7)), true, 'the 8th link is read');
    assert.equal(isTransientError(chain(8)), false, 'the 9th is not');
    const timeout = new Error('slow');
    timeout.name = 'TimeoutError';
    assert.equal(isTransientError(timeout), true);
    assert.equal(isTransientError(null), false);
    assert.equal(isTransientError('ECONNRESET'), false);
  });

  it('parses Retry-After as delta-seconds or an HTTP-date, and nothing else', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('  7 ', now), 7000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0, 'a past date means now');
    for (const bad of ['-5', '1.5', '', 'soon', '12abc', 'Wed, 99 Foo 2015']) assert.equal(parseRetryAfter(bad, now), undefined, bad);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it('takes Retry-After from response.headers or headers, a Headers object or a plain one in any case, as a string or a number', async () => {
    for (const error of [
      { status: 503, headers: { 'Retry-After': '2' } },
      { status: 503, headers: { 'retry-after': 2 } },
      { status: 503, response: { headers: new Headers({ 'retry-after': '2' }) } },
    ]) {
      const delays: number[] = [];
      let calls = 0;
      await retry(() => (calls++ === 0 ? Promise.reject(error) : 'ok'), { onRetry: ({ delay }) => delays.push(delay), sleep: noWait, random: () => 0 });
      assert.deepEqual(delays, [2000], JSON.stringify(error));
    }
  });

  it('a custom retryAfter rounds fractions up, treats negatives as now, and ignores NaN and non-numbers', async () => {
    const delaysFor = async (requested: unknown) => {
      const delays: number[] = [];
      let calls = 0;
      await retry(() => (calls++ === 0 ? Promise.reject({ status: 503 }) : 'ok'), {
        retryAfter: () => requested as number,
        onRetry: ({ delay }) => delays.push(delay),
        sleep: noWait,
        random: () => 0.5,
        baseDelay: 100,
      });
      return delays;
    };
    assert.deepEqual(await delaysFor(1.2), [2]);
    assert.deepEqual(await delaysFor(-5), [0]);
    assert.deepEqual(await delaysFor(Number.NaN), [50], 'backoff');
    assert.deepEqual(await delaysFor('10'), [50], 'backoff');
  });

  it('refuses invalid options with a RangeError naming the option and the value', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ attempts: 0 }, /attempts must be a positive integer or Infinity, got 0/],
      [{ attempts: 1.5 }, /attempts .* got 1\.5/],
      [{ baseDelay: -1 }, /baseDelay must be a finite number >= 0, got -1/],
      [{ baseDelay: Infinity }, /baseDelay .* got Infinity/],
      [{ factor: 0.5 }, /factor must be a finite number >= 1, got 0\.5/],
      [{ maxDelay: -1 }, /maxDelay must be a number >= 0 \(Infinity allowed\), got -1/],
      [{ maxDelay: '5' }, /maxDelay .* got "5"/],
      [{ deadline: 0 }, /deadline must be a number > 0 \(Infinity allowed\), got 0/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(
        retry(() => 1, options),
        (error: unknown) => {
          assert.ok(error instanceof RangeError, JSON.stringify(options));
          assert.match(error.message, message);
          return true;
        },
      );
    }
    for (const options of [
      { attempts: 1 },
      { attempts: Infinity },
      { baseDelay: 0 },
      { factor: 1 },
      { maxDelay: 0 },
      { maxDelay: Infinity },
      { deadline: Infinity },
    ]) {
      assert.equal(await retry(() => 1, options), 1, JSON.stringify(options));
    }
    await assert.rejects(retry(42 as never), /fn must be a function, got 42/);
  });

  it('sleep() leaves no abort listener on a long-lived signal once it resolved (no leak across many retries)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) await sleep(1, controller.signal);
    await sleep(0, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('a retried response status reads as "HTTP <status> <text>"', () => {
    const error = new ResponseStatusError(new Response(null, { status: 503, statusText: 'Service Unavailable' }));
    assert.equal(error.message, 'HTTP 503 Service Unavailable');
    assert.equal(error.name, 'ResponseStatusError');
    assert.equal(error.status, 503);
    assert.equal(new ResponseStatusError(new Response(null, { status: 502 })).message, 'HTTP 502');
  });
});

describe('retry: what it logs for operators', () => {
  it('logs each retry and each Retry-After it will not wait, with the attempt, the wait and the error', async () => {
    const logs = captureLogs();
    try {
      await assert.rejects(
        retry(
          ({ attempt }) => {
            throw Object.assign(new Error(`HTTP 503 on ${attempt}`), { status: 503, headers: attempt === 1 ? {} : { 'retry-after': '120' } });
          },
          { attempts: 4, maxDelay: 50, baseDelay: 10, random: () => 0.5, sleep: async () => {} },
        ),
        RetryAfterExceededError,
      );
    } finally {
      logs.restore();
    }
    const pick = ({ level, msg, attempt, attempts, delayMs, retryAfterMs, err }: Record<string, unknown>) => ({
      level,
      msg,
      attempt,
      attempts,
      delayMs,
      retryAfterMs,
      error: (err as { message?: string } | undefined)?.message,
    });
    assert.deepEqual(logs.lines.map(pick), [
      { level: 40, msg: 'retry: attempt failed, retrying', attempt: 1, attempts: 4, delayMs: 5, retryAfterMs: undefined, error: 'HTTP 503 on 1' },
      {
        level: 40,
        msg: 'retry: Retry-After exceeds what the caller allows; giving up',
        attempt: 2,
        attempts: 4,
        delayMs: undefined,
        retryAfterMs: 120_000,
        error: 'HTTP 503 on 2',
      },
    ]);
  });
});
