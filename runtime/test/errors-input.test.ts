// Client input must never be a 500: malformed URLs, malformed bodies and the repository's input errors
// are 4xx in all three frameworks, each body carrying the request id and no internals.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { connect } from 'node:net';
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { errorResponse } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as honoErrors from '../src/errors/hono.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import { InvalidCursorError, InvalidQueryError, decodeCursor, resolveListOptions } from '../src/repository.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const SECRET = 'secret-path/etc/app.key';
const cursor = () => decodeCursor('!!!', 'id', 'asc');
const badLimit = () => resolveListOptions({ limit: 0 }, new Set(['id']), 'id', 100);

async function listen(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

interface Running {
  baseUrl: string;
  close(): Promise<void>;
}

const frameworks: Record<string, () => Promise<Running>> = {
  async express() {
    const app = express();
    app.use(expressObservability());
    app.use(express.json());
    app.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.get('/cursor', () => {
      cursor();
    });
    app.get('/limit', () => {
      badLimit();
    });
    app.post('/json', (req, res) => {
      res.json(req.body);
    });
    app.use(expressErrors.notFoundHandler());
    app.use(expressErrors.errorHandler());
    const server = app.listen(0, '127.0.0.1');
    server.on('clientError', expressErrors.clientErrorHandler());
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono() {
    const app = new Hono();
    app.use(honoErrors.errorBoundary());
    app.use(honoObservability());
    app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/cursor', () => {
      cursor();
      return new Response();
    });
    app.get('/limit', () => {
      badLimit();
      return new Response();
    });
    app.post('/json', async (c) => c.json(await c.req.json()));
    // JSON.parse of server-side data is a server bug, not the client's malformed body.
    app.post('/server-parse', async (c) => {
      await c.req.text();
      return c.json(JSON.parse('{corrupt cache entry'));
    });
    app.get('/stream', (c) => c.body(honoErrors.guardStream(c, failingStream())));
    app.get('/stream-unguarded', (c) => c.body(failingStream()));
    app.onError(honoErrors.errorHandler());
    app.notFound(honoErrors.notFoundHandler());
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    server.on('clientError', honoErrors.clientErrorHandler());
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify() {
    const handler = fastifyErrors.errorHandler();
    const app = Fastify({ logger: false, frameworkErrors: handler, clientErrorHandler: fastifyErrors.clientErrorHandler() });
    await app.register(fastifyObservability);
    app.setErrorHandler(handler);
    app.setNotFoundHandler(fastifyErrors.notFoundHandler());
    app.get<{ Params: { id: string } }>('/items/:id', async (request) => ({ id: request.params.id }));
    app.get('/cursor', async () => {
      cursor();
    });
    app.get('/limit', async () => {
      badLimit();
    });
    app.post('/json', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

function failingStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull() {
      throw new Error(`ENOENT: no such file or directory, open '${SECRET}'`);
    },
  });
}

async function call(baseUrl: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${path}: ${text}`);
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.equal(typeof body.requestId, 'string', `${path}: ${text}`);
  assert.equal(body.requestId, response.headers.get('x-request-id'), `${path}: the body's request id is the response's`);
  for (const leak of [SECRET, '    at ', 'Unexpected token', 'position', 'not a valid url component'])
    assert.ok(!text.includes(leak), `${path} leaks ${leak}: ${text}`);
  return { status: response.status, body };
}

for (const [name, start] of Object.entries(frameworks)) {
  describe(`errors/${name}: client input is a 4xx`, function () {
    this.timeout(30_000);
    let logs: CapturedLogs;
    let running: Running;
    before(async () => {
      running = await start();
    });
    after(() => running.close());
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it('bad percent-encoding in a path parameter is a 400 (or the raw segment), never a 500', async () => {
      if (name === 'hono') {
        // Hono keeps a segment it cannot decode as it is; the handler sees "%ZZ".
        const response = await fetch(`${running.baseUrl}/items/%ZZ`);
        assert.deepEqual({ status: response.status, body: await response.json() }, { status: 200, body: { id: '%ZZ' } });
      } else {
        const { status, body } = await call(running.baseUrl, '/items/%ZZ');
        assert.deepEqual(
          { status, code: body.code, message: body.message },
          { status: 400, code: 'BAD_REQUEST', message: 'Malformed percent-encoding in the URL' },
        );
      }
      assert.ok(!logs.lines.some((line) => Number(line.level) >= 50), 'client input is not logged as an error');
    });

    it("the repository's InvalidCursorError and InvalidQueryError are 400s with their code and message", async () => {
      const invalidCursor = await call(running.baseUrl, '/cursor');
      assert.deepEqual(
        { status: invalidCursor.status, code: invalidCursor.body.code, message: invalidCursor.body.message },
        { status: 400, code: 'INVALID_CURSOR', message: 'Invalid cursor: not base64url' },
      );
      const invalidQuery = await call(running.baseUrl, '/limit');
      assert.deepEqual({ status: invalidQuery.status, code: invalidQuery.body.code }, { status: 400, code: 'INVALID_QUERY' });
      assert.match(String(invalidQuery.body.message), /^limit must be an integer/);
      assert.ok(!logs.lines.some((line) => Number(line.level) >= 50));
    });

    it('a malformed JSON body is a 400 "Malformed JSON body"', async () => {
      for (const text of ['{"a": 1,}', '{', 'nul\u0000l', '"\\ud800"x']) {
        const { status, body } = await call(running.baseUrl, '/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        assert.deepEqual({ status, code: body.code, message: body.message }, { status: 400, code: 'BAD_REQUEST', message: 'Malformed JSON body' }, text);
      }
    });
  });
}

/** Writes bytes as they are (fetch refuses a CR in a header) and returns everything the server sent. */
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

for (const name of ['express', 'fastify', 'hono']) {
  describe(`errors/${name}: requests the HTTP parser refuses`, function () {
    this.timeout(30_000);
    it('clientErrorHandler answers them in the standard JSON shape with a request id', async () => {
      const logs = captureLogs();
      const running = await frameworks[name]!();
      try {
        const cases: Array<[string, number]> = [
          ['GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Evil: a\rb\r\n\r\n', 400],
          [`GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
        ];
        for (const [request, status] of cases) {
          const raw = await rawExchange(running.baseUrl, request);
          assert.match(raw, new RegExp(`^HTTP/1.1 ${status} `), raw);
          const requestId = /\r\nX-Request-ID: ([0-9a-f-]{36})\r\n/.exec(raw)?.[1];
          const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
          assert.equal(body.requestId, requestId);
          assert.equal(typeof body.code, 'string');
        }
      } finally {
        await running.close();
        logs.restore();
      }
    });
  });
}

