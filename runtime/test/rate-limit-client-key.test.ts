// Which bucket a request spends from by default, in each adapter and on each runtime Hono runs on.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { TokenBucketLimiter, type RateLimitDecision, type RateLimiter } from '../src/rate-limit.js';
import { rateLimit as expressRateLimit } from '../src/rate-limit/express.js';
import { rateLimit as honoRateLimit } from '../src/rate-limit/hono.js';
import { rateLimit as fastifyRateLimit } from '../src/rate-limit/fastify.js';

/** A real token bucket that records the keys it is asked about. */
function recordingLimiter(capacity = 10) {
  const limiter = new TokenBucketLimiter({ capacity, refillPerSecond: 0.1 });
  const keys: string[] = [];
  const recorder: RateLimiter = {
    policy: limiter.policy,
    take: (key: string): RateLimitDecision => {
      keys.push(key);
      return limiter.take(key);
    },
  };
  return { limiter: recorder, keys };
}

describe('rate-limit adapters: the default key', () => {
  it('express: follows `trust proxy`, keying by the forwarded client address', async () => {
    const { limiter, keys } = recordingLimiter();
    const app = express();
    app.set('trust proxy', true);
    app.use(expressRateLimit({ limiter }));
    app.get('/', (_req, res) => void res.send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(await response.text(), 'ok');
    } finally {
      server.closeAllConnections();
      server.close();
    }
    assert.deepEqual(keys, ['ip:203.0.113.7']);
  });

  it('fastify: follows `trustProxy`, keying by the forwarded client address', async () => {
    const { limiter, keys } = recordingLimiter();
    const app = Fastify({ trustProxy: true });
    app.addHook('onRequest', fastifyRateLimit({ limiter }));
    app.get('/', async () => 'ok');
    const response = await app.inject({ url: '/', headers: { 'x-forwarded-for': '2001:db8:1:2:3::9' } });
    await app.close();
    assert.equal(response.body, 'ok');
    assert.deepEqual(keys, ['ip:2001:db8:1:2::/64']);
  });

  it('hono: reads the peer address where each runtime puts it (node-server bindings, Bun requestIP, Deno remoteAddr)', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['@hono/node-server', { incoming: { socket: { remoteAddress: '::ffff:192.0.2.1' } } }, 'ip:192.0.2.1'],
      ['@hono/node-server, custom bindings', { server: { incoming: { socket: { remoteAddress: '192.0.2.2' } } } }, 'ip:192.0.2.2'],
      ['Bun', { requestIP: (request: Request) => ({ address: new URL(request.url).pathname === '/' ? '192.0.2.3' : 'wrong request' }) }, 'ip:192.0.2.3'],
      ['Bun without an address, Deno-style fallback', { requestIP: () => null, remoteAddr: { hostname: '192.0.2.4' } }, 'ip:192.0.2.4'],
      ['Deno', { remoteAddr: { hostname: '2001:db8::5' } }, 'ip:2001:db8:0:0::/64'],
      ['a requestIP that is not a function is not called', { requestIP: '192.0.2.9', remoteAddr: { hostname: '192.0.2.6' } }, 'ip:192.0.2.6'],
    ];
    for (const [runtime, env, key] of cases) {
      const { limiter, keys } = recordingLimiter();
      const app = new Hono();
      app.use(honoRateLimit({ limiter }));
      app.get('/', (c) => c.text('ok'));
      const response = await app.request('/', {}, env);
      assert.equal(await response.text(), 'ok', runtime);
      assert.deepEqual(keys, [key], runtime);
    }
  });

  it('hono: puts the RateLimit headers on a Response the handler built itself', async () => {
    const { limiter } = recordingLimiter(3);
    const app = new Hono();
    app.use(honoRateLimit({ limiter, key: () => 'one' }));
    app.get('/', () => new Response('raw', { headers: { 'x-own': 'kept' } }));
    const response = await app.request('/');
    assert.equal(await response.text(), 'raw');
    assert.equal(response.headers.get('x-own'), 'kept');
    assert.equal(response.headers.get('ratelimit-remaining'), '2');
  });

  it('every adapter: refuses missing options or a limiter without take() with the same TypeError', () => {
    for (const build of [expressRateLimit, honoRateLimit, fastifyRateLimit] as Array<(options: unknown) => unknown>) {
      for (const options of [undefined, null, { limiter: { policy: { limit: 1, windowMs: 1000 } } }]) {
        assert.throws(() => build(options), { name: 'TypeError', message: 'rateLimit needs a limiter (TokenBucketLimiter or SlidingWindowLimiter)' });
      }
    }
  });
});
