/**
 * Bulwark pattern: errors/express
 * Express 5 error middleware: AppError, body-parser and router errors to JSON, 5xx bodies without internals, request id in every body; never throws.
 *
 * Patterns used: errors
 * Packages used: @types/express (dev)
 */
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  requestIdHeaderName,
  answerClientError,
  errorForStatus,
  errorRequestId,
  errorResponse,
  fallbackErrorBody,
  notFound,
  type AppError,
  type ErrorHandlerOptions,
} from '../errors.js';

/**
 * Mount it after every route: `app.use(notFoundHandler()); app.use(errorHandler())`.
 * Express 5 forwards rejected promises from async handlers here, so `throw notFound('User', id)` just works.
 *
 * It never throws and never calls `next(error)`: if it did, Express's default handler would answer with
 * an HTML page holding the stack (whenever NODE_ENV is not `production`). When the response has already
 * started, the error is logged and the connection closed, so the client sees a truncated response rather
 * than one that looks complete.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  const header = requestIdHeaderName(options.requestIdHeader);
  // Express recognises error middleware by its four parameters: keep `next` even where it looks unused.
  return function bulwarkErrorHandler(error, req, res, _next) {
    let requestId = '';
    try {
      ({ requestId } = ensureRequestId(res, header));
      const response = errorResponse(error, { method: req.method, url: req.originalUrl, requestId }, fromExpressError);
      // Once the headers went out, send() and then sendFallback() throw on setHeader(): the connection is closed.
      send(res, response.status, response.headers, JSON.stringify(response.body));
    } catch {
      // Only the socket or a hostile app setting can get here; the error was already logged.
      sendFallback(res, requestId);
    }
  };
}

/**
 * `server.on('clientError', clientErrorHandler())` on the Node server (`const server = app.listen(...)`).
 * Requests Node's HTTP parser refuses (a CR/LF or NUL in a header, headers over 16 KiB, a malformed
 * request line) never reach Express, and Node answers them with an empty body; this answers in the same
 * JSON shape, with a request id, then closes the connection as Node would.
 */
export function clientErrorHandler(options: ErrorHandlerOptions = {}): (error: Error, socket: Duplex) => void {
  const header = requestIdHeaderName(options.requestIdHeader);
  return (error, socket) => answerClientError(error, socket, header);
}

/** A JSON 404 for requests no route matched, in the same shape as every other error. */
export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(notFound('Route'));
}

// The header always repeats the body's id, also one taken from the log context that no header carried yet.
function ensureRequestId(res: Response, header: string): { requestId: string } {
  const { requestId } = errorRequestId(res.getHeader(header));
  if (!res.headersSent) res.setHeader(header, requestId);
  return { requestId };
}

// res.json() would run the app's `json replacer` setting over the body; the body is already JSON-safe text.
function send(res: Response, status: number, headers: Readonly<Record<string, string>>, text: string): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(text);
}

function sendFallback(res: Response, requestId: string): void {
  try {
    const body = fallbackErrorBody(requestId || 'unknown');
    // Once the headers went out, setHeader() throws: the catch below closes the connection.
    res.statusCode = 500;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    // res.send() may have set the Content-Length of the body it failed to send: a stale one truncates this
    // body, or leaves the client waiting for bytes that never come. Node itself leaves out the body of a HEAD.
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  } catch {
    // Headers went out or the socket is gone; a closed connection tells the client the response is incomplete.
    res.destroy();
  }
}

// The router answers a malformed percent-encoding in a path parameter (`/users/%ZZ`) with a URIError
// that carries status 400 but not http-errors' `expose`; it is the client's input, not a server fault.
function fromExpressError(error: unknown): AppError | undefined {
  if (error instanceof URIError && (error as { status?: unknown }).status === 400) {
    return errorForStatus(400, 'Malformed percent-encoding in the URL');
  }
  return undefined;
}
