/**
 * Bulwark pattern: middleware/hono
 * Hono middleware (Web-standard APIs only): validated X-Request-ID, timing headers, request log context and one log line per request.
 *
 * Patterns used: middleware, log
 * Packages used: hono
 */
import type { MiddlewareHandler } from 'hono';
import { requestIdHeaderOf, startRequest, type RequestObservabilityOptions } from '../middleware.js';
import { withLogContext } from '../log.js';

/**
 * `app.use(requestObservability())` before your routes. Works on Node (@hono/node-server), Bun, Deno and
 * Workers (the log context needs AsyncLocalStorage: on Workers enable `nodejs_compat`).
 *
 * The logged duration of a streamed body is time-to-headers: Web-standard handlers return before the body
 * is consumed, and there is no portable "body fully sent" event.
 */
export function requestObservability(options: RequestObservabilityOptions = {}): MiddlewareHandler {
  const header = requestIdHeaderOf(options);
  return async (c, next) => {
    const tracker = startRequest({ method: c.req.method, url: c.req.url, incomingRequestId: c.req.header(header) }, options);
    // The runtime aborts the request's signal when the client disconnects before the response is done; an
    // abort after finish() is ignored, so the listener can stay for the signal's (the request's) lifetime.
    const signal = c.req.raw.signal;
    if (signal.aborted) tracker.abort();
    else signal.addEventListener('abort', () => tracker.abort());
    // Where Hono's own requestId middleware keeps it: handlers read c.var.requestId, and errors/hono finds it
    // even when the error reaches onError outside this middleware (errorBoundary() mounted first).
    (c.set as (key: string, value: unknown) => void)('requestId', tracker.requestId);
    try {
      await withLogContext({ requestId: tracker.requestId }, () => next());
    } catch (thrown) {
      // Hono's onError only receives Errors: anything else thrown passes through here to an outer
      // errorBoundary() or the server, and both answer 500.
      tracker.finish(500);
      throw thrown;
    }
    c.header(tracker.requestIdHeader, tracker.requestId);
    for (const [name, value] of tracker.timingHeaders()) c.header(name, value);
    tracker.finish(c.res.status);
  };
}
