// Usage examples for the rate-limit pattern (snippets bw-rate-limit, bw-rate-limit-redis, bw-rate-limit-gcra,
// bw-rate-limit-hono, bw-rate-limit-fastify, bw-throttle): limit clients per address in one process
// or across instances through Redis, and pace outgoing calls.
import express from 'express';
import { Hono } from 'hono';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { TokenBucketLimiter } from '../src/rate-limit.js';
import { GcraLimiter, SlidingWindowLimiter } from '../src/rate-limit/redis.js';
import * as expressRateLimit from '../src/rate-limit/express.js';
import * as honoRateLimit from '../src/rate-limit/hono.js';
import * as fastifyRateLimit from '../src/rate-limit/fastify.js';

export function expressApp(): express.Express {
  const app = express();
  const { rateLimit } = expressRateLimit;
  // @snippet bw-rate-limit Express: token-bucket rate limit per client address (429 + Retry-After + RateLimit-* headers)
  app.use(rateLimit({ limiter: new TokenBucketLimiter({ capacity: /*${1}*/20/*$*/, refillPerSecond: /*${2}*/5/*$*/ }) }));
  // @end
  app.get('/search', (_req, res) => { res.json({ results: [] }); });
  return app;
}

export function loginApp(redis: Redis): express.Express {
  const app = express();
  app.use(express.json());
  const { rateLimit } = expressRateLimit;
  // @snippet bw-rate-limit-redis Rate limit shared by all instances: Redis sliding window, one atomic script per request
  const loginLimiter = new SlidingWindowLimiter({
    redis: /*${1}*/redis/*$*/,
    limit: /*${2}*/5/*$*/,
    windowMs: /*${3}*/60_000/*$*/,
    prefix: /*${4}*/'rate-limit:login:'/*$*/,
    failOpen: /*${5|false,true}*/false/*$*/,
  });
  // @end
  app.post('/login', rateLimit({ limiter: loginLimiter }), (_req, res) => { res.json({ ok: true }); });
  return app;
}

export function apiApp(redis: Redis): express.Express {
  const app = express();
  const { rateLimit } = expressRateLimit;
  // @snippet bw-rate-limit-gcra High-volume API limit shared through Redis: GCRA token bucket, one timestamp per client
  const apiLimiter = new GcraLimiter({
    redis: /*${1}*/redis/*$*/,
    limit: /*${2}*/100/*$*/,
    windowMs: /*${3}*/60_000/*$*/,
    prefix: /*${4}*/'rate-limit:api:'/*$*/,
  });
  app.use(rateLimit({ limiter: apiLimiter }));
  // @end
  app.get('/items', (_req, res) => { res.json({ items: [] }); });
  return app;
}

export function honoApp(): Hono {
  const app = new Hono();
  const { rateLimit } = honoRateLimit;
  // @snippet bw-rate-limit-hono Hono: token-bucket rate limit per client address (429 + Retry-After + RateLimit-* headers)
  app.use(rateLimit({ limiter: new TokenBucketLimiter({ capacity: /*${1}*/20/*$*/, refillPerSecond: /*${2}*/5/*$*/ }) }));
  // @end
  app.get('/search', (c) => c.json({ results: [] }));
  return app;
}

export function fastifyApp(): FastifyInstance {
  const app = Fastify();
  const { rateLimit } = fastifyRateLimit;
  // @snippet bw-rate-limit-fastify Fastify: token-bucket rate limit per client address, before body parsing
  app.addHook('onRequest', rateLimit({ limiter: new TokenBucketLimiter({ capacity: /*${1}*/20/*$*/, refillPerSecond: /*${2}*/5/*$*/ }) }));
  // @end
  app.get('/search', async () => ({ results: [] }));
  return app;
}

/** Calls a partner API at most `perSecond` times a second, waiting (cancellably) for each slot. */
export async function notifyAll(send: (id: string) => Promise<void>, ids: readonly string[], signal: AbortSignal, perSecond = 10): Promise<void> {
  const partnerApi = new TokenBucketLimiter({ capacity: 1, refillPerSecond: perSecond });
  for (const id of ids) {
    // @snippet bw-throttle Wait for a token before an outgoing call: exact sleep, cancellable, FIFO
    await /*${1}*/partnerApi/*$*/.wait(/*${2}*/'partner-api'/*$*/, { signal: /*${3}*/signal/*$*/ });
    // @end
    await send(id);
  }
}
