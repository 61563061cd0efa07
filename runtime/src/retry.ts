/**
 * Bulwark pattern: retry
 * Retries transient failures with full-jitter exponential backoff, maxDelay, deadline, AbortSignal and Retry-After; plus fetchWithRetry.
 *
 * Patterns used: log
 * Packages used: none
 */
import { logger } from './log.js';

// Retry-After policy: the server's Retry-After is a minimum, never shortened. retry() waits it in full
// when it fits both `maxDelay` (the longest single wait you accept) and the deadline; otherwise it
// gives up at once with a RetryAfterExceededError (its `cause` is the last error, `retryAfter` the
// requested ms), so you can reschedule the work instead of hammering a server that asked for time.
// fetchWithRetry then resolves with that last response (e.g. the 429), as fetch would.

/** setTimeout stores its delay in a signed 32-bit int; a larger delay fires after 1 ms instead. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

export interface RetryContext {
  /** 1 for the first call. */
  readonly attempt: number;
  /** Aborts when the caller's signal aborts or the deadline passes; pass it on to the work you do. */
  readonly signal: AbortSignal;
}

export interface RetryEvent {
  readonly error: unknown;
  /** The attempt that just failed (1 = the first call). */
  readonly attempt: number;
  /** How long, in ms, retry waits before the next attempt. */
  readonly delay: number;
}

export interface RetryOptions {
  /** Total calls including the first; a positive integer or Infinity. Default 3. */
  attempts?: number;
  /** Backoff window before the 2nd attempt, ms; it grows by `factor` per attempt. Default 100. */
  baseDelay?: number;
  /** Growth of the backoff window per attempt, >= 1. Default 2. */
  factor?: number;
  /** Upper bound of any single wait, ms. A backoff is capped at it; a longer Retry-After is not shortened: retry gives up with {@link RetryAfterExceededError}. Default 30_000. */
  maxDelay?: number;
  /** Total budget from the first call, ms: attempts are aborted at it and no wait runs past it. Default Infinity. */
  deadline?: number;
  /** Aborting stops a pending wait at once and rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Whether an error is worth another attempt. Default {@link isTransientError}. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * A server-requested minimum delay in ms, or undefined to use the backoff. Default: `Retry-After` of
   * `error.response.headers` or `error.headers`. NaN or a non-number is ignored (backoff); a negative value means now.
   */
  retryAfter?: (error: unknown) => number | undefined;
  /** Called before each wait; a throwing hook aborts the retry with its error. */
  onRetry?: (event: RetryEvent) => void;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /** How to wait; must reject with `signal.reason` on abort. Default {@link sleep} (a real timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface BackoffSettings {
  baseDelay: number;
  factor: number;
  maxDelay: number;
}

/** retry() gave up because the server asked for a longer wait (Retry-After) than `maxDelay` or the deadline allows. */
export class RetryAfterExceededError extends Error {
  override readonly name = 'RetryAfterExceededError';
  constructor(
    /** The wait the server asked for, ms. */
    readonly retryAfter: number,
    /** The attempt that failed (1 = the first call). */
    readonly attempt: number,
    limit: string,
    /** The last error, which carried the Retry-After. */
    cause: unknown,
  ) {
    super(`retry: the server asked to wait ${retryAfter} ms (Retry-After) after attempt ${attempt}, beyond ${limit}; giving up instead of retrying early`, {
      cause,
    });
  }
}

/**
 * Calls `fn` until it succeeds, `shouldRetry` refuses the error, the attempts are used up or the
 * deadline would pass; then rejects with the last error. Caller aborts reject with `signal.reason`.
 */
export function retry<T>(fn: (context: RetryContext) => T | PromiseLike<T>, options: RetryOptions = {}): Promise<T> {
  let run: RetryRun;
  let result: T | PromiseLike<T>;
  try {
    checkOptions(fn, options);
    options.signal?.throwIfAborted();
    run = new RetryRun(options);
  } catch (error) {
    return Promise.reject(error);
  }
  try {
    result = fn(run);
  } catch (error) {
    return keepTrying(fn, run, error);
  }
  // Most calls succeed first time, so that path is one `then`: no async frame, no timer, no signal.
  const settled = result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
  return settled.then(undefined, (error: unknown) => keepTrying(fn, run, error));
}

/**
 * One call of retry(): the first attempt's context, and the signal all its attempts share. The signal
 * is built when an attempt first reads it: most never do, and an AbortController per call would be
 * most of what a successful call costs.
 */
class RetryRun implements RetryContext {
  readonly attempt = 1;
  /** When the deadline counts from; only read when there is one. */
  readonly startedAt: number;
  private built: AbortSignal | undefined;

