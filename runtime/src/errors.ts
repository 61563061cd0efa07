/**
 * Bulwark pattern: errors
 * AppError with codes mapped to HTTP statuses, helper constructors, and the framework-neutral error-to-response logic.
 *
 * Patterns used: log
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
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
  if (!Number.isFinite(seconds) || seconds < 0) throw new TypeError(`retryAfterSeconds must be a non-negative number, got ${String(seconds)}`);
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

/**
 * The `requestIdHeader` option, checked when a handler is created: a bad name (a space, a CR/LF)
 * would otherwise surface only when the first error is answered, as a 500 or a dropped connection.
 */
export function requestIdHeaderName(option: string | undefined): string {
  if (option === undefined) return DEFAULT_REQUEST_ID_HEADER;
  if (typeof option !== 'string' || !HEADER_NAME.test(option)) {
    throw new TypeError(`requestIdHeader must be an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(option)}`);
  }
  return option;
}

const GENERIC_MESSAGE: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
  503: 'Service unavailable',
};

function genericMessage(status: number): string {
  return GENERIC_MESSAGE[status] ?? (status >= 500 ? 'Internal server error' : 'Request failed');
}

/** An AppError for a bare HTTP status (framework errors), with the code and generic message of that status. */
export function errorForStatus(status: number, message = genericMessage(status), options: Omit<AppErrorOptions, 'status'> = {}): AppError {
  // A status's first code is its generic one: BAD_REQUEST comes before VALIDATION and CLIENT_ERROR.
  const code = (Object.keys(STATUS_BY_CODE) as ErrorCode[]).find((candidate) => STATUS_BY_CODE[candidate] === status);
  return new AppError(code ?? (status >= 500 ? 'INTERNAL' : 'CLIENT_ERROR'), message, { ...options, status });
}

// An error that sets `exposeMessage: true` wrote its `code` and message for the client (the repository's
// INVALID_CURSOR). `expose` alone does not say so: http-errors sets it on any 4xx it wraps, and
// body-parser wraps zlib's errors ("Z_DATA_ERROR: incorrect header check") that way.
const CLIENT_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_MESSAGE_LENGTH = 300;

/**
 * Recognises the errors whose status can be trusted: AppError, and the http-errors convention (an
 * `expose` boolean next to `status`) used by Express's body-parser, Koa, @fastify/sensible and the
 * repository pattern's input errors (`InvalidCursorError`, `InvalidQueryError`: 400, which also set
 * `exposeMessage` to have their code and message sent). Other patterns are recognised by this shape, not
 * imported, so each file can be copied alone.
 * Anything else is a 500, even with a `status` field: an upstream HTTP client's error may carry the
 * upstream's 404, which is not this request's 404.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error === null || typeof error !== 'object') return undefined;
  const { status, statusCode, expose, type, code, message, exposeMessage } = error as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    type?: unknown;
    code?: unknown;
    message?: unknown;
    exposeMessage?: unknown;
  };
  const httpStatus = typeof status === 'number' ? status : statusCode;
  if (typeof expose !== 'boolean' || typeof httpStatus !== 'number' || !Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) return undefined;
  // Foreign messages are not sent: body-parser's SyntaxError message quotes JSON.parse internals.
  if (type === 'entity.parse.failed') return errorForStatus(httpStatus, 'Malformed JSON body', { cause: error });
  if (expose && exposeMessage === true && httpStatus < 500 && typeof code === 'string' && CLIENT_CODE.test(code) && typeof message === 'string' && message) {
    return new AppError(code, message.slice(0, MAX_MESSAGE_LENGTH), { status: httpStatus, cause: error });
  }
  return errorForStatus(httpStatus, undefined, { cause: error });
}

const RAW_STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * The raw HTTP/1.1 response, in the standard JSON shape with a fresh request id, for a request the
 * server's HTTP parser refused (Node's `clientError` event: a CR/LF or NUL in a header, headers over
 * 16 KiB, a malformed request line). Such requests never reach the framework, and Node's own answer has
 * an empty body. `undefined` when nothing should be written (the client reset the connection).
 */
export function clientErrorResponseText(error: unknown, requestIdHeader?: string): string | undefined {
  const header = requestIdHeaderName(requestIdHeader);
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (code === 'ECONNRESET') return undefined;
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = randomUUID();
  const response = errorResponse(errorForStatus(status), { method: '-', url: '-', requestId });
  const text = JSON.stringify(response.body);
  return (
    `HTTP/1.1 ${status} ${RAW_STATUS_TEXT[status]}\r\nConnection: close\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${new TextEncoder().encode(text).length}\r\n` +
    `${header}: ${requestId}\r\n\r\n${text}`
  );
}

