// The rate-limit adapters on real HTTP servers, with the in-memory bucket and with the Redis sliding window.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { TokenBucketLimiter, type RateLimitDecision, type RateLimiter } from '../src/rate-limit.js';
import { SlidingWindowLimiter } from '../src/rate-limit/redis.js';
import { rateLimit as expressRateLimit } from '../src/rate-limit/express.js';
import { rateLimit as honoRateLimit } from '../src/rate-limit/hono.js';
import { rateLimit as fastifyRateLimit } from '../src/rate-limit/fastify.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { redisServer } from './fixtures/redis.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

interface Setup {
  limiter: RateLimiter;
  /** When set, requests are keyed by this header instead of the client address. */
  keyHeader?: string;
}
interface Running {
  baseUrl: string;
  handled: () => number;
  close(): Promise<void>;
}

/** Records the keys a real limiter is asked about, so a test can see what the default key function produced. */
function recording(limiter: RateLimiter, keys: string[]): RateLimiter {
  return {
    policy: limiter.policy,
    take: (key: string): RateLimitDecision | Promise<RateLimitDecision> => {
      keys.push(key);
      return limiter.take(key);
    },
  };
}

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const frameworks: Record<string, (setup: Setup) => Promise<Running>> = {
  async express({ limiter, keyHeader }) {
    let handled = 0;
    const app = express();
    app.use(expressObservability());
    app.use(expressRateLimit({ limiter, ...(keyHeader ? { key: (req) => req.get(keyHeader) ?? 'none' } : {}) }));
    app.get('/work', (_req, res) => {
      handled++;
      res.json({ ok: true });
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: 'internal' });
    });
    const server = app.listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), handled: () => handled, close: () => closeServer(server) };
  },
  async hono({ limiter, keyHeader }) {
    let handled = 0;
    const app = new Hono();
    app.use(honoObservability());
    app.use(honoRateLimit({ limiter, ...(keyHeader ? { key: (c) => c.req.header(keyHeader) ?? 'none' } : {}) }));
    app.get('/work', (c) => {
      handled++;
      return c.json({ ok: true });
    });
    app.onError((_err, c) => c.json({ error: 'internal' }, 500));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), handled: () => handled, close: () => closeServer(server) };
  },
  async fastify({ limiter, keyHeader }) {
    let handled = 0;
    const app = Fastify({ logger: false });
    await app.register(fastifyObservability);
    app.addHook('onRequest', fastifyRateLimit({ limiter, ...(keyHeader ? { key: (request) => String(request.headers[keyHeader] ?? 'none') } : {}) }));
    app.get('/work', async () => {
      handled++;
      return { ok: true };
    });
    app.setErrorHandler((_err, _request, reply) => {
      void reply.status(500).send({ error: 'internal' });
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, handled: () => handled, close: () => app.close() };
  },
};