  constructor(readonly options: RetryOptions) {
    this.startedAt = options.deadline === undefined ? 0 : performance.now();
  }

  get signal(): AbortSignal {
    return (this.built ??= this.buildSignal());
  }

  private buildSignal(): AbortSignal {
    const { signal: caller, deadline = Infinity } = this.options;
    if (!Number.isFinite(deadline)) return caller ?? new AbortController().signal;
    const timeout = timeoutAt(this.startedAt + deadline);
    return caller ? AbortSignal.any([caller, timeout]) : timeout;
  }
}

/** AbortSignal.timeout that also reaches past 2^31-1 ms (~24.8 days), which it cannot: chained timers, unref'd like its own. */
function timeoutAt(until: number): AbortSignal {
  const controller = new AbortController();
  const arm = () => {
    const left = until - performance.now();
    if (left <= 0) return controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    // Typed for the Web too (there setTimeout returns a number): unref where the runtime has it.
    const timer: unknown = setTimeout(arm, Math.min(Math.ceil(left), MAX_TIMER_DELAY));
    (timer as { unref?: () => void }).unref?.();
  };
  arm();
  return controller.signal;
}

/** The loop after a failed first attempt: backoff, hooks, waits and further attempts. */
async function keepTrying<T>(fn: (context: RetryContext) => T | PromiseLike<T>, run: RetryRun, firstError: unknown): Promise<T> {
  const { options } = run;
  const {
    attempts = 3,
    deadline = Infinity,
    signal,
    onRetry,
    shouldRetry = isTransientError,
    retryAfter = retryAfterOf,
    random = Math.random,
    sleep: wait = sleep,
  } = options;
  const backoff: BackoffSettings = { baseDelay: options.baseDelay ?? 100, factor: options.factor ?? 2, maxDelay: options.maxDelay ?? 30_000 };
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    if (attempt >= attempts || !shouldRetry(error, attempt)) throw error;
    const requested = serverDelay(retryAfter(error));
    if (requested !== undefined) {
      const remaining = run.startedAt + deadline - performance.now();
      // An infinite request (a 400-digit header) means never: give up even when maxDelay and the deadline are Infinity.
      const limit =
        requested === Infinity
          ? 'any finite wait'
          : requested > backoff.maxDelay
            ? `maxDelay (${backoff.maxDelay} ms)`
            : requested >= remaining
              ? `the deadline (${Math.max(0, Math.floor(remaining))} ms left)`
              : undefined;
      if (limit) {
        logger.warn({ attempt, attempts, retryAfterMs: requested, err: error }, 'retry: Retry-After exceeds what the caller allows; giving up');
        throw new RetryAfterExceededError(requested, attempt, limit, error);
      }
    }
    const delay = requested ?? backoffDelay(attempt, backoff, random);
    // Waiting only to start an attempt the deadline would abort is pointless: fail now instead.
    if (performance.now() + delay >= run.startedAt + deadline) throw error;
    onRetry?.({ error, attempt, delay });
    logger.warn({ attempt, attempts, delayMs: delay, err: error }, 'retry: attempt failed, retrying');
    await wait(delay, signal);
    try {
      return await fn({ attempt: attempt + 1, signal: run.signal });
    } catch (failure) {
      error = failure;
    }
  }
}

// Runs on every call, so an option left at its default costs no check.
function checkOptions(fn: unknown, options: RetryOptions): void {
  if (typeof fn !== 'function') throw new TypeError(`retry: fn must be a function, got ${describe(fn)}`);
  const { attempts, baseDelay, factor, maxDelay, deadline } = options;
  if (attempts !== undefined)
    validate(attempts === Infinity || (Number.isSafeInteger(attempts) && attempts > 0), 'attempts', 'a positive integer or Infinity', attempts);
  if (baseDelay !== undefined) validate(Number.isFinite(baseDelay) && baseDelay >= 0, 'baseDelay', 'a finite number >= 0', baseDelay);
  if (factor !== undefined) validate(Number.isFinite(factor) && factor >= 1, 'factor', 'a finite number >= 1', factor);
  if (maxDelay !== undefined) validate(typeof maxDelay === 'number' && maxDelay >= 0, 'maxDelay', 'a number >= 0 (Infinity allowed)', maxDelay);
  if (deadline !== undefined) validate(typeof deadline === 'number' && deadline > 0, 'deadline', 'a number > 0 (Infinity allowed)', deadline);
}