/** Writes {@link clientErrorResponseText} to the socket of Node's `clientError` event and closes it; never throws. */
export function answerClientError(error: unknown, socket: Duplex, requestIdHeader?: string): void {
  try {
    const text = socket.writable ? clientErrorResponseText(error, requestIdHeader) : undefined;
    if (text === undefined) socket.destroy();
    else socket.end(text);
  } catch {
    // The socket is already broken (the client went away); closing it is the whole answer left.
    socket.destroy();
  }
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

// What Node's setHeader and the Fetch API's Headers accept (an RFC 9110 token for a name); anything
// else would make the handler itself throw, or split the raw client-error response.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Builds the response for any thrown value and logs it: unexpected errors (5xx) at `error` with the
 * stack and cause, client errors (4xx) at `debug`. `recognise` lets an adapter map its framework's
 * own errors first.
 *
 * Never throws, whatever was thrown: a value whose getters throw (or a Proxy) is a 500; details that
 * JSON cannot encode (BigInt, cycles) and headers Node would refuse (CR/LF) are dropped and logged at
 * `error`, since they are a bug in the code that threw. An error handler that throws is worse than
 * none: Express then renders its own HTML page with the stack.
 */
export function errorResponse(error: unknown, request: FailedRequest, recognise?: (error: unknown) => AppError | undefined): ErrorResponse {
  const { requestId, method } = request;
  const path = pathOf(request.url);
  try {
    let appError: AppError | undefined;
    try {
      appError = recognise?.(error) ?? toAppError(error);
    } catch {
      // The thrown value cannot even be inspected: certainly not a client error, so appError stays undefined.
    }
    const status = appError?.status ?? 500;
    const headers = appError === undefined ? {} : safeHeaders(appError.headers, request);
    if (appError?.expose) {
      safeLog('debug', { requestId, method, path, status, code: appError.code }, 'request failed');
      const details = appError.details === undefined ? undefined : snapshotDetails(appError.details, request);
      const body: ErrorBody =
        details === undefined
          ? { code: String(appError.code), message: String(appError.message), requestId }
          : { code: String(appError.code), message: String(appError.message), details, requestId };
      return { status, headers, body };
    }
    safeLog('error', { requestId, method, path, status }, 'unhandled error', error);
    const code = appError === undefined ? 'INTERNAL' : String(appError.code);
    return { status, headers, body: { code, message: genericMessage(status), requestId } };
  } catch (failure) {
    safeLog('error', { requestId, method, path, status: 500 }, 'error handler failed on a thrown value', failure);
    return { status: 500, headers: {}, body: { code: 'INTERNAL', message: genericMessage(500), requestId } };
  }
}

/** A last-resort 500 body for adapters whose response could not be sent; it cannot throw. */
export function fallbackErrorBody(requestId: string): string {
  return JSON.stringify({ code: 'INTERNAL', message: genericMessage(500), requestId });
}

function pathOf(url: unknown): string {
  return typeof url === 'string' ? (url.split('?')[0] ?? '') : '';
}

// A JSON round trip: what the client will receive, decided once, so a getter or toJSON cannot change or
// fail it later in the framework's serializer.
function snapshotDetails(details: ErrorDetails, request: FailedRequest): ErrorDetails | undefined {
  try {
    const text = JSON.stringify(details);
    const copy: unknown = text === undefined ? undefined : JSON.parse(text);
    if (copy !== null && typeof copy === 'object') return copy as ErrorDetails;
  } catch (failure) {
    safeLog('error', { requestId: request.requestId, path: pathOf(request.url) }, 'error details are not JSON-serializable; sent without them', failure);
    return undefined;
  }
  safeLog('error', { requestId: request.requestId, path: pathOf(request.url) }, 'error details are not a JSON object; sent without them');
  return undefined;
}

function safeHeaders(headers: unknown, request: FailedRequest): Record<string, string> {
  const safe: Record<string, string> = {};
  if (headers === null || typeof headers !== 'object') return safe;
  for (const [name, value] of Object.entries(headers)) {
    if (HEADER_NAME.test(name) && typeof value === 'string' && HEADER_VALUE.test(value)) safe[name] = value;
    else
      safeLog(
        'error',
        { requestId: request.requestId, path: pathOf(request.url), header: HEADER_NAME.test(name) ? name : '(invalid name)' },
        'error header dropped: invalid name or value',
      );
  }
  return safe;
}

/**
 * Logs without ever throwing: the serializer reads every property of `error`, and a hostile value (a
 * throwing getter, a Proxy, a throwing toJSON) would otherwise make logging the failure fail too.
 */
function safeLog(level: 'debug' | 'error', fields: Record<string, unknown>, message: string, error?: unknown): void {
  try {
    // Without an error, `thrown: undefined` is left out of the line. A Proxy whose getPrototypeOf trap throws
    // fails `instanceof` and is described below, like a value the serializer cannot read.
    logger[level]({ ...(error instanceof Error ? { err: error } : { thrown: error }), ...fields }, message);
  } catch {
    try {
      logger[level]({ ...fields, thrown: describeThrown(error), unserializable: true }, message);
    } catch {
      // The logger itself is broken; nothing left to report to.
    }
  }
}

/** A short description of any value that cannot throw, for logs. */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return `${String(value.name)}: ${String(value.message)}`;
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return `${typeof value}: ${String(value)}`.slice(0, 500);
    return Object.prototype.toString.call(value);
  } catch {
    // The value's own getters or traps threw; saying so is all a log can do with it.
    return `an uninspectable ${typeof value}`;
  }
}
