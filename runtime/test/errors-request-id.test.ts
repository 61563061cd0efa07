// Support finds a failed request's log lines by the id its error body quotes: the response header must
// carry that same id, wherever it came from (the middleware's header, the log context, a fresh one).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { notFound } from '../src/errors.js';
import { withLogContext } from '../src/log.js';
import * as expressErrors from '../src/errors/express.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import * as honoErrors from '../src/errors/hono.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

/** Answers GET /fail with notFound(), running it inside a log context `{ requestId: contextId }` and with
 * `headerId` already on the response when given. Returns the response's header id and the body's id. */
type Exchange = (contextId: string, headerId?: string) => Promise<{ header: string | null; body: string }>;

const frameworks: Record<string, Exchange> = {
  async express(contextId, headerId) {
    const app = express();
    app.use((_req, res, next) => {
      if (headerId) res.setHeader('X-Request-ID', headerId);
      withLogContext({ requestId: contextId }, next);
    });
    app.get('/fail', () => {
      throw notFound();
    });
    app.use(expressErrors.errorHandler());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/fail`, { signal: AbortSignal.timeout(5000) });
      return { header: response.headers.get('x-request-id'), body: ((await response.json()) as { requestId: string }).requestId };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
  async fastify(contextId, headerId) {
    const app = Fastify({ logger: false });
    app.addHook('onRequest', (_request, reply, next) => {
      if (headerId) reply.header('X-Request-ID', headerId);
      withLogContext({ requestId: contextId }, () => next());
    });
    app.setErrorHandler(fastifyErrors.errorHandler());
    app.get('/fail', async () => {
      throw notFound();
    });
    try {
      const response = await app.inject('/fail');
      return { header: String(response.headers['x-request-id'] ?? null), body: response.json<{ requestId: string }>().requestId };
    } finally {
      await app.close();
    }
  },
  async hono(contextId, headerId) {
    const app = new Hono();
    app.use(async (c, next) => {
      if (headerId) c.header('X-Request-ID', headerId);
      await withLogContext({ requestId: contextId }, next);
    });
    app.get('/fail', () => {
      throw notFound();
    });
    app.onError(honoErrors.errorHandler());
    const response = await app.request('/fail');
    return { header: response.headers.get('x-request-id'), body: ((await response.json()) as { requestId: string }).requestId };
  },
};

for (const [name, exchange] of Object.entries(frameworks)) {
  describe(`errors/${name}: the response header repeats the body's request id`, function () {
    this.timeout(30_000);
    let logs: CapturedLogs;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it('when the id comes from the log context and no header carries it yet', async () => {
      assert.deepEqual(await exchange('ctx-1'), { header: 'ctx-1', body: 'ctx-1' });
    });

    it('when the log context and an earlier header disagree (the log lines carry the context’s)', async () => {
      assert.deepEqual(await exchange('ctx-2', 'stale-header'), { header: 'ctx-2', body: 'ctx-2' });
    });
  });
}
