// A bad `requestIdHeader` option is refused when the middleware is created (Fastify: when the
// plugin is registered), not on every request when the response header is set.
import assert from 'node:assert/strict';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { requestIdHeaderOf } from '../src/middleware.js';
import { requestObservability as expressObservability } from '../src/middleware/express.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const BAD_NAMES: readonly unknown[] = ['Bad Header', 'X-Id\r\nSet-Cookie: a=1', '', 'X-Id:', 42];
const MESSAGE = /requestIdHeader must be an HTTP header name/;

describe('middleware: the requestIdHeader option', () => {
  let logs: CapturedLogs;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('express and hono refuse a bad name when created', () => {
    for (const bad of BAD_NAMES) {
      assert.throws(() => expressObservability({ requestIdHeader: bad as string }), { name: 'TypeError', message: MESSAGE });
      assert.throws(() => honoObservability({ requestIdHeader: bad as string }), { name: 'TypeError', message: MESSAGE });
    }
    assert.equal(requestIdHeaderOf({}), 'X-Request-ID');
  });

  it('fastify: register() rejects a bad name', async () => {
    const app = Fastify();
    await assert.rejects(
      async () => {
        await app.register(fastifyObservability, { requestIdHeader: 'Bad Header' });
        await app.ready();
      },
      { name: 'TypeError', message: MESSAGE },
    );
    await app.close();
  });

  it('a custom name is read from the request and echoed in every framework', async () => {
    const incoming = 'trace-0123456789';
    const expressApp = express()
      .use(expressObservability({ requestIdHeader: 'X-Trace-Id' }))
      .get('/', (_req, res) => void res.send('ok'));
    const server = expressApp.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'X-Trace-Id': incoming } });
      assert.equal(response.headers.get('x-trace-id'), incoming);
    } finally {
      server.close();
    }
    const hono = new Hono().use(honoObservability({ requestIdHeader: 'X-Trace-Id' })).get('/', (c) => c.text('ok'));
    assert.equal((await hono.request('/', { headers: { 'X-Trace-Id': incoming } })).headers.get('x-trace-id'), incoming);
    const fastify = Fastify();
    await fastify.register(fastifyObservability, { requestIdHeader: 'X-Trace-Id' });
    fastify.get('/', async () => 'ok');
    const reply = await fastify.inject({ url: '/', headers: { 'X-Trace-Id': incoming } });
    assert.equal(reply.headers['x-trace-id'], incoming);
    await fastify.close();
  });
});
