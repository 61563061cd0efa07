/**
 * Bulwark pattern: rate-limit/fastify
 * Fastify 5 rate-limit hook: RateLimit-* headers, 429 with Retry-After and a JSON body, keyed by client address.
 *
 * Patterns used: rate-limit
 * Packages used: fastify
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { clientAddressKey, rateLimitHeaders, rateLimitedBody, type RateLimiter } from '../rate-limit.js';

export interface FastifyRateLimitOptions {
  /** A TokenBucketLimiter (one process) or SlidingWindowLimiter (shared through Redis). Required. */
  readonly limiter: RateLimiter;
  /**
   * Which bucket a request spends from. Default: the client address (`request.ip`, which follows Fastify's
   * `trustProxy` option — set it behind a load balancer, or every client shares the proxy's bucket).
   */
  readonly key?: (request: FastifyRequest) => string | Promise<string>;
}

/**
 * An `onRequest` hook, so a denied request costs no body parsing: app-wide with
 * `app.addHook('onRequest', rateLimit({ limiter }))`, or per route with `{ onRequest: rateLimit({ limiter: strict }) }`.
 */
export function rateLimit(options: FastifyRateLimitOptions): onRequestAsyncHookHandler {
  const { limiter, key = (request: FastifyRequest) => clientAddressKey(request.ip) } = options ?? ({} as FastifyRateLimitOptions);
  if (typeof limiter?.take !== 'function') throw new TypeError('rateLimit needs a limiter (TokenBucketLimiter or SlidingWindowLimiter)');
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = await limiter.take(await key(request));
    reply.headers(rateLimitHeaders(decision, limiter.policy));
    if (!decision.allowed) {
      // Fastify's rule for async hooks: send, then return the reply to stop the chain.
      return reply.code(429).send(rateLimitedBody(decision));
    }
  };
}