/**
 * The full-jitter wait after failed attempt `attempt` (1-based): uniform in
 * [0, min(maxDelay, baseDelay * factor^(attempt-1))], never above {@link MAX_TIMER_DELAY}.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const { baseDelay, factor, maxDelay } = settings;
  // 0 * Infinity is NaN, and factor ** attempt overflows to Infinity after ~1000 attempts.
  const exponential = baseDelay === 0 ? 0 : baseDelay * factor ** (attempt - 1);
  const window = Math.min(exponential, maxDelay, MAX_TIMER_DELAY);
  const sample = random();
  const fraction = Number.isFinite(sample) ? Math.min(Math.max(sample, 0), 1) : 0;
  return Math.floor(window * fraction);
}

// A custom `retryAfter` is user code: NaN or a non-number is no instruction at all (use the backoff,
// rather than retrying at once); fractions round up, because waiting less than asked is the one wrong answer.
function serverDelay(requested: unknown): number | undefined {
  if (typeof requested !== 'number' || Number.isNaN(requested)) return undefined;
  return requested > 0 ? Math.ceil(requested) : 0;
}

/**
 * A promise that resolves after `ms`, or rejects with `signal.reason` at once on abort. Waits longer
 * than {@link MAX_TIMER_DELAY} chain timers rather than overflow into a 1 ms timer; Infinity waits for the abort;
 * NaN and negative waits are no wait. A non-number `ms` rejects with a TypeError.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // A string from configuration would compare and add as text: '1000' waited not at all.
  if (typeof ms !== 'number') return Promise.reject(new TypeError(`sleep: ms must be a number, got ${describe(ms)}`));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const until = performance.now() + (ms > 0 ? ms : 0);
    const arm = () => {
      const left = until - performance.now();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        return resolve();
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_DELAY));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

// Connection-level failures that a later attempt can plausibly get past. ENOTFOUND is left out on
// purpose: a misspelt host stays misspelt; EAI_AGAIN is the transient DNS failure.
const TRANSIENT_CODES = new Set([
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
]);

/** 408 Request Timeout, 429 Too Many Requests and 5xx: the statuses where trying again can succeed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * The default retry predicate. Retries only: errors carrying a retryable HTTP status (`status`,
 * `statusCode` or `response.status`), network errors (a transient `code` anywhere in the `cause`
 * chain, as in fetch's `TypeError: fetch failed`), and timeouts (`TimeoutError`). Everything
 * else is not retried: 4xx, aborts, and programming errors such as a TypeError from your own code.
 */
export function isTransientError(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return isRetryableStatus(status);
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { name, code } = current as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function statusOf(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | null | undefined;
  for (const status of [candidate?.status, candidate?.statusCode, candidate?.response?.status]) {
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599) return status;
  }
  return undefined;
}

/**
 * Parses a `Retry-After` header value into ms: delta-seconds (`"120"`) or an HTTP-date, which
 * counts from `now`. Past dates give 0; anything unparsable gives undefined.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse alone is far too lenient ("-5" is the year -5): an HTTP-date starts with a day name.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryAfterOf(error: unknown): number | undefined {
  const candidate = error as { headers?: unknown; response?: { headers?: unknown } } | null | undefined;
  return parseRetryAfter(headerValue(candidate?.response?.headers ?? candidate?.headers, 'retry-after'));
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value =
    typeof (headers as Headers).get === 'function' ? (headers as Headers).get(name) : Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : undefined;
}

export interface FetchRetryOptions extends RetryOptions {
  /** Per-attempt limit until response headers arrive, ms; the body is then governed by `init.signal` only. Default 10_000. */
  timeout?: number;
  /** Response statuses to retry. Default {@link isRetryableStatus} (408, 429, 5xx). */
  retryOnStatus?: (status: number) => boolean;
  /** Methods safe to send twice. Default GET, HEAD, OPTIONS, PUT, DELETE (fetch refuses TRACE): a retried POST can create an order twice. */
  methods?: readonly string[];
}

