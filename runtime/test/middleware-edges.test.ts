// The request log line at its edges: levels by status, aborted durations, targets that are not plain paths,
// requests a framework answers before its first hook, and a Hono handler throwing a non-Error value.
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { pathWithoutQuery, startRequest } from '../src/middleware.js';
import { requestObservability as fastifyObservability } from '../src/middleware/fastify.js';
import { requestObservability as honoObservability } from '../src/middleware/hono.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import * as honoErrors from '../src/errors/hono.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

let logs: CapturedLogs;
// Hooks inside a describe: at the top level they would be root hooks for every file of the run,
// each swapping the logger, so a test would read another file's capture.
describe('middleware edges', () => {
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());
  const requestLines = () => logs.lines.filter((line) => line.msg === 'request completed' || line.msg === 'request aborted');

  describe('middleware core: edges', () => {
    it('logs up to 499 at info and from 500 at error, both as "request completed"', () => {
      for (const status of [200, 302, 404, 499, 500, 503]) startRequest({ method: 'GET', url: '/', incomingRequestId: `s-${status}` }).finish(status);
      assert.deepEqual(
        requestLines().map((line) => [line.status, line.level, line.msg]),
        [200, 302, 404, 499, 500, 503].map((status) => [status, status >= 500 ? 50 : 30, 'request completed']),
      );
    });

    it('an aborted request logs the time elapsed until the abort', () => {
      let now = 5000;
      const tracker = startRequest({ method: 'GET', url: '/', incomingRequestId: 'a-1' }, { now: () => now });
      now += 42.04;
      tracker.abort();
      assert.equal(requestLines()[0]?.durationMs, 42);
    });

    it('each timing header can be turned off', () => {
      const tracker = startRequest({ method: 'GET', url: '/', incomingRequestId: undefined }, { now: () => 0, responseTime: false });
      assert.deepEqual(tracker.timingHeaders(), [['Server-Timing', 'total;dur=0']]);
      const none = startRequest({ method: 'GET', url: '/', incomingRequestId: undefined }, { serverTiming: false, responseTime: false });
      assert.deepEqual(none.timingHeaders(), []);
    });

    it('reduces only an absolute-form target (scheme://authority) to its path; anything else is logged as it is', () => {
      assert.equal(pathWithoutQuery('HTTPS://Example.com/a/b?x=1'), '/a/b');
      assert.equal(pathWithoutQuery('urn:a/http://b/c'), 'urn:a/http://b/c');
      assert.equal(pathWithoutQuery('mailto:x'), 'mailto:x');
      assert.equal(pathWithoutQuery('http://[bad/path'), 'http://[bad/path', 'an unparsable absolute target is kept');
    });
  });

  describe('middleware/fastify: edges', () => {
    it('requests Fastify answers before onRequest (a malformed URL) are still answered normally', async () => {
      const handler = fastifyErrors.errorHandler();
      const app = Fastify({ logger: false, frameworkErrors: handler });
      await app.register(fastifyObservability);
      app.setErrorHandler(handler);
      app.get('/items/:id', async () => 'ok');
      try {
        const response = await app.inject('/items/%ZZ');
        assert.deepEqual({ status: response.statusCode, code: response.json().code }, { status: 400, code: 'BAD_REQUEST' });
      } finally {
        await app.close();
      }
    });

    it('a request answered by an earlier onRequest hook (it never reached this plugin’s) is answered untouched', async () => {
      const fastifyErrorLines: string[] = [];
      const stream = { write: (line: string) => void fastifyErrorLines.push(line) };
      const app = Fastify({ logger: { level: 'error', stream } });
      app.addHook('onRequest', async (_request, reply) => reply.code(429).send({ limited: true }));
      await app.register(fastifyObservability);
      app.get('/x', async () => 'ok');
      try {
        const response = await app.inject('/x');
        assert.deepEqual({ status: response.statusCode, body: response.json() }, { status: 429, body: { limited: true } });
        assert.equal(response.headers['server-timing'], undefined);
        assert.deepEqual(fastifyErrorLines, [], 'none of its hooks failed on the missing tracker');
      } finally {
        await app.close();
      }
    });

    it('a client leaving during an earlier onRequest hook (before this plugin’s) fails none of its hooks', async () => {
      const fastifyErrorLines: string[] = [];
      const stream = { write: (line: string) => void fastifyErrorLines.push(line) };
      const app = Fastify({ logger: { level: 'error', stream } });
      let entered!: () => void;
      const inHook = new Promise<void>((resolve) => (entered = resolve));
      let aborted!: () => void;
      const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
      app.addHook('onRequest', async () => {
        entered();
        await abortSeen;
      });
      app.addHook('onRequestAbort', async (_request) => aborted());
      await app.register(fastifyObservability);
      app.get('/x', async () => 'ok');
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const controller = new AbortController();
        const pending = fetch(`${base}/x`, { signal: controller.signal }).catch(() => undefined);
        await inHook;
        controller.abort();
        await pending;
        await abortSeen;
        // Fastify runs the remaining onRequestAbort hooks (this plugin's) after the one above.
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(fastifyErrorLines, []);
      } finally {
        await app.close();
      }
    });

    it('registers under its own name (Fastify names the plugin chain in warnings and `pluginName`)', async () => {
      const app = Fastify({ logger: false });
      await app.register(fastifyObservability);
      await app.ready();
      try {
        assert.match(app.pluginName, /bulwark-request-observability/);
      } finally {
        await app.close();
      }
    });
  });

  describe('middleware/hono: edges', () => {
    it('a request whose client was already gone when it started is logged as aborted', async () => {
      const app = new Hono();
      app.use(honoObservability());
      app.get('/x', (c) => c.text('late'));
      const controller = new AbortController();
      controller.abort();
      await app.request(new Request('http://localhost/x', { headers: { 'x-request-id': 'gone-early' }, signal: controller.signal }));
      assert.deepEqual(
        requestLines().map((line) => [line.requestId, line.msg]),
        [['gone-early', 'request aborted']],
      );
    });

    it('exposes the id to handlers as c.var.requestId, as Hono’s own requestId middleware does', async () => {
      const app = new Hono<{ Variables: { requestId: string } }>();
      app.use(honoObservability());
      app.get('/x', (c) => c.text(c.var.requestId));
      assert.equal(await (await app.request('/x', { headers: { 'x-request-id': 'var-1' } })).text(), 'var-1');
    });

    it('a thrown non-Error value (turned into a 500 by errorBoundary) gets its one log line, at error, and the body its id', async () => {
      const app = new Hono();
      app.use(honoErrors.errorBoundary());
      app.use(honoObservability());
      app.get('/x', () => {
        throw 'raw string';
      });
      app.onError(honoErrors.errorHandler());
      const response = await app.request('/x', { headers: { 'x-request-id': 'str-1' } });
      assert.equal(response.status, 500);
      assert.equal(((await response.json()) as { requestId?: string }).requestId, 'str-1', 'the body quotes the id of the log lines');
      assert.equal(response.headers.get('x-request-id'), 'str-1');
      assert.deepEqual(
        requestLines().map((line) => [line.requestId, line.status, line.level]),
        [['str-1', 500, 50]],
      );
    });
  });
});
