/**
 * Bulwark pattern: errors/express
 * Express 5 error middleware: AppError and body-parser errors to JSON, 5xx bodies without internals, request id in every body.
 *
 * Patterns used: errors
 * Packages used: @types/express (dev)
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DEFAULT_REQUEST_ID_HEADER, errorRequestId, errorResponse, notFound, type ErrorHandlerOptions } from '../errors.js';

/**
 * Mount it after every route: `app.use(notFoundHandler()); app.use(errorHandler())`.
 * Express 5 forwards rejected promises from async handlers here, so `throw notFound('User', id)` just works.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  const header = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  // Express recognises error middleware by its four parameters: keep `next` even where it looks unused.
  return function bulwarkErrorHandler(error, req, res, next) {
    // Too late for a clean response; Express's default handler closes the connection.
    if (res.headersSent) return next(error);
    const { requestId, generated } = errorRequestId(res.getHeader(header));
    if (generated) res.setHeader(header, requestId);
    const response = errorResponse(error, { method: req.method, url: req.originalUrl, requestId });
    res.status(response.status).set(response.headers).json(response.body);
  };
}

/** A JSON 404 for requests no route matched, in the same shape as every other error. */
export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(notFound('Route'));
}
