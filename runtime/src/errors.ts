/**
 * Bulwark pattern: errors
 * AppError with codes mapped to HTTP statuses, helper constructors, and the framework-neutral error-to-response logic.
 *
 * Patterns used: log
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import { currentLogContext, logger } from './log.js';

export const STATUS_BY_CODE = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  CLIENT_ERROR: 400,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export type ErrorDetails = Readonly<Record<string, unknown>>;

export interface AppErrorOptions {
  /** Structured data for the client (4xx only; never sent for 5xx). Must be JSON-serializable. */
  readonly details?: ErrorDetails;
  /** The underlying error: logged server-side, never sent. */
  readonly cause?: unknown;
  /** Response headers to set, e.g. `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTP status, 400..599. Default: the code's status from {@link STATUS_BY_CODE}. */
  readonly status?: number;
}

/**
 * An error meant for the client. Throw it from anywhere in a request; the framework error handler turns it
 * into a response. 4xx errors send `code`, `message` and `details`; 5xx errors send only `code` and a
 * generic message, whatever their message says.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options?: AppErrorOptions);
  /** A domain code of your own (e.g. `'EMAIL_TAKEN'`) needs its status. */
  constructor(code: string, message: string, options: AppErrorOptions & { status: number });
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const status = options.status ?? (STATUS_BY_CODE as Record<string, number>)[code];
    if (typeof code !== 'string' || code.length === 0) throw new TypeError('AppError needs a non-empty code');
    if (status === undefined || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`AppError ${code}: status must be an integer from 400 to 599, got ${String(status)}`);
    }
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** Whether the message and details may be sent to the client. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export function notFound(resource = 'Resource', id?: string | number | bigint): AppError {
  return new AppError('NOT_FOUND', `${resource} not found`, id === undefined ? {} : { details: { id: String(id) } });
}

export function badRequest(message = 'Bad request', details?: ErrorDetails): AppError {
  return new AppError('BAD_REQUEST', message, { details });
}

/** Input that is well-formed but invalid; put per-field problems in `details`, e.g. `{ issues: [...] }`. */
export function validation(message = 'Validation failed', details?: ErrorDetails): AppError {
  return new AppError('VALIDATION', message, { details });
}

export function unauthorized(message = 'Authentication required'): AppError {
  return new AppError('UNAUTHORIZED', message);
}

export function forbidden(message = 'Forbidden'): AppError {
  return new AppError('FORBIDDEN', message);
}

export function conflict(message = 'Conflict', details?: ErrorDetails): AppError {
  return new AppError('CONFLICT', message, { details });
}

/** 429 with a `Retry-After` header (whole seconds, rounded up) when the wait is known. */
export function rateLimited(retryAfterSeconds?: number, message = 'Too many requests'): AppError {
  return new AppError('RATE_LIMITED', message, retryAfter(retryAfterSeconds));
}

/** 503; the message is for the logs only. */
export function serviceUnavailable(retryAfterSeconds?: number, message = 'Service unavailable'): AppError {
  return new AppError('SERVICE_UNAVAILABLE', message, retryAfter(retryAfterSeconds));
}

/** 500 with a message and cause for the logs; the client sees only the generic body. */
export function internal(message = 'Internal error', cause?: unknown): AppError {
  return new AppError('INTERNAL', message, { cause });
}

function retryAfter(seconds: number | undefined): AppErrorOptions {
  if (seconds === undefined) return {};
  if (!Number.isFinite(seconds) || seconds < 0) throw new TypeError(`retryAfterSeconds must be a non-negative number, got ${seconds}`);
  const whole = Math.ceil(seconds);
  return { headers: { 'Retry-After': String(whole) }, details: { retryAfterSeconds: whole } };
}

// ---------------------------------------------------------------------------------------------
// Error → response, shared by errors/express.ts, errors/hono.ts and errors/fastify.ts.

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details?: ErrorDetails;
  /** Quote it to support: it finds the server-side log lines of this request. */
  readonly requestId: string;
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
}

export interface ErrorHandlerOptions {
  /** Response header that carries the request id (set by the middleware pattern). Default `'X-Request-ID'`. */
  readonly requestIdHeader?: string;
}

export const DEFAULT_REQUEST_ID_HEADER = 'X-Request-ID';

const GENERIC_MESSAGE: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  503: 'Service unavailable',
};

function genericMessage(status: number): string {
  return GENERIC_MESSAGE[status] ?? (status >= 500 ? 'Internal server error' : 'Request failed');
}

/** An AppError for a bare HTTP status (framework errors), with the code and generic message of that status. */
export function errorForStatus(status: number, message = genericMessage(status), options: Omit<AppErrorOptions, 'status'> = {}): AppError {
  const code = (Object.keys(STATUS_BY_CODE) as ErrorCode[]).find(
    (candidate) => STATUS_BY_CODE[candidate] === status && candidate !== 'VALIDATION' && candidate !== 'CLIENT_ERROR',
  );
  return new AppError(code ?? (status >= 500 ? 'INTERNAL' : 'CLIENT_ERROR'), message, { ...options, status });
}

/**
 * Recognises the errors whose status can be trusted: AppError, and the http-errors convention (an
 * `expose` boolean next to `status`) used by Express's body-parser, Koa and @fastify/sensible.
 * Anything else is a 500, even with a `status` field: an upstream HTTP client's error may carry the
 * upstream's 404, which is not this request's 404.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error === null || typeof error !== 'object') return undefined;
  const { status, statusCode, expose, type } = error as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof expose !== 'boolean' || typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 599) return undefined;
  // Foreign messages are not sent: body-parser's SyntaxError message quotes JSON.parse internals.
  return errorForStatus(code, type === 'entity.parse.failed' ? 'Malformed JSON body' : undefined, { cause: error });
}

/** The request id for an error body: the log context's, else the response header's, else a fresh one. */
export function errorRequestId(headerValue: unknown): { requestId: string; generated: boolean } {
  const fromContext = currentLogContext().requestId;
  if (typeof fromContext === 'string' && fromContext) return { requestId: fromContext, generated: false };
  if (typeof headerValue === 'string' && headerValue) return { requestId: headerValue, generated: false };
  return { requestId: randomUUID(), generated: true };
}

export interface FailedRequest {
  readonly method: string;
  readonly url: string;
  readonly requestId: string;
}

/**
 * Builds the response for any thrown value and logs it: unexpected errors (5xx) at `error` with the
 * stack and cause, client errors (4xx) at `debug`. `recognise` lets an adapter map its framework's
 * own errors first.
 */
export function errorResponse(error: unknown, request: FailedRequest, recognise?: (error: unknown) => AppError | undefined): ErrorResponse {
  const appError = recognise?.(error) ?? toAppError(error);
  const path = request.url.split('?')[0];
  const status = appError?.status ?? 500;
  if (appError?.expose) {
    logger.debug({ requestId: request.requestId, method: request.method, path, status, code: appError.code }, 'request failed');
    const body: ErrorBody = appError.details === undefined
      ? { code: appError.code, message: appError.message, requestId: request.requestId }
      : { code: appError.code, message: appError.message, details: appError.details, requestId: request.requestId };
    return { status, headers: appError.headers, body };
  }
  const logged = error instanceof Error ? { err: error } : { thrown: error };
  logger.error({ ...logged, requestId: request.requestId, method: request.method, path, status }, 'unhandled error');
  const code = appError?.code ?? 'INTERNAL';
  return { status, headers: appError?.headers ?? {}, body: { code, message: genericMessage(status), requestId: request.requestId } };
}
