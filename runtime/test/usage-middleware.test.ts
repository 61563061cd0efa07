import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { serve } from '@hono/node-server';
import { expressApp, fastifyApp, honoApp } from '../usage/middleware.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

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
  async 'bw-request-id'() {
    const server = expressApp().listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async 'bw-request-id-hono'() {
    const server = serve({ fetch: honoApp().fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async 'bw-request-id-fastify'() {
    const app = await fastifyApp();
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, close: () => app.close() };
  },
};

describe('usage/middleware', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  for (const [snippet, start] of Object.entries(starters)) {
    it(`${snippet}: the handler's log line and the request log line carry the echoed request id`, async () => {
      const running = await start();
      try {
        const response = await fetch(`${running.baseUrl}/orders/o-7?session=secret`, { headers: { 'x-request-id': 'usage-1' } });
        assert.deepEqual(await response.json(), { id: 'o-7' });
        assert.equal(response.headers.get('x-request-id'), 'usage-1');
        assert.match(response.headers.get('server-timing') ?? '', /^total;dur=/);
        const deadline = Date.now() + 5000;
        while (!logs.lines.some((l) => l.msg === 'request completed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const inHandler = logs.lines.find((l) => l.msg === 'loading order');
        const completed = logs.lines.find((l) => l.msg === 'request completed');
        assert.deepEqual([inHandler?.requestId, inHandler?.orderId], ['usage-1', 'o-7']);
        assert.deepEqual([completed?.requestId, completed?.path, completed?.status], ['usage-1', '/orders/o-7', 200]);
        assert.equal(logs.lines.length, 2, 'one request line, one handler line');
      } finally {
        await running.close();
      }
    });
  }
});
