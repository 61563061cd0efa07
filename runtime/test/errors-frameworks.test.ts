// The three error handlers against real HTTP servers on 127.0.0.1: same routes, same bodies.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import express from 'express';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { basicAuth } from 'hono/basic-auth';
import { validator } from 'hono/validator';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { internal, notFound, rateLimited, serviceUnavailable } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as honoErrors from '../src/errors/hono.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

interface Running {
  baseUrl: string;
  close(): Promise<void>;
}
/** `observability`: mount the request-id middleware; `headerOnly`: set only an X-Request-ID response header. */
type Setup = 'observability' | 'headerOnly' | 'bare';

const SECRET = 'password=hunter2';
function crash(): never {
  throw new Error(`query failed: ${SECRET}`, { cause: new Error('cause: disk /dev/sda1 full') });
}
const upstream404 = () => Object.assign(new Error('upstream said 404'), { status: 404 });

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const frameworks: Record<string, (setup: Setup) => Promise<Running>> = {
  async express(setup) {
    const app = express();
    if (setup === 'observability') app.use(expressObservability());
    if (setup === 'headerOnly')
      app.use((_req, res, next) => {
        res.setHeader('X-Request-ID', 'from-header');
        next();
      });
    app.use(express.json({ limit: '1kb' }));
    app.get('/not-found', () => {
      throw notFound('User', 42);
    });
    app.get('/crash', async () => crash());
    app.get('/string', () => {
      throw 'raw string thrown';
    });
    app.get('/internal', () => {
      throw internal('ledger mismatch 4711');
    });
    app.get('/unavailable', () => {
      throw serviceUnavailable(30);
    });
    app.get('/rate', () => {
      throw rateLimited(1.5);
    });
    app.get('/upstream', async () => {
      throw upstream404();
    });
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    app.use(expressErrors.notFoundHandler());
    app.use(expressErrors.errorHandler());
    const server = app.listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono(setup) {
    const app = new Hono();
    app.use(honoErrors.errorBoundary());
    if (setup === 'observability') app.use(honoObservability());
    if (setup === 'headerOnly')
      app.use(async (c, next) => {
        c.header('X-Request-ID', 'from-header');
        await next();
      });
    app.get('/not-found', () => {
      throw notFound('User', 42);
    });
    app.get('/crash', async () => crash());
    app.get('/string', () => {
      throw 'raw string thrown';
    });
    app.get('/internal', () => {
      throw internal('ledger mismatch 4711');
    });
    app.get('/unavailable', () => {
      throw serviceUnavailable(30);
    });
    app.get('/rate', () => {
      throw rateLimited(1.5);
    });
    app.get('/upstream', async () => {
      throw upstream404();
    });
    app.post(
      '/echo',
      validator('json', (value) => value),
      (c) => c.json(c.req.valid('json')),
    );
    app.get('/http-exception', () => {
      throw new HTTPException(401, { message: 'Token expired' });
    });
    app.get('/http-exception-500', () => {
      throw new HTTPException(500, { message: `cannot reach ${SECRET}` });
    });
    app.get('/basic', basicAuth({ username: 'u', password: 'p' }), (c) => c.text('in'));
    app.onError(honoErrors.errorHandler());
    app.notFound(honoErrors.notFoundHandler());
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify(setup) {
    const app = Fastify({ logger: false, bodyLimit: 1024 });
    if (setup === 'observability') await app.register(fastifyObservability);
    if (setup === 'headerOnly')
      app.addHook('onRequest', async (_request, reply) => {
        reply.header('X-Request-ID', 'from-header');
      });
    app.setErrorHandler(fastifyErrors.errorHandler());
    app.setNotFoundHandler(fastifyErrors.notFoundHandler());
    app.get('/not-found', async () => {
      throw notFound('User', 42);
    });
    app.get('/crash', async () => crash());
    app.get('/string', async () => {
      throw 'raw string thrown';
    });
    app.get('/internal', async () => {
      throw internal('ledger mismatch 4711');
    });
    app.get('/unavailable', async () => {
      throw serviceUnavailable(30);
    });
    app.get('/rate', async () => {
      throw rateLimited(1.5);
    });
    app.get('/upstream', async () => {
      throw upstream404();
    });
    app.post('/echo', async (request) => request.body);
    app.post(
      '/validated',
      {
        schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, age: { type: 'integer' } } } },
      },
      async (request) => request.body,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

async function call(baseUrl: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Record<string, unknown> };
}

const postJson = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

for (const [name, start] of Object.entries(frameworks)) {
  describe(`errors/${name} (real socket)`, function () {
    this.timeout(30_000);
    let logs: CapturedLogs;
    let running: Running | undefined;
    const boot = async (setup: Setup) => {
      running = await start(setup);
      return running.baseUrl;
    };
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(async () => {
      await running?.close();
      running = undefined;
      logs.restore();
    });

    it('a thrown AppError is a JSON body with code, message, details and the request id of the response', async () => {
      const base = await boot('observability');
      const { status, headers, body } = await call(base, '/not-found', { headers: { 'X-Request-ID': 'client-id-123' } });
      assert.equal(status, 404);
      assert.match(headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(body, { code: 'NOT_FOUND', message: 'User not found', details: { id: '42' }, requestId: 'client-id-123' });
      assert.equal(headers.get('x-request-id'), 'client-id-123');
    });

    it('catalogue defect: a crash is a generic 500 without message, stack or cause; the log has the stack and request id', async () => {
      const base = await boot('observability');
      const { status, headers, body, text } = await call(base, '/crash');
      assert.equal(status, 500);
      const requestId = headers.get('x-request-id');
      assert.ok(requestId);
      assert.deepEqual(body, { code: 'INTERNAL', message: 'Internal server error', requestId });
      for (const leak of ['hunter2', 'query failed', 'sda1', 'errors-frameworks', '    at ']) assert.ok(!text.includes(leak), leak);
      const line = logs.lines.find((l) => l.msg === 'unhandled error');
      assert.ok(line, 'the crash is logged');
      assert.equal(line.requestId, requestId);
      assert.equal(line.level, 50);
      assert.match(String((line.err as { stack?: string }).stack), /query failed: password=hunter2[\s\S]*errors-frameworks\.test\.ts/);
    });

    it('thrown strings, internal() and upstream errors with a 404 status are generic 500s', async () => {
      const base = await boot('bare');
      for (const path of ['/string', '/internal', '/upstream']) {
        const { status, body, text } = await call(base, path);
        assert.equal(status, 500, path);
        assert.equal(body.code, 'INTERNAL');
        assert.equal(body.message, 'Internal server error');
        for (const leak of ['raw string', 'ledger mismatch', 'upstream said']) assert.ok(!text.includes(leak), `${path} leaks ${leak}`);
      }
    });

    it('rate limiting and unavailability keep their status, code and Retry-After', async () => {
      const base = await boot('bare');
      const limited = await call(base, '/rate');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2');
      assert.deepEqual({ code: limited.body.code, details: limited.body.details }, { code: 'RATE_LIMITED', details: { retryAfterSeconds: 2 } });
      const unavailable = await call(base, '/unavailable');
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.headers.get('retry-after'), '30');
      assert.equal(unavailable.body.code, 'SERVICE_UNAVAILABLE');
    });

    it('malformed JSON is a 400 without parser internals', async () => {
      const base = await boot('bare');
      const { status, body, text } = await call(base, '/echo', postJson('{"name": "x",}'));
      assert.equal(status, 400);
      assert.equal(body.code, 'BAD_REQUEST');
      assert.match(String(body.message), /^Malformed JSON/);
      assert.ok(!/position|Unexpected token|Expected/.test(text), text);
    });

    it('an unknown route is a JSON 404 in the same shape', async () => {
      const base = await boot('bare');
      const { status, body } = await call(base, '/no/such/route');
      assert.equal(status, 404);
      assert.equal(body.code, 'NOT_FOUND');
      assert.equal(typeof body.requestId, 'string');
    });

    it('without the middleware, the request id comes from the response header, else is generated and set', async () => {
      const withHeader = await boot('headerOnly');
      assert.equal((await call(withHeader, '/crash')).body.requestId, 'from-header');
      await running?.close();
      const bare = await boot('bare');
      const { headers, body } = await call(bare, '/crash');
      assert.match(String(body.requestId), /^[0-9a-f-]{36}$/);
      assert.equal(headers.get('x-request-id'), body.requestId);
      assert.equal(logs.lines.find((l) => l.msg === 'unhandled error' && l.requestId === body.requestId)?.level, 50);
    });
  });
}

describe('errors/express specifics', () => {
  it('is a four-parameter error middleware', () => {
    assert.equal(expressErrors.errorHandler().length, 4);
  });

  it("maps body-parser's 413 (an http-errors error) to PAYLOAD_TOO_LARGE", async () => {
    const logs = captureLogs();
    const app = express();
    app.use(express.json({ limit: '1kb' }));
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    app.use(expressErrors.errorHandler());
    const server = app.listen(0, '127.0.0.1');
    try {
      const base = await listen(server);
      const tooLarge = await call(base, '/echo', postJson(JSON.stringify({ data: 'x'.repeat(5000) })));
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.body.code, 'PAYLOAD_TOO_LARGE');
    } finally {
      await close(server);
      logs.restore();
    }
  });
});

