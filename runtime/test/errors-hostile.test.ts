// The error handlers given values that broke them: each must still answer JSON with the request id and
// no internals, and never throw (Express would render its HTML page with the stack; Fastify its own body).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { once } from 'node:events';
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { AppError, badRequest } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as honoErrors from '../src/errors/hono.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const SECRET = 'hunter2-secret';
const trap = () => {
  throw new Error(`trap ${SECRET}`);
};
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

class ThrowingExpose extends AppError {
  override get expose(): boolean {
    throw new Error(`expose getter ${SECRET}`);
  }
}

/** Each hostile value, what it must answer, and whether the log must show the bug at error level. */
const hostile: Array<{ name: string; make: () => unknown; status: number; code: string; loggedAsError: boolean }> = [
  { name: 'bigint-details', make: () => badRequest('bad', { n: 10n }), status: 400, code: 'BAD_REQUEST', loggedAsError: true },
  { name: 'cyclic-details', make: () => badRequest('bad', cyclic), status: 400, code: 'BAD_REQUEST', loggedAsError: true },
  { name: 'throwing-tojson-details', make: () => badRequest('bad', { toJSON: trap }), status: 400, code: 'BAD_REQUEST', loggedAsError: true },
  {
    name: 'getter-details',
    make: () => badRequest('bad', Object.defineProperty({}, 'x', { get: trap, enumerable: true })),
    status: 400,
    code: 'BAD_REQUEST',
    loggedAsError: true,
  },
  {
    name: 'crlf-header',
    make: () => new AppError('RATE_LIMITED', 'slow down', { headers: { 'Retry-After': `1\r\nSet-Cookie: ${SECRET}` } }),
    status: 429,
    code: 'RATE_LIMITED',
    loggedAsError: true,
  },
  {
    name: 'bad-header-name',
    make: () => new AppError('RATE_LIMITED', 'slow down', { headers: { 'Bad Name:': '1' } }),
    status: 429,
    code: 'RATE_LIMITED',
    loggedAsError: true,
  },
  { name: 'string', make: () => `raw ${SECRET}`, status: 500, code: 'INTERNAL', loggedAsError: true },
  {
    name: 'object-with-throwing-getters',
    make: () => Object.defineProperties({}, { status: { get: trap, enumerable: true }, message: { get: trap, enumerable: true } }),
    status: 500,
    code: 'INTERNAL',
    loggedAsError: true,
  },
  {
    name: 'proxy',
    make: () => new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap }),
    status: 500,
    code: 'INTERNAL',
    loggedAsError: true,
  },
  {
    name: 'proxied-error',
    make: () => new Proxy(new Error(SECRET), { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap }),
    status: 500,
    code: 'INTERNAL',
    loggedAsError: true,
  },
  {
    name: 'error-with-throwing-getter',
    make: () => Object.defineProperty(new Error(SECRET), 'status', { get: trap, enumerable: true }),
    status: 500,
    code: 'INTERNAL',
    loggedAsError: true,
  },
  { name: 'app-error-throwing-expose', make: () => new ThrowingExpose('NOT_FOUND', 'x'), status: 500, code: 'INTERNAL', loggedAsError: true },
  { name: 'object', make: () => ({ password: SECRET }), status: 500, code: 'INTERNAL', loggedAsError: true },
];
// Express 5 treats a falsy value passed to next() as "no error"; thrown asynchronously it becomes an Error.
const falsy = [
  { name: 'null', value: null },
  { name: 'undefined', value: undefined },
  { name: 'zero', value: 0 },
];

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
    app.set('env', 'development'); // where Express's own handler renders the stack as HTML
    app.use(expressObservability());
    for (const { name, make } of hostile)
      app.get(`/${name}`, async () => {
        throw make();
      });
    for (const { name, value } of falsy)
      app.get(`/falsy-${name}`, async () => {
        throw value;
      });
    app.get('/headers-sent', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      throw new Error(SECRET);
    });
    app.use(expressErrors.notFoundHandler());
    app.use(expressErrors.errorHandler());
    const server = app.listen(0, '127.0.0.1');
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async hono() {
    const app = new Hono();
    app.use(honoErrors.errorBoundary());
    app.use(honoObservability());
    for (const { name, make } of hostile)
      app.get(`/${name}`, async () => {
        throw make();
      });
    for (const { name, value } of falsy)
      app.get(`/falsy-${name}`, async () => {
        throw value;
      });
    app.onError(honoErrors.errorHandler());
    app.notFound(honoErrors.notFoundHandler());
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    return { baseUrl: await listen(server), close: () => close(server) };
  },
  async fastify() {
    const app = Fastify({ logger: false });
    await app.register(fastifyObservability);
    app.setErrorHandler(fastifyErrors.errorHandler());
    app.setNotFoundHandler(fastifyErrors.notFoundHandler());
    for (const { name, make } of hostile)
      app.get(`/${name}`, async () => {
        throw make();
      });
    for (const { name, value } of falsy)
      app.get(`/falsy-${name}`, async () => {
        throw value;
      });
    app.get('/headers-sent', async (_request, reply) => {
      reply.raw.writeHead(200, { 'content-type': 'text/plain' });
      reply.raw.write('partial');
      throw new Error(SECRET);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },
};

function assertCleanJson(where: string, response: Response, text: string): Record<string, unknown> {
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${where}: ${text}`);
  assert.ok(!text.includes(SECRET) && !text.includes('    at ') && !/<html|<!DOCTYPE/i.test(text), `${where} leaked: ${text}`);
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.equal(body.requestId, response.headers.get('x-request-id'), `${where}: the body carries the request id`);
  return body;
}

for (const [name, start] of Object.entries(frameworks)) {
  describe(`errors/${name} never throws on hostile values`, function () {
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

    for (const { name: route, status, code, loggedAsError } of hostile) {
      it(`${route}: ${status} ${code}, JSON with the request id, nothing leaked`, async () => {
        const response = await fetch(`${running.baseUrl}/${route}`);
        const body = assertCleanJson(route, response, await response.text());
        assert.equal(response.status, status);
        assert.equal(body.code, code);
        assert.equal(body.details, undefined);
        assert.equal(response.headers.get('set-cookie'), null);
        if (status === 429) assert.equal(response.headers.get('retry-after'), null);
        if (loggedAsError)
          assert.ok(
            logs.lines.some((line) => line.level === 50 && line.requestId === body.requestId),
            'the bug is logged at error level',
          );
      });
    }

    for (const { name: falsyName } of falsy) {
      it(`a thrown ${falsyName} is answered with JSON and the request id`, async () => {
        const response = await fetch(`${running.baseUrl}/falsy-${falsyName}`);
        const body = assertCleanJson(falsyName, response, await response.text());
        assert.ok(response.status === 500 || response.status === 404, String(response.status));
        assert.equal(typeof body.code, 'string');
      });
    }

    if (name !== 'hono') {
      it('a failure after the headers went out closes the connection and logs once with the request id, no HTML', async () => {
        // Closing may come before the client even parsed the status line; either way no HTML follows.
        const text = await fetch(`${running.baseUrl}/headers-sent`)
          .then((response) => response.text())
          .catch(() => '(connection closed)');
        assert.ok(!/<html|<!DOCTYPE|    at /i.test(text) && !text.includes(SECRET), text);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const logged = logs.lines.filter((line) => line.level === 50 && JSON.stringify(line).includes(SECRET));
        assert.equal(logged.length, 1, JSON.stringify(logs.lines));
        const completed = logs.lines.find((line) => line.msg === 'request completed' || line.msg === 'request aborted');
        assert.equal(logged[0]?.requestId, completed?.requestId, 'logged with the id of the request');
      });
    }
  });
}
