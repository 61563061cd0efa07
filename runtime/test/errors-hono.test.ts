// errors/hono's own recognition and fallbacks: HTTPException, unreadable bodies, where the request id comes
// from, errorBoundary, and guardStream. In-process through app.request(): no socket needed.
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId as honoRequestId } from 'hono/request-id';
import { withLogContext } from '../src/log.js';
import * as honoErrors from '../src/errors/hono.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const GENERIC_500 = { code: 'INTERNAL', message: 'Internal server error' };

let logs: CapturedLogs;
// Hooks inside a describe: at the top level they would be root hooks for every file of the run,
// each swapping the logger, so a test would read another file's capture.
describe('errors/hono', () => {
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('errors/hono adapter', () => {
    function app(configure: (app: Hono) => void, options?: { requestIdHeader?: string }) {
      const hono = new Hono();
      configure(hono);
      hono.onError(honoErrors.errorHandler(options));
      hono.notFound(honoErrors.notFoundHandler(options));
      return hono;
    }
    const json = async (response: Response) => ({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    });

    it('maps an HTTPException by its status: 4xx messages sent, 5xx hidden, anything else a 500', async () => {
      const hono = app((h) => {
        h.get('/400', () => {
          throw new HTTPException(400, { message: 'Missing name' });
        });
        h.get('/401-empty', () => {
          throw new HTTPException(401);
        });
        h.get('/503', () => {
          throw new HTTPException(503, { message: 'pool db-3 exhausted' });
        });
        h.get('/599', () => {
          throw new HTTPException(599 as never);
        });
        h.get('/302', () => {
          throw new HTTPException(302 as never, { message: 'moved to /internal/admin' });
        });
        h.get('/prepared', () => {
          const res = new Response('plain text body', { headers: { 'content-type': 'text/plain', 'content-length': '15', 'x-hint': 'kept' } });
          throw new HTTPException(403, { res });
        });
      });
      const cases: Array<[string, number, string, string]> = [
        ['/400', 400, 'BAD_REQUEST', 'Missing name'],
        ['/401-empty', 401, 'UNAUTHORIZED', 'Authentication required'],
        ['/503', 503, 'SERVICE_UNAVAILABLE', 'Service unavailable'],
        ['/599', 599, 'INTERNAL', 'Internal server error'],
        ['/302', 500, 'INTERNAL', 'Internal server error'],
      ];
      for (const [path, status, code, message] of cases) {
        const response = await json(await hono.request(path));
        assert.deepEqual({ status: response.status, code: response.body.code, message: response.body.message }, { status, code, message }, path);
      }
      const prepared = await json(await hono.request('/prepared'));
      assert.equal(prepared.status, 403);
      assert.equal(prepared.headers.get('x-hint'), 'kept');
      assert.equal(prepared.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.notEqual(prepared.headers.get('content-length'), '15', 'the replaced body’s length is not kept');
      assert.equal(prepared.body.code, 'FORBIDDEN');
    });

    it('errorBoundary: a thrown non-Error value is a generic 500, and the log says what was thrown', async () => {
      const hono = app((h) => {
        h.use(honoErrors.errorBoundary());
        h.get('/string', () => {
          throw 'raw string thrown';
        });
      });
      const response = await json(await hono.request('/string'));
      assert.deepEqual({ status: response.status, code: response.body.code }, { status: 500, code: 'INTERNAL' });
      const line = logs.lines.find((l) => l.msg === 'unhandled error');
      assert.equal((line?.err as { message?: string }).message, 'A non-Error value was thrown: string: raw string thrown');
    });

    it('a body that could not be read is a 400; JSON parsed from text already read is "Malformed JSON body"', async () => {
      const hono = app((h) => {
        h.post('/form', async (c) => c.json(Object.fromEntries(await c.req.formData())));
        h.post('/form-handled-then-crash', async (c) => {
          const form = await c.req.formData().catch(() => undefined);
          throw new Error(`db down while saving ${String(form)}`);
        });
        h.post('/text-then-server-parse', async (c) => {
          await c.req.text();
          return c.json(JSON.parse('{corrupt cache entry'));
        });
        h.post('/text-then-json', async (c) => {
          await c.req.text();
          return c.json(await c.req.json());
        });
      });
      const form = await json(
        await hono.request('/form', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'not multipart' }),
      );
      assert.deepEqual(
        { status: form.status, code: form.body.code, message: form.body.message },
        { status: 400, code: 'BAD_REQUEST', message: 'Malformed request body' },
      );
      const text = await json(await hono.request('/text-then-json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' }));
      assert.deepEqual({ status: text.status, message: text.body.message }, { status: 400, message: 'Malformed JSON body' });
      assert.ok(!logs.lines.some((line) => Number(line.level) >= 50), 'client input is not logged as an error');
      const serverBug = await hono.request('/text-then-server-parse', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      assert.equal(serverBug.status, 500, 'a server-side parse failure stays a 500, even when the client’s body is malformed too');
      const handled = await hono.request('/form-handled-then-crash', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body: 'not multipart',
      });
      assert.equal(handled.status, 500, 'a body read the handler failed and handled does not make a later server error a 400');
    });

    it("takes the request id from Hono's requestId middleware, else the log context, and sets the configured header", async () => {
      const fromVar = await json(await app((h) => h.use(honoRequestId({ headerName: '', generator: () => 'from-c-var' }))).request('/nowhere'));
      assert.equal(fromVar.body.requestId, 'from-c-var');
      assert.equal(fromVar.headers.get('x-request-id'), 'from-c-var');
      const fromContext = await json(await app((h) => h.use((_c, next) => withLogContext({ requestId: 'ctx-7' }, next))).request('/nowhere'));
      assert.deepEqual([fromContext.body.requestId, fromContext.headers.get('x-request-id')], ['ctx-7', 'ctx-7']);
      const custom = await json(await app(() => {}, { requestIdHeader: 'X-Correlation-ID' }).request('/nowhere'));
      assert.match(custom.headers.get('x-correlation-id') ?? '', UUID);
      assert.equal(custom.body.requestId, custom.headers.get('x-correlation-id'));
      assert.equal(custom.body.message, 'Route not found');
    });

    it('refuses a request id header name it could never read, when created (it once answered every error with a 500)', () => {
      assert.throws(() => app(() => {}, { requestIdHeader: 'Bad Header' }), TypeError);
    });

    describe('guardStream', () => {
      it('passes a healthy stream through chunk by chunk, and a cancel reaches the source', async () => {
        let cancelled: unknown;
        const source = () =>
          new ReadableStream<string>({
            start(controller) {
              controller.enqueue('a');
              controller.enqueue('b');
              controller.close();
            },
          });
        const endless = new ReadableStream<string>({
          pull(controller) {
            controller.enqueue('tick');
          },
          cancel(reason) {
            cancelled = reason;
          },
        });
        const hono = app((h) => {
          h.get('/ok', (c) => c.body(honoErrors.guardStream(c, source().pipeThrough(new TextEncoderStream()))));
          h.get('/endless', (c) => c.body(honoErrors.guardStream(c, endless)));
        });
        assert.equal(await (await hono.request('/ok')).text(), 'ab');
        const reader = (await hono.request('/endless')).body!.getReader();
        assert.equal((await reader.read()).value, 'tick');
        await reader.cancel('client left');
        assert.equal(cancelled, 'client left');
      });

      it('outside any log context, quotes the request id header set earlier (the default header or the configured one)', async () => {
        const failing = () =>
          new ReadableStream({
            pull() {
              throw new Error('EIO');
            },
          });
        const hono = app((h) => {
          h.use(async (c, next) => {
            c.header('X-Request-ID', 'hdr-9');
            c.header('X-Trace', 'trace-3');
            await next();
          });
          h.get('/default', (c) => c.body(honoErrors.guardStream(c, failing())));
          h.get('/configured', (c) => c.body(honoErrors.guardStream(c, failing(), { requestIdHeader: 'X-Trace' })));
        });
        const failure = async (path: string) => (await hono.request(path)).text().catch((error: Error) => error.message);
        assert.equal(await failure('/default'), 'Internal server error (request hdr-9)');
        assert.equal(await failure('/configured'), 'Internal server error (request trace-3)');
      });

      it('logs an Error as `err`, and a value whose inspection throws as a description', async () => {
        const failing = (reason: unknown) =>
          new ReadableStream({
            pull() {
              throw reason;
            },
          });
        const hostile = new Proxy(
          {},
          {
            getPrototypeOf() {
              throw new Error('trap');
            },
          },
        );
        const hono = app((h) => {
          h.get('/error', (c) => c.body(honoErrors.guardStream(c, failing(new Error('EIO: disk gone')))));
          h.get('/hostile', (c) => c.body(honoErrors.guardStream(c, failing(hostile))));
        });
        for (const path of ['/error', '/hostile']) await (await hono.request(path)).text().catch(() => undefined);
        const lines = logs.lines.filter((l) => l.msg === 'response stream failed');
        assert.deepEqual(
          lines.map((l) => [l.path, (l.err as { message?: string } | undefined)?.message, l.thrown]),
          [
            ['/error', 'EIO: disk gone', undefined],
            ['/hostile', undefined, 'an uninspectable object'],
          ],
        );
      });

      it('logs a failure that is not an Error as a description, with the request id, and sends only the generic error', async () => {
        const hono = app((h) => {
          h.use((_c, next) => withLogContext({ requestId: 'stream-1' }, next));
          h.get('/fails', (c) =>
            c.body(
              honoErrors.guardStream(
                c,
                new ReadableStream({
                  pull() {
                    throw 'disk /dev/sda1 gone';
                  },
                }),
              ),
            ),
          );
        });
        const failure = await (await hono.request('/fails')).text().catch((error: Error) => error.message);
        assert.equal(failure, 'Internal server error (request stream-1)');
        const line = logs.lines.find((l) => l.msg === 'response stream failed');
        assert.deepEqual(
          { level: line?.level, thrown: line?.thrown, requestId: line?.requestId, path: line?.path },
          { level: 50, thrown: 'string: disk /dev/sda1 gone', requestId: 'stream-1', path: '/fails' },
        );
      });
    });
  });
});