/** Thrown inside fetchWithRetry's loop for a response whose status is retried; hooks see it. */
export class ResponseStatusError extends Error {
  readonly status: number;
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    this.name = 'ResponseStatusError';
    this.status = response.status;
  }
}

const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];

/**
 * `fetch` with retries on network errors, per-attempt timeouts and retryable statuses. Like fetch,
 * it resolves with any final response, including a 4xx or a 5xx that was still failing when the
 * retries ran out, and a 429/503 whose Retry-After exceeds `maxDelay` or the deadline; the bodies of responses it retries past are cancelled so sockets are freed.
 */
export async function fetchWithRetry(input: string | URL | Request, init: RequestInit = {}, options: FetchRetryOptions = {}): Promise<Response> {
  const { timeout = 10_000, retryOnStatus = isRetryableStatus, methods = IDEMPOTENT_METHODS, ...retryOptions } = options;
  validate(Number.isFinite(timeout) && timeout > 0 && timeout <= MAX_TIMER_DELAY, 'timeout', `a number in (0, ${MAX_TIMER_DELAY}]`, timeout);
  const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const replayable = methods.some((allowed) => allowed.toUpperCase() === method);
  if (replayable && (retryOptions.attempts ?? 3) > 1 && isStreamBody(init.body)) {
    throw new TypeError('fetchWithRetry: a stream body cannot be sent twice; pass a string, Blob or buffer, or attempts: 1');
  }
  const callerSignal = combineSignals(init.signal ?? undefined, retryOptions.signal);
  const shouldRetry = retryOptions.shouldRetry ?? ((error: unknown) => error instanceof ResponseStatusError || isTransientError(error));

  try {
    return await retry(
      async ({ signal }) => {
        const response = await fetchOnce(input instanceof Request ? input.clone() : input, init, signal, callerSignal, timeout);
        if (retryOnStatus(response.status)) throw new ResponseStatusError(response);
        return response;
      },
      {
        ...retryOptions,
        signal: callerSignal,
        shouldRetry: (error, attempt) => replayable && shouldRetry(error, attempt),
        onRetry: (event) => {
          if (event.error instanceof ResponseStatusError) {
            event.error.response.body?.cancel().catch(() => /* cancelling only frees the socket; failing to changes nothing */ undefined);
          }
          retryOptions.onRetry?.(event);
        },
      },
    );
  } catch (error) {
    if (error instanceof ResponseStatusError) return error.response;
    // Retry-After beyond maxDelay or the deadline: the caller gets the response that asked for the wait.
    if (error instanceof RetryAfterExceededError && error.cause instanceof ResponseStatusError) return error.cause.response;
    throw error;
  }
}

// The attempt's timer and the deadline only guard the wait for headers: once the response is
// returned, aborting them must not cut off the caller's body read, so they get their own controller.
async function fetchOnce(
  input: string | URL | Request,
  init: RequestInit,
  attemptSignal: AbortSignal,
  callerSignal: AbortSignal | undefined,
  timeout: number,
): Promise<Response> {
  const headersWait = new AbortController();
  const onAttemptAbort = () => headersWait.abort(attemptSignal.reason);
  const timer = setTimeout(() => headersWait.abort(new DOMException(`fetchWithRetry: no response within ${timeout} ms`, 'TimeoutError')), timeout);
  attemptSignal.addEventListener('abort', onAttemptAbort, { once: true });
  if (attemptSignal.aborted) onAttemptAbort();
  try {
    return await fetch(input, { ...init, signal: combineSignals(headersWait.signal, callerSignal) ?? null });
  } finally {
    clearTimeout(timer);
    attemptSignal.removeEventListener('abort', onAttemptAbort);
  }
}

function isStreamBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body instanceof ReadableStream || Symbol.asyncIterator in body);
}

function combineSignals(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function validate(ok: boolean, name: string, expected: string, value: unknown): void {
  if (!ok) throw new RangeError(`retry: ${name} must be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'function' ? 'a function' : String(value);
}