for (const [name, start] of Object.entries(frameworks)) {
  describe(`rate-limit/${name} (real socket)`, () => {
    let running: Running | undefined;
    let logs: CapturedLogs;
    beforeEach(() => {
      logs = captureLogs();
    }); // keeps the request log lines out of the test output
    afterEach(async () => {
      logs.restore();
      await running?.close();
      running = undefined;
    });

    it('sets RateLimit headers, then answers 429 with Retry-After and a JSON body without running the handler', async () => {
      const keys: string[] = [];
      running = await start({ limiter: recording(new TokenBucketLimiter({ capacity: 2, refillPerSecond: 0.1 }), keys) });
      const responses = [];
      for (let i = 0; i < 3; i++) responses.push(await fetch(`${running.baseUrl}/work`));
      const [first, second, third] = responses as [Response, Response, Response];

      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { ok: true });
      assert.equal(first.headers.get('ratelimit-limit'), '2');
      assert.equal(first.headers.get('ratelimit-remaining'), '1');
      assert.equal(first.headers.get('ratelimit-reset'), '10');
      assert.equal(first.headers.get('ratelimit-policy'), '2;w=20');
      assert.equal(first.headers.get('retry-after'), null);
      assert.equal(second.headers.get('ratelimit-remaining'), '0');
      await second.text();

      assert.equal(third.status, 429);
      assert.equal(third.headers.get('retry-after'), '10');
      assert.equal(third.headers.get('ratelimit-remaining'), '0');
      assert.match(third.headers.get('content-type') ?? '', /application\/json/);
      const body = (await third.json()) as Record<string, unknown>;
      assert.deepEqual(
        { ...body, requestId: undefined },
        {
          code: 'RATE_LIMITED',
          message: 'Too many requests',
          details: { retryAfterSeconds: 10 },
          requestId: undefined,
        },
      );
      assert.equal(body.requestId, third.headers.get('x-request-id'), 'the 429 body quotes the request id of the middleware pattern');
      assert.equal(running.handled(), 2);
      assert.deepEqual(keys, ['ip:127.0.0.1', 'ip:127.0.0.1', 'ip:127.0.0.1'], 'keyed by client address by default');
    });

    it('uses a custom key function: separate buckets per key', async () => {
      running = await start({ limiter: new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0.1 }), keyHeader: 'x-api-key' });
      const call = (apiKey: string) =>
        fetch(`${running!.baseUrl}/work`, { headers: { 'x-api-key': apiKey } }).then(async (r) => {
          await r.text();
          return r.status;
        });
      assert.deepEqual([await call('a'), await call('a'), await call('b'), await call('b')], [200, 429, 200, 429]);
    });

    it('passes a failing key function to the framework error handler (500, not a crash)', async () => {
      const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1 });
      const broken: RateLimiter = {
        policy: limiter.policy,
        take: () => {
          throw new Error('limiter bug');
        },
      };
      running = await start({ limiter: broken });
      const response = await fetch(`${running.baseUrl}/work`);
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: 'internal' });
      assert.equal(running.handled(), 0);
    });

    it('limits across server instances with the Redis sliding window', async () => {
      const server = await redisServer();
      const redis = new Redis(server.url, { lazyConnect: true });
      await redis.connect();
      const prefix = `http:${randomUUID()}:`;
      // Two app instances sharing one Redis: the quota is global, not per instance.
      const a = await start({ limiter: new SlidingWindowLimiter({ redis, limit: 3, windowMs: 60_000, prefix }) });
      const b = await start({ limiter: new SlidingWindowLimiter({ redis, limit: 3, windowMs: 60_000, prefix }) });
      try {
        const statuses = [];
        for (const base of [a.baseUrl, b.baseUrl, a.baseUrl, b.baseUrl]) {
          const response = await fetch(`${base}/work`);
          await response.text();
          statuses.push([response.status, response.headers.get('ratelimit-remaining'), response.headers.get('ratelimit-policy')]);
        }
        assert.deepEqual(statuses, [
          [200, '2', '3;w=60'],
          [200, '1', '3;w=60'],
          [200, '0', '3;w=60'],
          [429, '0', '3;w=60'],
        ]);
      } finally {
        await a.close();
        await b.close();
        await redis.quit();
      }
    });
  });
}

describe('rate-limit adapters: bad options', () => {
  it('refuses to build without a limiter', () => {
    for (const build of [expressRateLimit, honoRateLimit, fastifyRateLimit] as Array<(options: unknown) => unknown>) {
      assert.throws(() => build({}), /rateLimit needs a limiter/);
    }
  });

  it('hono: explains how to key requests when the runtime exposes no client address', async () => {
    const app = new Hono();
    let message = '';
    app.onError((err, c) => {
      message = err.message;
      return c.text('error', 500);
    });
    app.use(honoRateLimit({ limiter: new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1 }) }));
    app.get('/', (c) => c.text('ok'));
    const response = await app.request('/');
    assert.equal(response.status, 500);
    assert.match(message, /cannot tell the client address on this runtime; pass `key`/);
  });
});
