/**
 * Bulwark pattern: rate-limit/hono
 * Hono rate-limit middleware (Web-standard APIs only): RateLimit-* headers, 429 with Retry-After and a JSON body.
 *
 * Patterns used: rate-limit
 * Packages used: hono
 */
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddressKey, rateLimitHeaders, rateLimitedBody, type RateLimiter } from '../rate-limit.js';

export interface HonoRateLimitOptions {
  /** A TokenBucketLimiter (one process) or SlidingWindowLimiter (shared through Redis). Required. */
  readonly limiter: RateLimiter;
  /**
   * Which bucket a request spends from. Default: the client address on Node (@hono/node-server), Bun and
   * Deno. Elsewhere pass one, e.g. `(c) => c.req.header('cf-connecting-ip') ?? 'unknown'` on Cloudflare
   * Workers. Behind a proxy, derive it from the header your proxy sets (and only trust that proxy).
   */
  readonly key?: (c: Context) => string | Promise<string>;
}

/** `app.use(rateLimit({ limiter }))`, or per route: `app.post('/login', rateLimit({ limiter: strict }), handler)`. */
export function rateLimit(options: HonoRateLimitOptions): MiddlewareHandler {
  const { limiter, key = defaultKey } = options ?? ({} as HonoRateLimitOptions);
  if (typeof limiter?.take !== 'function') throw new TypeError('rateLimit needs a limiter (TokenBucketLimiter or SlidingWindowLimiter)');
  return async (c, next) => {
    const decision = await limiter.take(await key(c));
    const headers = rateLimitHeaders(decision, limiter.policy);
    if (!decision.allowed) return c.json(rateLimitedBody(decision), 429, headers);
    await next();
    // Set after the handler so they also land on a Response the handler built itself.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}

// Where each runtime's adapter exposes the peer address in `c.env`, read structurally so that no
// runtime-specific module is imported.
interface PeerBindings {
  incoming?: { socket?: { remoteAddress?: string } }; // @hono/node-server
  server?: { incoming?: { socket?: { remoteAddress?: string } } }; // @hono/node-server with custom bindings
  requestIP?: (request: Request) => { address: string } | null; // Bun: the server passed to fetch
  remoteAddr?: { hostname?: string }; // Deno.serve: the handler info
}

function defaultKey(c: Context): string {
  const env = (c.env ?? {}) as PeerBindings;
  const address =
    env.incoming?.socket?.remoteAddress ??
    env.server?.incoming?.socket?.remoteAddress ??
    (typeof env.requestIP === 'function' ? env.requestIP(c.req.raw)?.address : undefined) ??
    env.remoteAddr?.hostname;
  if (!address) {
    throw new Error("rateLimit: cannot tell the client address on this runtime; pass `key`, e.g. (c) => c.req.header('cf-connecting-ip') ?? 'unknown'");
  }
  return clientAddressKey(address);
}
