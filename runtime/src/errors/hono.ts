/**
 * Bulwark pattern: errors/hono
 * Hono `app.onError` handler: AppError and HTTPException to JSON, 5xx bodies without internals, request id in every body.
 *
 * Patterns used: errors
 * Packages used: hono
 */
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import {
  AppError,
  DEFAULT_REQUEST_ID_HEADER,
  errorForStatus,
  errorRequestId,
  errorResponse,
  notFound,
  type ErrorHandlerOptions,
} from '../errors.js';

/**
 * `app.onError(errorHandler())` and `app.notFound(notFoundHandler())`; add `app.use(errorBoundary())`
 * first so values that are not Errors get the same treatment.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  const header = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  return (error, c) => respond(error, c, header);
}

/**
 * Hono passes only `Error` instances to `onError`; anything else thrown (`throw 'oops'`) escapes the app
 * and the server answers with its own body. Mount this first: it wraps such values in an Error (the
 * original kept as `cause` for the log) so `onError` handles them.
 */
export function errorBoundary(): MiddlewareHandler {
  return async (_c, next) => {
    try {
      await next();
    } catch (thrown) {
      throw thrown instanceof Error ? thrown : new Error('A non-Error value was thrown', { cause: thrown });
    }
  };
}

/** A JSON 404 for requests no route matched, in the same shape as every other error. */
export function notFoundHandler(options: ErrorHandlerOptions = {}): NotFoundHandler {
  const header = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  return (c) => respond(notFound('Route'), c, header);
}

function respond(error: unknown, c: Context, header: string): Response {
  // Hono's own requestId middleware keeps the id in c.var; a response header may carry it too.
  const fromVar = (c.var as Record<string, unknown>).requestId;
  const { requestId, generated } = errorRequestId(typeof fromVar === 'string' ? fromVar : c.res.headers.get(header));
  const response = errorResponse(error, { method: c.req.method, url: c.req.path, requestId }, fromHttpException);
  const headers: Record<string, string> = { ...response.headers };
  if (generated || !c.res.headers.has(header)) headers[header] = requestId;
  return c.json(response.body, response.status as ContentfulStatusCode, headers);
}

// HTTPException is Hono's (and its middleware's) way to fail a request with a status; its message is
// written by a developer for the client. Headers of a prepared response (e.g. basic-auth's
// WWW-Authenticate) are kept; its body is replaced by the standard error body.
function fromHttpException(error: unknown): AppError | undefined {
  if (!(error instanceof HTTPException)) return undefined;
  const headers: Record<string, string> = {};
  error.res?.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') headers[name] = value;
  });
  const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
  return errorForStatus(status, status < 500 && error.message ? error.message : undefined, { headers, cause: error });
}
