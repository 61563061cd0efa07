/**
 * Bulwark pattern: errors/hono
 * Hono `app.onError` handler: AppError, HTTPException and malformed bodies to JSON, 5xx bodies without internals, request id in every body; never throws.
 *
 * Patterns used: errors, log
 * Packages used: hono
 */
import type { Duplex } from 'node:stream';
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import {
  AppError,
  requestIdHeaderName,
  answerClientError,
  describeThrown,
  errorForStatus,
  errorRequestId,
  errorResponse,
  fallbackErrorBody,
  notFound,
  type ErrorHandlerOptions,
} from '../errors.js';
import { logger } from '../log.js';

/**
 * `app.onError(errorHandler())` and `app.notFound(notFoundHandler())`; add `app.use(errorBoundary())`
 * first so values that are not Errors get the same treatment. A body that `c.req.json()` (or `text()`,
 * `formData()`, `parseBody()`) failed to read or parse is the client's fault: a 400, as in Express and Fastify.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  const header = requestIdHeaderName(options.requestIdHeader);
  return async (error, c) => respond(error, c, header, await isBodyReadFailure(error, c));
}

/**
 * Hono passes only `Error` instances to `onError`; anything else thrown (`throw 'oops'`) escapes the app
 * and the server answers with its own body. Mount this first: it wraps such values in an Error (the
 * log message describes the original) so `onError` handles them.
 */
export function errorBoundary(): MiddlewareHandler {
  return async (_c, next) => {
    try {
      await next();
    } catch (thrown) {
      // The log serializer would drop a cause that is not an Error: the message carries its description.
      throw isError(thrown) ? thrown : new Error(`A non-Error value was thrown: ${describeThrown(thrown)}`);
    }
  };
}

/** A JSON 404 for requests no route matched, in the same shape as every other error. */
export function notFoundHandler(options: ErrorHandlerOptions = {}): NotFoundHandler {
  const header = requestIdHeaderName(options.requestIdHeader);
  return (c) => respond(notFound('Route'), c, header, false);
}

/**
 * Wrap a streamed response body with it: `return c.body(guardStream(c, stream))`. A stream that fails
 * after the response has started cannot become an error response any more, and @hono/node-server then
 * writes `Error: <the error's message>` into the body (a file path, a connection string...). Through
 * this guard the failure is logged with the request id, and the client gets only
 * `Error: Internal server error (request <id>)` before the connection closes.
 */
export function guardStream<T>(c: Context, body: ReadableStream<T>, options: ErrorHandlerOptions = {}): ReadableStream<T> {
  const header = requestIdHeaderName(options.requestIdHeader);
  // The stream is read after the handler returned, outside the request's log context: capture the id now.
  const requestId = requestIdOf(c, header);
  const path = c.req.path;
  const reader = body.getReader();
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        try {
          logger.error({ ...(isError(error) ? { err: error } : { thrown: describeThrown(error) }), requestId, path }, 'response stream failed');
        } catch {
          // A hostile error value; the generic message below still goes out.
        }
        controller.error(new Error(`Internal server error (request ${requestId})`));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * On Node only: `serve(...).on('clientError', clientErrorHandler())`. Requests Node's HTTP parser refuses
 * (a CR/LF or NUL in a header, headers over 16 KiB) never reach Hono, and Node answers them with an empty
 * body; this answers in the same JSON shape with a request id. Bun, Deno and Workers parse HTTP themselves.
 */
export function clientErrorHandler(options: ErrorHandlerOptions = {}): (error: Error, socket: Duplex) => void {
  const header = requestIdHeaderName(options.requestIdHeader);
  return (error, socket) => answerClientError(error, socket, header);
}

function requestIdOf(c: Context, header: string): string {
  // Hono's own requestId middleware keeps the id in c.var; a response header may carry it too.
  const fromVar = (c.var as Record<string, unknown>).requestId;
  return errorRequestId(typeof fromVar === 'string' ? fromVar : c.res.headers.get(header)).requestId;
}

function respond(error: unknown, c: Context, header: string, bodyReadFailed: boolean): Response {
  let requestId = '';
  try {
    requestId = requestIdOf(c, header);
    const recognise = (thrown: unknown) => (bodyReadFailed ? malformedBody(thrown) : fromHttpException(thrown));
    const response = errorResponse(error, { method: c.req.method, url: c.req.path, requestId }, recognise);
    // The header always repeats the body's id, whichever source it came from; set through c.header(), since
    // a header set earlier that way wins over c.body()'s.
    c.header(header, requestId);
    const headers: Record<string, string> = { ...response.headers, 'content-type': 'application/json; charset=utf-8' };
    return c.body(JSON.stringify(response.body), response.status as ContentfulStatusCode, headers);
  } catch {
    // Never throw from onError: Hono would rethrow it to the server, which answers without our body. A
    // request id header name that fetch refuses fails here, so the fallback sets no such header.
    return new Response(fallbackErrorBody(requestId || 'unknown'), { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }
}

// Hono caches each body read per request (c.req.bodyCache, promises). A read that failed rejects with
// exactly the error the handler saw; c.req.json() parses the cached text afterwards, so its SyntaxError is
// recognised by parsing that text again and getting the same message (V8's messages quote the input; only
// the text read is a string). Either way a JSON.parse bug in server code, on other data, stays a 500.
async function isBodyReadFailure(error: unknown, c: Context): Promise<boolean> {
  try {
    for (const pending of Object.values(c.req.bodyCache as Record<string, unknown>)) {
      const outcome = await Promise.resolve(pending).then(
        (value: unknown) => ({ value }),
        (reason: unknown) => ({ reason }),
      );
      if ('reason' in outcome) {
        if (outcome.reason === error) return true;
      } else if (error instanceof SyntaxError && typeof outcome.value === 'string') {
        try {
          JSON.parse(outcome.value);
        } catch (reparsed) {
          // JSON.parse of a string throws nothing but SyntaxErrors.
          if ((reparsed as SyntaxError).message === error.message) return true;
        }
      }
    }
  } catch {
    // An unreadable cache is no evidence either way.
  }
  return false;
}

function malformedBody(error: unknown): AppError {
  return errorForStatus(400, error instanceof SyntaxError ? 'Malformed JSON body' : 'Malformed request body');
}

// HTTPException is Hono's (and its middleware's) way to fail a request with a status; its message is
// written by a developer for the client. Headers of a prepared response (e.g. basic-auth's
// WWW-Authenticate) are kept; its body is replaced by the standard error body.
function fromHttpException(error: unknown): AppError | undefined {
  if (!(error instanceof HTTPException)) return undefined;
  const headers: Record<string, string> = {};
  // The error body replaces the prepared one, whose length would cut it (its content-type is overwritten).
  error.res?.headers.forEach((value, name) => {
    if (name !== 'content-length') headers[name] = value;
  });
  // A status outside 400..599 makes errorForStatus throw, which errorResponse answers with a plain 500; a
  // 5xx message is never sent.
  return errorForStatus(error.status, error.message || undefined, { headers });
}

function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    // A Proxy whose getPrototypeOf trap throws: whatever it is, it is not an Error to trust.
  }
  return false;
}
