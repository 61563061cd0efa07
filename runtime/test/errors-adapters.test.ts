// The Express and Fastify adapters' own recognition and fallbacks: which framework errors keep their status,
// which stay a 500, the configured request id header, and the answer when sending the response itself fails.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import express from 'express';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { notFound } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as fastifyErrors from '../src/errors/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const GENERIC_500 = { code: 'INTERNAL', message: 'Internal server error' };
const withStatus = (fields: Record<string, unknown>, make: () => Error = () => new Error('upstream internals')) => Object.assign(make(), fields);

let logs: CapturedLogs;
// Hooks inside a describe: at the top level they would be root hooks for every file of the run,
// each swapping the logger, so a test would read another file's capture.
describe('errors adapters (express, fastify)', () => {
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('errors/express adapter', function () {
    this.timeout(30_000);

    async function serve(configure: (app: express.Express) => void, options?: { requestIdHeader?: string }) {
      const app = express();
      configure(app);
      app.use(expressErrors.notFoundHandler());
      app.use(expressErrors.errorHandler(options));
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        async get(path: string, init?: RequestInit) {
          const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
          return { status: response.status, headers: response.headers, text: await response.text() };
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve(server.closeAllConnections()))),
      };
    }

    it('a 400 status is trusted only on the router’s URIError, not on any error that carries one', async () => {
      const running = await serve((app) => {
        app.get('/plain-400', () => {
          throw withStatus({ status: 400 });
        });
        app.get('/uri-500', () => {
          throw withStatus({ status: 500 }, () => new URIError('URI malformed'));
        });
        app.get('/uri-bare', () => {
          throw new URIError('URI malformed');
        });
      });
      try {
        for (const path of ['/plain-400', '/uri-500', '/uri-bare']) {
          const { status, text } = await running.get(path);
          assert.equal(status, 500, path);
          assert.deepEqual({ ...JSON.parse(text), requestId: undefined }, { ...GENERIC_500, requestId: undefined }, path);
        }
        const unknown = await running.get('/nowhere');
        assert.equal(JSON.parse(unknown.text).message, 'Route not found');
      } finally {
        await running.close();
      }
    });

    it('sets and fills the configured request id header', async () => {
      const running = await serve(() => {}, { requestIdHeader: 'X-Correlation-ID' });
      try {
        const { status, headers, text } = await running.get('/nowhere');
        assert.equal(status, 404);
        assert.match(headers.get('x-correlation-id') ?? '', UUID);
        assert.equal(JSON.parse(text).requestId, headers.get('x-correlation-id'));
        assert.equal(headers.get('x-request-id'), null);
      } finally {
        await running.close();
      }
    });

    it('when sending fails (a throwing etag setting), answers the generic 500 with the request id; HEAD without a body', async () => {
      const running = await serve((app) => {
        app.set('etag', () => {
          throw new Error('etag bug');
        });
      });
      try {
        const { status, headers, text } = await running.get('/nowhere');
        assert.equal(status, 500);
        assert.match(headers.get('content-type') ?? '', /^application\/json/);
        assert.deepEqual(JSON.parse(text), { ...GENERIC_500, requestId: headers.get('x-request-id') });
        const head = await running.get('/nowhere', { method: 'HEAD' });
        assert.deepEqual({ status: head.status, text: head.text }, { status: 500, text: '' });
      } finally {
        await running.close();
      }
    });

    it('refuses a request id header name it could never set, when created (it once answered every error with a 500)', () => {
      assert.throws(() => expressErrors.errorHandler({ requestIdHeader: 'Bad Header' }), TypeError);
    });
  });

  describe('errors/fastify adapter', () => {
    async function app(routes: Record<string, () => unknown>, options?: { requestIdHeader?: string }) {
      const fastify = Fastify({ logger: false });
      fastify.setErrorHandler(fastifyErrors.errorHandler(options));
      fastify.setNotFoundHandler(fastifyErrors.notFoundHandler(options));
      for (const [path, fail] of Object.entries(routes)) fastify.get(path, async () => fail());
      fastify.post('/echo', async (request) => request.body);
      fastify.get('/search', { schema: { querystring: { type: 'object', properties: { limit: { type: 'integer' } } } } }, async () => 'ok');
      await fastify.ready();
      return fastify;
    }

    it('trusts the status of Fastify’s own FST_ errors from 400 to 599 only; other coded errors are 500s', async () => {
      const fastify = await app({
        '/fst-599': () => {
          throw withStatus({ code: 'FST_ERR_SOMETHING', statusCode: 599 });
        },
        '/fst-string-status': () => {
          throw withStatus({ code: 'FST_ERR_SOMETHING', statusCode: '404' });
        },
        '/fst-302': () => {
          throw withStatus({ code: 'FST_ERR_SOMETHING', statusCode: 302 });
        },
        '/fst-600': () => {
          throw withStatus({ code: 'FST_ERR_SOMETHING', statusCode: 600 });
        },
        '/foreign-code': () => {
          throw withStatus({ code: 'ECONNREFUSED', statusCode: 404 });
        },
        '/numeric-code': () => {
          throw withStatus({ code: 404, statusCode: 404 });
        },
      });
      try {
        const fst599 = await fastify.inject('/fst-599');
        assert.deepEqual({ status: fst599.statusCode, code: fst599.json().code }, { status: 599, code: 'INTERNAL' });
        for (const path of ['/fst-string-status', '/fst-302', '/fst-600', '/foreign-code', '/numeric-code']) {
          const response = await fastify.inject(path);
          assert.equal(response.statusCode, 500, path);
          assert.deepEqual({ ...response.json<Record<string, unknown>>(), requestId: undefined }, { ...GENERIC_500, requestId: undefined }, path);
        }
        const unknown = await fastify.inject('/nowhere');
        assert.equal(unknown.json().message, 'Route not found');
        const unsupported = await fastify.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'text/weird' }, payload: 'x' });
        assert.equal(unsupported.json().message, 'Unsupported media type');
      } finally {
        await fastify.close();
      }
    });

    it('lists each validation issue with where it was found, and "is invalid" when the validator gave no message', async () => {
      const fastify = await app({
        '/bare-validation': () => {
          throw withStatus({ validation: [{}, { instancePath: '/name', message: 'must be string' }] });
        },
      });
      try {
        const query = await fastify.inject('/search?limit=many');
        assert.equal(query.statusCode, 400);
        assert.deepEqual(query.json().details, { issues: [{ path: 'querystring/limit', message: 'must be integer' }] });
        const bare = await fastify.inject('/bare-validation');
        assert.deepEqual(
          { status: bare.statusCode, code: bare.json().code, details: bare.json().details },
          {
            status: 400,
            code: 'VALIDATION',
            details: {
              issues: [
                { path: 'request', message: 'is invalid' },
                { path: 'request/name', message: 'must be string' },
              ],
            },
          },
        );
      } finally {
        await fastify.close();
      }
    });

    it('sets and fills the configured request id header', async () => {
      const fastify = await app({}, { requestIdHeader: 'X-Correlation-ID' });
      try {
        const response = await fastify.inject('/nowhere');
        assert.match(String(response.headers['x-correlation-id']), UUID);
        assert.equal(response.json().requestId, response.headers['x-correlation-id']);
        assert.equal(response.headers['x-request-id'], undefined);
      } finally {
        await fastify.close();
      }
    });

    describe('when the reply itself fails', () => {
      /** A reply whose methods fail as `fails` says; records what was finally sent. */
      function failingReply(fails: { send?: number; getHeader?: boolean }) {
        const state = { status: 0, type: '', body: undefined as unknown, headers: {} as Record<string, unknown>, destroyed: false, sends: 0 };
        const reply = {
          sent: false,
          raw: { destroy: () => void (state.destroyed = true) },
          getHeader: () => {
            if (fails.getHeader) throw new Error('getHeader broke');
            return undefined;
          },
          header: (name: string, value: unknown) => ((state.headers[name] = value), reply),
          headers: (values: Record<string, unknown>) => (Object.assign(state.headers, values), reply),
          status: (code: number) => ((state.status = code), reply),
          type: (type: string) => ((state.type = type), reply),
          send: (body: unknown) => {
            state.sends += 1;
            if (state.sends <= (fails.send ?? 0)) throw new Error('socket broke');
            state.body = body;
            return reply;
          },
        };
        return { reply: reply as unknown as FastifyReply, state };
      }
      const request = { method: 'GET', url: '/x' } as FastifyRequest;

      it('sends the generic 500 with the request id once the first send failed', () => {
        const { reply, state } = failingReply({ send: 1 });
        assert.doesNotThrow(() => fastifyErrors.errorHandler()(notFound(), request, reply));
        assert.deepEqual({ status: state.status, type: state.type }, { status: 500, type: 'application/json; charset=utf-8' });
        assert.deepEqual(JSON.parse(String(state.body)), { ...GENERIC_500, requestId: state.headers['X-Request-ID'] });
      });

      it('says "unknown" when no request id could be read, and destroys the socket when nothing can be sent', () => {
        const unread = failingReply({ getHeader: true });
        fastifyErrors.errorHandler()(notFound(), request, unread.reply);
        assert.deepEqual(JSON.parse(String(unread.state.body)), { ...GENERIC_500, requestId: 'unknown' });
        const broken = failingReply({ send: 2 });
        assert.equal(fastifyErrors.errorHandler()(notFound(), request, broken.reply), undefined);
        assert.equal(broken.state.destroyed, true);
      });
    });
  });
});
