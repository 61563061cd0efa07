/**
 * Bulwark pattern: middleware
 * Framework-neutral request id, timing headers and one structured log line per request (completed or aborted).
 *
 * Patterns used: log
 * Packages used: none
 */
import { logger } from './log.js';

// Only Web-standard globals (crypto, performance) are used so the Hono adapter also runs on Bun, Deno and Workers.

/** A client-sent id is trusted only when it matches this: bounded length, no spaces, quotes or control characters. */
export const DEFAULT_REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestObservabilityOptions {
  /** Header read from the request and echoed on the response. Default `X-Request-ID`. */
  readonly requestIdHeader?: string;
  /** Reuse a valid incoming id (e.g. set by a load balancer). Default `true`; set `false` on edge services facing the internet. */
  readonly trustIncomingId?: boolean;
  /** Accepts an incoming id. Default: {@link DEFAULT_REQUEST_ID_PATTERN}. */
  readonly isValidRequestId?: (value: string) => boolean;
  /** Makes a new id when the incoming one is missing or rejected. Default `crypto.randomUUID()`. */
  readonly generateRequestId?: () => string;
  /** Send `Server-Timing: total;dur=<ms>`. Default `true`. */
  readonly serverTiming?: boolean;
  /** Send `X-Response-Time: <ms>ms`. Default `true`. */
  readonly responseTime?: boolean;
  /** Monotonic milliseconds. Default `performance.now()`; injectable for tests. */
  readonly now?: () => number;
}

export interface RequestStart {
  readonly method: string;
  /** The request target as received (path and query); the query is never logged. */
  readonly url: string;
  /** Value of the request id header, if any. */
  readonly incomingRequestId: string | null | undefined;
}

/** Tracks one request from arrival to its single log line. */
export interface RequestTracker {
  readonly requestId: string;
  /** The response header carrying the id (as configured). */
  readonly requestIdHeader: string;
  /** Timing headers to set just before the response headers are written; duration is time-to-headers. */
  timingHeaders(): Array<[name: string, value: string]>;
  /** Logs the completed request. Only the first of `finish`/`abort` logs; later calls are ignored. */
  finish(status: number): void;
  /** Logs the request as aborted by the client (connection closed before the response was complete). */
  abort(): void;
}

/** The incoming id when it is acceptable, else a fresh one; never returns attacker-controlled junk. */
export function resolveRequestId(incoming: string | null | undefined, options: RequestObservabilityOptions = {}): string {
  const trust = options.trustIncomingId ?? true;
  const isValid = options.isValidRequestId ?? ((value: string) => DEFAULT_REQUEST_ID_PATTERN.test(value));
  if (trust && typeof incoming === 'string' && isValid(incoming)) return incoming;
  return (options.generateRequestId ?? (() => crypto.randomUUID()))();
}

/**
 * The path of a request target without its query string: queries routinely carry tokens, emails and
 * signed-URL secrets, which must not end up in logs.
 */
export function pathWithoutQuery(url: string): string {
  const queryStart = url.search(/[?#]/);
  const target = queryStart === -1 ? url : url.slice(0, queryStart);
  // An absolute-form target ("http://host/path") is legal in HTTP/1.1; log only its path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      return new URL(target).pathname;
    } catch {
      // Not a URL after all: logged as it came, like any other target.
    }
  }
  return target;
}

const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * The `requestIdHeader` option, checked when a middleware is created: a bad name (a space, a CR/LF)
 * would otherwise fail on every request, when the response header is set.
 */
export function requestIdHeaderOf(options: RequestObservabilityOptions): string {
  const name = options.requestIdHeader ?? 'X-Request-ID';
  // An HTTP header name is an RFC 9110 token.
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new TypeError(`requestIdHeader must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(name)}`);
  }
  return name;
}

/** Starts tracking a request. Adapters call this first, then `finish` or `abort` exactly when the framework knows. */
export function startRequest(start: RequestStart, options: RequestObservabilityOptions = {}): RequestTracker {
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  const requestId = resolveRequestId(start.incomingRequestId, options);
  const fields = { requestId, method: start.method, path: pathWithoutQuery(start.url) };
  let logged = false;

  return {
    requestId,
    requestIdHeader: options.requestIdHeader ?? 'X-Request-ID',
    timingHeaders() {
      const duration = roundMs(now() - startedAt);
      const headers: Array<[string, string]> = [];
      if (options.serverTiming ?? true) headers.push(['Server-Timing', `total;dur=${duration}`]);
      if (options.responseTime ?? true) headers.push(['X-Response-Time', `${duration}ms`]);
      return headers;
    },
    finish(status) {
      if (logged) return;
      logged = true;
      const line = { ...fields, status, durationMs: roundMs(now() - startedAt) };
      // Read `logger` at call time: setLogger() may have replaced it since startup.
      if (status >= 500) logger.error(line, 'request completed');
      else logger.info(line, 'request completed');
    },
    abort() {
      if (logged) return;
      logged = true;
      // No status: nothing (or only part of a response) reached the client.
      logger.warn({ ...fields, aborted: true, durationMs: roundMs(now() - startedAt) }, 'request aborted');
    },
  };
}
