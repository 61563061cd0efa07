/**
 * Bulwark pattern: middleware/fastify
 * Fastify 5 plugin: validated X-Request-ID, timing headers, request log context in hooks and handlers, one log line per request.
 *
 * Patterns used: middleware, log
 * Packages used: fastify
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { requestIdHeaderOf, startRequest, type RequestObservabilityOptions, type RequestTracker } from '../middleware.js';
import { withLogContext } from '../log.js';

const trackers = new WeakMap<FastifyRequest, RequestTracker>();

/**
 * `await app.register(requestObservability, options)` before your routes. It applies to the whole app (not
 * encapsulated). If you also enable Fastify's own logger, silence its per-request lines to keep one line per
 * request: `Fastify({ logger: true, logController: new LogController({ disableRequestLogging: true }) })`.
 */
export const requestObservability: FastifyPluginCallback<RequestObservabilityOptions> = (
  app: FastifyInstance,
  options: RequestObservabilityOptions,
  done: (error?: Error) => void,
) => {
  let header: string;
  try {
    header = requestIdHeaderOf(options);
  } catch (error) {
    // `app.register()` rejects with it, at start-up.
    done(error as Error);
    return;
  }
  app.addHook('onRequest', (request, reply, next) => {
    const tracker = startRequest({ method: request.method, url: request.url, incomingRequestId: headerValue(request, header) }, options);
    trackers.set(request, tracker);
    reply.header(tracker.requestIdHeader, tracker.requestId);
    // Fastify runs the following hooks, body parsing and the route handler as continuations of `next()`,
    // so they all see the id (the test "keeps the request id ... chunks" covers a body arriving in pieces).
    withLogContext({ requestId: tracker.requestId }, () => next());
  });
  app.addHook('onSend', (request, reply, payload, next) => {
    const tracker = trackers.get(request);
    if (tracker) for (const [name, value] of tracker.timingHeaders()) reply.header(name, value);
    next(null, payload);
  });
  app.addHook('onResponse', (request, reply, next) => {
    trackers.get(request)?.finish(reply.statusCode);
    next();
  });
  app.addHook('onRequestAbort', (request, next) => {
    trackers.get(request)?.abort();
    next();
  });
  done();
};

// Same effect as wrapping with `fastify-plugin`, without the extra dependency: hooks apply app-wide.
Object.assign(requestObservability, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'bulwark-request-observability',
});

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  // Node joins a repeated header into one string ("a, b"), which the default pattern refuses; only a few
  // headers (Set-Cookie) arrive as arrays, and no request id is one of them.
  return typeof value === 'string' ? value : undefined;
}
