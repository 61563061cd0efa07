import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { AppError } from '../src/errors.js';
import { connect } from 'node:net';
import { expressApp, fastifyApp, honoApp, listenExpress, loadOrder, serveHono, type Order } from '../usage/errors.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const orders = new Map<string, Order>([
  ['o-1', { id: 'o-1', total: 42 }],
  ['o-big', { id: 'o-big', total: 5000 }],
]);

/** Writes bytes as they are (fetch refuses a CR in a header value) and returns what the server sent. */
function rawExchange(baseUrl: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(request);
  });
}

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const starters: Record<string, () => Promise<{ baseUrl: string; close(): Promise<void> }>> = {
  async express() {
    const server = listenExpress(expressApp(orders));
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono() {
    const server = serveHono(honoApp(orders));
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify() {
    const app = fastifyApp(orders);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

describe('usage/errors', () => {
  it('bw-errors-hono-stream: a streamed export arrives whole; a failing one sends no internals', async function () {
    this.timeout(30_000);
    const logs = captureLogs();
    const running = await starters.hono!();
    try {
      assert.equal(await (await fetch(`${running.baseUrl}/orders/o-1/export`)).text(), 'id,o-1\ntotal,42\n');
      const failed = await fetch(`${running.baseUrl}/orders/o-big/export`)
        .then((r) => r.text())
        .catch(() => '');
      assert.ok(!failed.includes('/srv/exports'), failed);
      assert.ok(logs.lines.some((line) => line.msg === 'response stream failed' && /\/srv\/exports/.test(JSON.stringify(line))));
    } finally {
      await running.close();
      logs.restore();
    }
  });

  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('bw-app-error: a missing order is a NOT_FOUND AppError, a present one is returned', async () => {
    assert.deepEqual(await loadOrder(orders, 'o-1'), { id: 'o-1', total: 42 });
    await assert.rejects(
      loadOrder(orders, 'o-2'),
      (error: unknown) => error instanceof AppError && error.status === 404 && error.message === 'Order not found',
    );
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
        const body = (await missing.json()) as Record<string, unknown>;
        assert.deepEqual(
          { ...body, requestId: typeof body.requestId },
          {
            code: 'NOT_FOUND',
            message: 'Order not found',
            details: { id: 'o-2' },
            requestId: 'string',
          },
        );
        const unrouted = await fetch(`${running.baseUrl}/nowhere`);
        assert.equal(unrouted.status, 404);
        assert.equal(((await unrouted.json()) as Record<string, unknown>).code, 'NOT_FOUND');
        // Malformed percent-encoding is the client's error: a JSON 400 with a request id (Hono looks the raw "%ZZ" up: 404).
        const malformed = await fetch(`${running.baseUrl}/orders/%ZZ`);
        const malformedBody = (await malformed.json()) as Record<string, unknown>;
        assert.equal(malformed.status, name === 'hono' ? 404 : 400);
        assert.equal(typeof malformedBody.requestId, 'string');
        // bw-errors-express-server, bw-errors-hono-server, bw-errors-fastify: a header Node's parser refuses still gets the JSON body.
        const raw = await rawExchange(running.baseUrl, 'GET /orders/o-1 HTTP/1.1\r\nHost: x\r\nX-Evil: a\rb\r\n\r\n');
        assert.match(raw, /^HTTP\/1\.1 400 [\s\S]*\r\n\r\n\{"code":"BAD_REQUEST",.*"requestId":"[0-9a-f-]{36}"\}$/, raw);
      } finally {
        await running.close();
      }
    });
  }
});
