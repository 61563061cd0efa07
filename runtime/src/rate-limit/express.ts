/**
 * Bulwark pattern: rate-limit/express
 * Express 5 rate-limit middleware: RateLimit-* headers, 429 with Retry-After and a JSON body, keyed by client address.
 *
 * Patterns used: rate-limit
 * Packages used: @types/express (dev)
 */
import type { Request, RequestHandler } from 'express';
import { clientAddressKey, rateLimitHeaders, rateLimitedBody, type RateLimiter } from '../rate-limit.js';

export interface ExpressRateLimitOptions {
  /** A TokenBucketLimiter (one process) or SlidingWindowLimiter (shared through Redis). Required. */
  readonly limiter: RateLimiter;
  /**
   * Which bucket a request spends from. Default: the client address (`req.ip`, which follows Express's
   * `trust proxy` setting — configure it behind a load balancer, or every client shares the proxy's bucket).
   */
  readonly key?: (req: Request) => string | Promise<string>;
}

/** `app.use(rateLimit({ limiter }))`, or per route: `app.post('/login', rateLimit({ limiter: strict }), handler)`. */
export function rateLimit(options: ExpressRateLimitOptions): RequestHandler {
  const { limiter, key = (req: Request) => clientAddressKey(req.ip ?? req.socket.remoteAddress) } = options ?? ({} as ExpressRateLimitOptions);
  if (typeof limiter?.take !== 'function') throw new TypeError('rateLimit needs a limiter (TokenBucketLimiter or SlidingWindowLimiter)');
  return async (req, res, next) => {
    try {
      const decision = await limiter.take(await key(req));
      res.set(rateLimitHeaders(decision, limiter.policy));
      if (decision.allowed) return next();
      res.status(429).json(rateLimitedBody(decision));
    } catch (error) {
      next(error);
    }
  };
}
