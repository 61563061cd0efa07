// The three adapters against real HTTP servers on 127.0.0.1, same routes, same expectations.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { logger } from '../src/log.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

interface Running {
  baseUrl: string;
  close(): Promise<void>;
}

/** Lets a test hold the /slow handler open until the client has gone away. */
class Gate {
  entered!: Promise<void>;
  private enter!: () => void;
  private releaseGate!: () => void;
  private released!: Promise<void>;
  constructor() {
    this.reset();
  }
  reset() {
    this.entered = new Promise((r) => {
      this.enter = r;
    });
    this.released = new Promise((r) => {
      this.releaseGate = r;
    });
  }
  async pass() {
    this.enter();
    await this.released;
  }
  release() {
    this.releaseGate();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 1));

async function handlerWork(n: string | undefined) {
  // Cross an async boundary first: the context must survive awaits, not just the synchronous call.
  await tick();
  logger.info({ n }, 'inside handler');
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

const frameworks: Record<string, (gate: Gate) => Promise<Running>> = {
  async express(gate) {
    const app = express();
    app.use(expressObservability());
    app.use(express.json());
    app.get('/hello', async (req, res) => {
      await handlerWork(req.query.n as string | undefined);
      res.send('hello');
    });
    app.post('/echo', async (req, res) => {
      await handlerWork(undefined);
      res.json(req.body);
    });
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    app.get('/slow', async (_req, res) => {
      await gate.pass();
      res.send('late');
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: 'internal' });
    });
    const server = app.listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono(gate) {
    const app = new Hono();
    app.use(honoObservability());
    app.get('/hello', async (c) => {
      await handlerWork(c.req.query('n'));
      return c.text('hello');
    });
    app.post('/echo', async (c) => {
      const body = await c.req.json();
      await handlerWork(undefined);
      return c.json(body);
    });
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    app.get('/slow', async (c) => {
      await gate.pass();
      return c.text('late');
    });
    app.onError((_err, c) => c.json({ error: 'internal' }, 500));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify(gate) {
    const app = Fastify({ logger: false });
    await app.register(fastifyObservability);
    app.get('/hello', async (request) => {
      await handlerWork((request.query as { n?: string }).n);
      return 'hello';
    });
    app.post('/echo', async (request) => {
      await handlerWork(undefined);
      return request.body;
    });
    app.get('/boom', async () => {
      throw new Error('kaboom');
    });
    app.get('/slow', async () => {
      await gate.pass();
      return 'late';
    });
    app.setErrorHandler((_err, _request, reply) => {
      void reply.status(500).send({ error: 'internal' });
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl, close: () => app.close() };
  },
};

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

for (const [name, start] of Object.entries(frameworks)) {
  describe(`middleware/${name} (real socket)`, () => {
    const gate = new Gate();
    let running: Running;
    let logs: CapturedLogs;
    before(async () => {
      running = await start(gate);
    });
    after(async () => {
      gate.release();
      await running.close();
    });
    beforeEach(() => {
      gate.reset();
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    const completion = (requestId: string) =>
      waitFor(() => logs.lines.find((l) => l.requestId === requestId && l.msg !== 'inside handler'), `the log line of ${requestId}`);

    it('echoes a valid X-Request-ID, sets timing headers and logs it inside the handler and on completion', async () => {
      const response = await fetch(`${running.baseUrl}/hello?n=1&token=s3cret`, { headers: { 'X-Request-ID': 'lb-42.a:b_c' } });
      assert.equal(await response.text(), 'hello');
      assert.equal(response.headers.get('x-request-id'), 'lb-42.a:b_c');
      assert.match(response.headers.get('server-timing') ?? '', /^total;dur=\d+(\.\d)?$/);
      assert.match(response.headers.get('x-response-time') ?? '', /^\d+(\.\d)?ms$/);

      const done = await completion('lb-42.a:b_c');
      assert.equal(done.msg, 'request completed');
      assert.equal(done.method, 'GET');
      assert.equal(done.path, '/hello');
      assert.equal(done.status, 200);
      assert.equal(typeof done.durationMs, 'number');
      assert.ok(!JSON.stringify(logs.lines).includes('s3cret'), 'the query string is never logged');
      const inside = logs.lines.find((l) => l.msg === 'inside handler');
      assert.equal(inside?.requestId, 'lb-42.a:b_c', 'a log line written in the route handler carries the request id');
    });

    it('catalogue defect: a 10 KB or quote-carrying X-Request-ID is replaced, and the generated id is used everywhere', async () => {
      for (const forged of ['x'.repeat(10 * 1024), 'a" level="fatal']) {
        logs.lines.length = 0;
        const response = await fetch(`${running.baseUrl}/hello`, { headers: { 'X-Request-ID': forged } });
        await response.text();
        const id = response.headers.get('x-request-id') ?? '';
        assert.match(id, UUID);
        const done = await completion(id);
        assert.equal(done.status, 200);
        assert.equal(logs.lines.find((l) => l.msg === 'inside handler')?.requestId, id);
        assert.ok(!JSON.stringify(logs.lines).includes(forged));
      }
    });

    it('keeps the request id in the handler after a JSON body that arrived in separate chunks was parsed', async () => {
      // Body parsing resumes from socket 'data' events, which run outside the context the middleware entered.
      const chunks = ['{"a":', '1', '}'];
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = chunks.shift();
          if (next === undefined) return controller.close();
          await new Promise((r) => setTimeout(r, 10));
          controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const response = await fetch(`${running.baseUrl}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'post-1' },
        body,
        duplex: 'half',
      } as RequestInit);
      assert.deepEqual(await response.json(), { a: 1 });
      assert.equal((await completion('post-1')).status, 200);
      assert.equal(logs.lines.find((l) => l.msg === 'inside handler')?.requestId, 'post-1');
    });

    it('isolates concurrent requests: each handler logs its own id', async () => {
      const count = 25;
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const response = await fetch(`${running.baseUrl}/hello?n=${i}`, { headers: { 'x-request-id': `req-${i}` } });
          await response.text();
        }),
      );
      const inside = logs.lines.filter((l) => l.msg === 'inside handler');
      assert.equal(inside.length, count);
      for (const line of inside) assert.equal(line.requestId, `req-${String(line.n)}`);
    });

    it('logs a failing request once, at error level with status 500', async () => {
      const response = await fetch(`${running.baseUrl}/boom`, { headers: { 'x-request-id': 'boom-1' } });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('x-request-id'), 'boom-1');
      await response.text();
      const done = await completion('boom-1');
      assert.equal(done.status, 500);
      assert.equal(done.level, 50);
    });

    it('logs a request the client aborted exactly once, marked aborted', async () => {
      const controller = new AbortController();
      const pending = fetch(`${running.baseUrl}/slow`, { headers: { 'x-request-id': 'gone-1' }, signal: controller.signal });
      await gate.entered;
      controller.abort();
      await assert.rejects(pending, { name: 'AbortError' });
      const aborted = await waitFor(() => logs.lines.find((l) => l.requestId === 'gone-1' && l.msg === 'request aborted'), 'the aborted line');
      assert.equal(aborted.aborted, true);
      assert.equal(aborted.level, 40);

      // Let the handler finish writing into the closed connection, then prove nothing else was logged for it.
      gate.release();
      const after = await fetch(`${running.baseUrl}/hello`, { headers: { 'x-request-id': 'after-1' } });
      await after.text();
      await completion('after-1');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        logs.lines.filter((l) => l.requestId === 'gone-1').map((l) => l.msg),
        ['request aborted'],
      );
    });
  });
}
