/**
 * Bulwark pattern: errors/fastify
 * Fastify 5 error and not-found handlers: AppError and validation errors to JSON, 5xx bodies without internals, request id in every body.
 *
 * Patterns used: errors
 * Packages used: fastify
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  DEFAULT_REQUEST_ID_HEADER,
  errorForStatus,
  errorRequestId,
  errorResponse,
  notFound,
  type ErrorHandlerOptions,
} from '../errors.js';

type Handler = (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

/**
 * `app.setErrorHandler(errorHandler())` and `app.setNotFoundHandler(notFoundHandler())`, before
 * registering routes. Create the app with `disableRequestLogging: true` if you log requests yourself.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): Handler {
  const header = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  return (error, request, reply) => {
    if (reply.sent) return undefined;
    const { requestId, generated } = errorRequestId(reply.getHeader(header));
    if (generated) reply.header(header, requestId);
    const response = errorResponse(error, { method: request.method, url: request.url, requestId }, fromFastifyError);
    return reply.status(response.status).headers(response.headers).send(response.body);
  };
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
    code?: unknown; statusCode?: unknown; validation?: unknown; validationContext?: unknown;
  };
  if (Array.isArray(validation)) {
    const where = typeof validationContext === 'string' ? validationContext : 'request';
    const issues = (validation as ValidationIssue[]).map((issue) => ({
      path: `${where}${issue.instancePath ?? ''}`,
      message: issue.message ?? 'is invalid',
    }));
    return new AppError('VALIDATION', 'Request validation failed', { details: { issues }, cause: error });
  }
  if (typeof code !== 'string' || !code.startsWith('FST_') || typeof statusCode !== 'number') return undefined;
  if (statusCode < 400 || statusCode > 599) return undefined;
  const message = code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'Malformed JSON body' : undefined;
  return errorForStatus(statusCode, message, { cause: error });
}