describe('errors/hono specifics: bodies', function () {
  this.timeout(30_000);
  let logs: CapturedLogs;
  let running: Running;
  before(async () => {
    running = await frameworks.hono!();
  });
  after(() => running.close());
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('a SyntaxError from parsing server-side data stays a 500', async () => {
    const { status, body } = await call(running.baseUrl, '/server-parse', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    });
    assert.deepEqual({ status, code: body.code }, { status: 500, code: 'INTERNAL' });
  });

  it('guardStream: a stream failing before its first chunk sends no internals; the log has them with the request id', async () => {
    // @hono/node-server reads ahead before writing the headers, so the failure becomes its own text/plain 500.
    const response = await fetch(`${running.baseUrl}/stream`);
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.ok(!text.includes(SECRET), text);
    const requestId = /^Error: Internal server error \(request ([0-9a-f-]{36})\)$/.exec(text)?.[1];
    assert.ok(requestId, text);
    const logged = logs.lines.find((line) => line.msg === 'response stream failed');
    assert.equal(logged?.requestId, requestId);
    assert.match(JSON.stringify(logged), /ENOENT/);
    // Why the guard exists: unguarded, @hono/node-server writes the raw message into the body.
    const unguarded = await fetch(`${running.baseUrl}/stream-unguarded`)
      .then((r) => r.text())
      .catch(() => '');
    assert.ok(unguarded === '' || unguarded.includes(SECRET), unguarded);
  });
});

describe('errors (core): repository input errors', () => {
  it('are recognised by shape, without importing the repository pattern', () => {
    const logs = captureLogs();
    try {
      const request = { method: 'GET', url: '/users?after=x', requestId: 'r' };
      const cursorError = new InvalidCursorError('not base64url');
      assert.deepEqual(errorResponse(cursorError, request).body, { code: 'INVALID_CURSOR', message: 'Invalid cursor: not base64url', requestId: 'r' });
      assert.equal(errorResponse(new InvalidQueryError('x'.repeat(1000)), request).body.message.length, 300, 'long messages are cut');
      // body-parser's wrapped zlib error: exposed, but its code and message are the library's.
      const gzip = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3, status: 400, statusCode: 400, expose: true });
      assert.deepEqual(errorResponse(gzip, request).body, { code: 'BAD_REQUEST', message: 'Bad request', requestId: 'r' });
      // A foreign error with a code but no `expose` stays a 500.
      const system = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', status: 400 });
      assert.equal(errorResponse(system, request).status, 500);
    } finally {
      logs.restore();
    }
  });
});
