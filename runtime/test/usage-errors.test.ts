import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { serve } from '@hono/node-server';
import { AppError } from '../src/errors.js';
import { expressApp, fastifyApp, honoApp, loadOrder, type Order } from '../usage/errors.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const orders = new Map<string, Order>([['o-1', { id: 'o-1', total: 42 }]]);

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });

const starters: Record<string, () => Promise<{ baseUrl: string; close(): Promise<void> }>> = {
  async express() {
    const server = expressApp(orders).listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono() {
    const server = serve({ fetch: honoApp(orders).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify() {
    const app = fastifyApp(orders);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

describe('usage/errors', () => {
  let logs: CapturedLogs;
  beforeEach(() => { logs = captureLogs(); });
  afterEach(() => logs.restore());

  it('bw-app-error: a missing order is a NOT_FOUND AppError, a present one is returned', async () => {
    assert.deepEqual(await loadOrder(orders, 'o-1'), { id: 'o-1', total: 42 });
    await assert.rejects(loadOrder(orders, 'o-2'), (error: unknown) =>
      error instanceof AppError && error.status === 404 && error.message === 'Order not found');
  });

  for (const [name, start] of Object.entries(starters)) {
    it(`bw-errors-${name}: found, missing and unrouted requests over a real socket`, async function () {
      this.timeout(30_000);
      const running = await start();
      try {
        const found = await fetch(`${running.baseUrl}/orders/o-1`);
        assert.equal(found.status, 200);
        assert.deepEqual(await found.json(), { id: 'o-1', total: 42 });
        const missing = await fetch(`${running.baseUrl}/orders/o-2`);
        assert.equal(missing.status, 404);
        const body = await missing.json() as Record<string, unknown>;
        assert.deepEqual({ ...body, requestId: typeof body.requestId }, {
          code: 'NOT_FOUND', message: 'Order not found', details: { id: 'o-2' }, requestId: 'string',
        });
        const unrouted = await fetch(`${running.baseUrl}/nowhere`);
        assert.equal(unrouted.status, 404);
        assert.equal(((await unrouted.json()) as Record<string, unknown>).code, 'NOT_FOUND');
        // Malformed percent-encoding is the client's error: a JSON 400 with a request id (Hono looks the raw "%ZZ" up: 404).
        const malformed = await fetch(`${running.baseUrl}/orders/%ZZ`);
        const malformedBody = await malformed.json() as Record<string, unknown>;
        assert.equal(malformed.status, name === 'hono' ? 404 : 400);
        assert.equal(typeof malformedBody.requestId, 'string');
      } finally {
        await running.close();
      }
    });
  }
});
