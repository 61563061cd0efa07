/**
 * Bulwark pattern: errors/fastify
 * Fastify 5 error, not-found and framework-error handlers: AppError and validation errors to JSON, 5xx bodies without internals, request id in every body; never throws.
 *
 * Patterns used: errors
 * Packages used: fastify
 */
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  requestIdHeaderName,
  answerClientError,
  errorForStatus,
  errorRequestId,
  errorResponse,
  fallbackErrorBody,
  notFound,
  type ErrorHandlerOptions,
} from '../errors.js';

type Handler = (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

/**
 * `app.setErrorHandler(errorHandler())` and `app.setNotFoundHandler(notFoundHandler())`, before
 * registering routes, and `Fastify({ frameworkErrors: errorHandler() })` for the errors Fastify raises
 * before routing (a malformed URL such as `/users/%ZZ`), which bypass `setErrorHandler`. Create the app
 * with `disableRequestLogging: true` if you log requests yourself.
 *
 * It never throws: if it did, Fastify would fall back to its own handler, whose body carries the raw message.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): Handler {
  const header = requestIdHeaderName(options.requestIdHeader);
  return (error, request, reply) => {
    let requestId = '';
    try {
      requestId = errorRequestId(reply.getHeader(header)).requestId;
      // The header always repeats the body's id, also one taken from the log context that no header carried yet.
      reply.header(header, requestId);
      const response = errorResponse(error, { method: request.method, url: request.url, requestId }, fromFastifyError);
      return reply.status(response.status).headers(response.headers).type('application/json; charset=utf-8').send(JSON.stringify(response.body));
    } catch {
      // errorResponse() never throws and has logged the error: only the reply itself failed here.
      try {
        return reply
          .status(500)
          .type('application/json; charset=utf-8')
          .send(fallbackErrorBody(requestId || 'unknown'));
      } catch {
        // Not even the fallback could be sent; a closed connection tells the client the response is incomplete.
        reply.raw.destroy();
        return undefined;
      }
    }
  };
}

/**
 * `Fastify({ clientErrorHandler: clientErrorHandler() })`: requests Node's HTTP parser refuses (a CR/LF or
 * NUL in a header, headers over 16 KiB) never reach the error handler; this answers them in the same JSON
 * shape with a request id, instead of Fastify's `{"error":"Bad Request","message":"Client Error"}`.
 */
export function clientErrorHandler(options: ErrorHandlerOptions = {}): (error: Error, socket: Duplex) => void {
  const header = requestIdHeaderName(options.requestIdHeader);
  return (error, socket) => answerClientError(error, socket, header);
}

/** A JSON 404 for requests no route matched, in the same shape as every other error. */
export function notFoundHandler(options: ErrorHandlerOptions = {}): (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined {
  const handle = errorHandler(options);
  return (request, reply) => handle(notFound('Route'), request, reply);
}

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
}

// Fastify's own errors (FST_* codes) carry a trustworthy statusCode; schema validation failures become a
// VALIDATION body listing each issue (ajv messages describe the input, not the server).
function fromFastifyError(error: unknown): AppError | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, statusCode, validation, validationContext } = error as {
    code?: unknown;
    statusCode?: unknown;
    validation?: unknown;
    validationContext?: unknown;
  };
  if (Array.isArray(validation)) {
    const where = typeof validationContext === 'string' ? validationContext : 'request';
    const issues = (validation as ValidationIssue[]).map((issue) => ({
      path: `${where}${issue.instancePath ?? ''}`,
      message: issue.message ?? 'is invalid',
    }));
    return new AppError('VALIDATION', 'Request validation failed', { details: { issues } });
  }
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number') return undefined;
  const message =
    code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'Malformed JSON body' : code === 'FST_ERR_BAD_URL' ? 'Malformed percent-encoding in the URL' : undefined;
  // A statusCode outside 400..599 makes errorForStatus throw, which errorResponse answers with a plain 500.
  return errorForStatus(statusCode, message);
}
