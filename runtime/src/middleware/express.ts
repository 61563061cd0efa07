/**
 * Bulwark pattern: middleware/express
 * Express 5 middleware: validated X-Request-ID, timing headers, request-scoped log context and one log line per request.
 *
 * Patterns used: middleware, log
 * Packages used: @types/express (dev)
 */
import type { RequestHandler, Response } from 'express';
import { requestIdHeaderOf, startRequest, type RequestObservabilityOptions, type RequestTracker } from '../middleware.js';
import { withLogContext } from '../log.js';

/**
 * Mount it first (`app.use(requestObservability())`) so every later middleware and handler logs with the
 * request id. Options and defaults: see {@link RequestObservabilityOptions}.
 */
export function requestObservability(options: RequestObservabilityOptions = {}): RequestHandler {
  const header = requestIdHeaderOf(options);
  return (req, res, next) => {
    const tracker = startRequest({ method: req.method, url: req.originalUrl, incomingRequestId: req.get(header) }, options);
    res.setHeader(tracker.requestIdHeader, tracker.requestId);
    setTimingHeadersOnWriteHead(res, tracker);
    res.once('finish', () => tracker.finish(res.statusCode));
    // 'close' without a prior 'finish' means the client went away before the response was complete; after
    // 'finish' the tracker has logged and ignores the abort.
    res.once('close', () => tracker.abort());
    withLogContext({ requestId: tracker.requestId }, () => next());
  };
}

// The duration is only known when the headers go out, which Node does through writeHead (also implicitly
// on the first write/end), so hook it there — the same technique as the `on-headers` package.
function setTimingHeadersOnWriteHead(res: Response, tracker: RequestTracker): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithTiming(this: Response, ...args: unknown[]) {
    if (!this.headersSent) for (const [name, value] of tracker.timingHeaders()) this.setHeader(name, value);
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}
