import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { apiApp, expressApp, fastifyApp, honoApp, loginApp, notifyAll } from '../usage/rate-limit.js';
import { redisServer } from './fixtures/redis.js';

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Statuses of `count` requests in a row, or fewer when `until` answers first. */
async function statuses(url: string, count: number, init: RequestInit = {}, until?: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count && (until === undefined || result.at(-1) !== until); i++) {
    const response = await fetch(url, init);
    await response.text();
    result.push(response.status);
  }
  return result;
}

describe('usage/rate-limit', () => {
  it('bw-rate-limit (Express), bw-rate-limit-hono, bw-rate-limit-fastify: a burst of 20, then 429', async () => {
    const express = expressApp().listen(0, '127.0.0.1');
    const hono = serve({ fetch: honoApp().fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    const fastify = fastifyApp();
    const bases = [await listen(express), await listen(hono), await fastify.listen({ port: 0, host: '127.0.0.1' })];
    try {
      for (const base of bases) {
        // Refill is 5/s, so a slow machine earns tokens during the burst: keep asking until the first 429
        // (a few hundred requests outrun 5/s on any machine) instead of expecting it among the first 25.
        const results = await statuses(`${base}/search`, 300, {}, 429);
        assert.ok(
          results.slice(0, 20).every((s) => s === 200),
          `${base}: ${results.join(',')}`,
        );
        assert.equal(results.at(-1), 429, `${base}: ${results.join(',')}`);
      }
    } finally {
      await close(express);
      await close(hono);
      await fastify.close();
    }
  });

  it('bw-rate-limit-redis: 5 logins per minute per client, shared through Redis', async () => {
    const redis = new Redis((await redisServer()).url, { lazyConnect: true });
    await redis.connect();
    await redis.del('rate-limit:login:ip:127.0.0.1');
    const server = loginApp(redis).listen(0, '127.0.0.1');
    try {
      const base = await listen(server);
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
      assert.deepEqual(await statuses(`${base}/login`, 7, init), [200, 200, 200, 200, 200, 429, 429]);
      assert.equal(await redis.zcard('rate-limit:login:ip:127.0.0.1'), 5);
    } finally {
      await close(server);
      await redis.del('rate-limit:login:ip:127.0.0.1');
      await redis.quit();
    }
  });

  it('bw-rate-limit-gcra: a burst of 100 per client, then 429, with one timestamp per client in Redis', async () => {
    const redis = new Redis((await redisServer()).url, { lazyConnect: true });
    await redis.connect();
    const key = 'rate-limit:api:ip:127.0.0.1';
    await redis.del(key);
    const server = apiApp(redis).listen(0, '127.0.0.1');
    try {
      const base = await listen(server);
      const started = Date.now();
      const codes = await statuses(`${base}/items`, 110);
      const refilled = Math.ceil((Date.now() - started) / 600); // one token comes back every 600 ms
      assert.ok(
        codes.slice(0, 100).every((c) => c === 200),
        'the whole burst of 100 is admitted',
      );
      const admitted = codes.filter((c) => c === 200).length;
      assert.ok(admitted <= 100 + refilled && codes.includes(429), `${admitted} admitted, ${refilled} tokens refilled`);
      assert.equal(await redis.type(key), 'string');
    } finally {
      await close(server);
      await redis.del(key);
      await redis.quit();
    }
  });

  it('bw-throttle: paces calls to the configured rate and stops when the signal aborts', async () => {
    const sent: Array<{ id: string; at: number }> = [];
    const started = performance.now();
    await notifyAll(
      async (id) => {
        sent.push({ id, at: performance.now() - started });
      },
      ['a', 'b', 'c'],
      AbortSignal.timeout(10_000),
      20,
    );
    assert.deepEqual(
      sent.map((s) => s.id),
      ['a', 'b', 'c'],
    );
    // Lower bounds only: the 2nd and 3rd call each had to wait for a token (50 ms apart at 20/s).
    assert.ok(sent[2]!.at >= 100, `third call after ${sent[2]!.at} ms`);

    const controller = new AbortController();
    const stopped = notifyAll(async () => {}, ['x', 'y', 'z'], controller.signal, 0.01);
    controller.abort(new Error('shutting down'));
    await assert.rejects(stopped, /shutting down/);
  });
});