describe('errors/hono specifics', () => {
  it("maps HTTPException to its status, exposing 4xx messages only, and keeps basic-auth's WWW-Authenticate", async () => {
    const logs = captureLogs();
    const running = await frameworks.hono!('bare');
    try {
      const expired = await call(running.baseUrl, '/http-exception');
      assert.equal(expired.status, 401);
      assert.deepEqual({ code: expired.body.code, message: expired.body.message }, { code: 'UNAUTHORIZED', message: 'Token expired' });
      const hidden = await call(running.baseUrl, '/http-exception-500');
      assert.equal(hidden.status, 500);
      assert.ok(!hidden.text.includes('hunter2'));
      const auth = await call(running.baseUrl, '/basic');
      assert.equal(auth.status, 401);
      assert.equal(auth.body.code, 'UNAUTHORIZED');
      assert.match(auth.headers.get('www-authenticate') ?? '', /^Basic/);
      // Without errorBoundary() a thrown string escapes onError altogether.
      const unguarded = new Hono();
      unguarded.onError(honoErrors.errorHandler());
      unguarded.get('/string', () => {
        throw 'raw string thrown';
      });
      await assert.rejects(
        Promise.resolve().then(() => unguarded.request('/string')),
        (thrown) => thrown === 'raw string thrown',
      );
    } finally {
      await running.close();
      logs.restore();
    }
  });
});

describe('errors/fastify specifics', () => {
  it('schema validation failures are a 400 VALIDATION body listing the issues', async () => {
    const logs = captureLogs();
    const running = await frameworks.fastify!('bare');
    try {
      const { status, body } = await call(running.baseUrl, '/validated', postJson(JSON.stringify({ age: 'old' })));
      assert.equal(status, 400);
      assert.equal(body.code, 'VALIDATION');
      assert.equal(body.message, 'Request validation failed');
      const issues = (body.details as { issues: Array<{ path: string; message: string }> }).issues;
      assert.ok(
        issues.some((issue) => issue.path === 'body' && /required property 'name'/.test(issue.message)),
        JSON.stringify(issues),
      );
      const tooLarge = await call(running.baseUrl, '/echo', postJson(JSON.stringify({ data: 'x'.repeat(5000) })));
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.body.code, 'PAYLOAD_TOO_LARGE');
      const unsupported = await call(running.baseUrl, '/echo', { method: 'POST', headers: { 'content-type': 'text/weird' }, body: 'x' });
      assert.equal(unsupported.status, 415);
      assert.equal(unsupported.body.code, 'UNSUPPORTED_MEDIA_TYPE');
    } finally {
      await running.close();
      logs.restore();
    }
  });
});
