// Request scopes for Express, Hono and Fastify, each on a real HTTP server on 127.0.0.1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request } from 'express';
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import Fastify, { type FastifyRequest } from 'fastify';
import { Container, token, type Scope } from '../src/container.js';
import * as expressScope from '../src/container/express.js';
import * as honoScope from '../src/container/hono.js';
import * as fastifyScope from '../src/container/fastify.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { gate, waitFor } from './fixtures/background-helpers.js';

interface RequestContext {
  readonly n: number;
}

/** One container per test: a scoped request context that records its disposal, and a shared singleton. */
function fixture() {
  const RequestCtx = token<RequestContext>('requestContext');
  const Shared = token<{ createdAt: number }>('shared');
  const disposed: number[] = [];
  const disposal = { fails: false };
  let created = 0;
  const container = new Container()
    .scoped(RequestCtx, () => ({ n: ++created }), {
      dispose: (ctx) => {
        disposed.push(ctx.n);
        if (disposal.fails) throw new Error(`disposing request ${ctx.n} failed`);
      },
    })
    .singleton(Shared, () => ({ createdAt: Date.now() }));
  const slowEntered = gate();
  const slowRelease = gate();
  /** The route logic, shared by the three frameworks. */
  const whoami = async (scope: Scope) => {
    const [a, b, shared] = await Promise.all([scope.resolve(RequestCtx), scope.resolve(RequestCtx), scope.resolve(Shared)]);
    return { n: a.n, sameWithinRequest: a === b, sharedCreatedAt: shared.createdAt };
  };
  const slowReturned = gate();
  const slow = async (scope: Scope) => {
    const ctx = await scope.resolve(RequestCtx);
    slowEntered.open();
    await slowRelease.opened;
    slowReturned.open();
    return { n: ctx.n };
  };
  return { container, disposed, disposal, whoami, slow, slowEntered, slowRelease, slowReturned };
}

type Fixture = ReturnType<typeof fixture>;

interface Running {
  baseUrl: string;
  close(): Promise<void>;
}

async function listening(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const frameworks: Record<string, { start(f: Fixture): Promise<Running>; scopeOfNothing(): void }> = {
  express: {
    async start(f) {
      const app = express();
      app.use(expressScope.requestScope(f.container));
      app.get('/whoami', async (req, res) => void res.json(await f.whoami(expressScope.scopeOf(req))));
      app.get('/slow', async (req, res) => void res.json(await f.slow(expressScope.scopeOf(req))));
      const server = app.listen(0, '127.0.0.1');
      return { baseUrl: await listening(server), close: () => closeServer(server) };
    },
    scopeOfNothing: () => expressScope.scopeOf({} as Request),
  },
  hono: {
    async start(f) {
      const app = new Hono();
      app.use(honoScope.requestScope(f.container));
      app.get('/whoami', async (c) => c.json(await f.whoami(honoScope.scopeOf(c))));
      app.get('/slow', async (c) => c.json(await f.slow(honoScope.scopeOf(c))));
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
      return { baseUrl: await listening(server), close: () => closeServer(server) };
    },
    scopeOfNothing: () => honoScope.scopeOf({} as Context),
  },
  fastify: {
    async start(f) {
      const app = Fastify();
      await app.register(fastifyScope.requestScope, { container: f.container });
      app.get('/whoami', async (request) => f.whoami(fastifyScope.scopeOf(request)));
      app.get('/slow', async (request) => f.slow(fastifyScope.scopeOf(request)));
      const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      return {
        baseUrl,
        close: async () => {
          app.server.closeAllConnections();
          await app.close();
        },
      };
    },
    scopeOfNothing: () => fastifyScope.scopeOf({} as FastifyRequest),
  },
};

describe('container request scopes', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  for (const [name, framework] of Object.entries(frameworks)) {
    describe(name, () => {
      let f: Fixture;
      let running: Running;
      beforeEach(async () => {
        f = fixture();
        running = await framework.start(f);
      });
      afterEach(async () => {
        f.slowRelease.open();
        await running.close();
        await f.container.dispose();
      });

      it('gives each request its own scope, shares singletons, and disposes the scope after the response', async () => {
        const first = (await (await fetch(`${running.baseUrl}/whoami`)).json()) as Awaited<ReturnType<Fixture['whoami']>>;
        const second = (await (await fetch(`${running.baseUrl}/whoami`)).json()) as Awaited<ReturnType<Fixture['whoami']>>;
        assert.equal(first.sameWithinRequest, true);
        assert.equal(second.sameWithinRequest, true);
        assert.notEqual(first.n, second.n);
        assert.equal(first.sharedCreatedAt, second.sharedCreatedAt);
        await waitFor(() => f.disposed.length === 2, 'both request scopes to be disposed');
        assert.deepEqual([...f.disposed].sort(), [first.n, second.n].sort());
      });

      it('disposes the scope when the client aborts before the response', async () => {
        const client = new AbortController();
        const request = fetch(`${running.baseUrl}/slow`, { signal: client.signal }).catch((error: unknown) => error);
        await f.slowEntered.opened;
        assert.deepEqual(f.disposed, []);
        client.abort();
        await waitFor(() => f.disposed.length === 1, 'the aborted request scope to be disposed');
        assert.equal(((await request) as Error).name, 'AbortError');
      });

      it('logs a scope whose disposal fails as an error, and the response is unaffected', async () => {
        f.disposal.fails = true;
        const response = await fetch(`${running.baseUrl}/whoami`);
        assert.equal(response.status, 200);
        await waitFor(() => logs.lines.some((line) => line.msg === 'request scope disposal failed'), 'the disposal failure to be logged');
        const line = logs.lines.find((l) => l.msg === 'request scope disposal failed')!;
        assert.equal(line.level, 50);
        assert.match(String((line.err as { message?: unknown }).message), /disposer\(s\) of the scope failed/);
      });

      it('logs a failed disposal once when the client aborts, though the handler goes on to answer', async () => {
        f.disposal.fails = true;
        const client = new AbortController();
        const request = fetch(`${running.baseUrl}/slow`, { signal: client.signal }).catch((error: unknown) => error);
        await f.slowEntered.opened;
        client.abort();
        await request;
        await waitFor(() => logs.lines.some((line) => line.msg === 'request scope disposal failed'), 'the aborted request scope disposal');
        f.slowRelease.open();
        await f.slowReturned.opened;
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        assert.equal(logs.lines.filter((line) => line.msg === 'request scope disposal failed').length, 1);
      });

      it('explains a missing requestScope instead of failing obscurely', () => {
        assert.throws(() => framework.scopeOfNothing(), /no request scope on this request: .*requestScope/);
      });
    });
  }

  it('fastify: refuses to register without a container, or with something else', async () => {
    for (const options of [{}, { container: {} }, { container: { createScope: 'no' } }]) {
      const app = Fastify();
      await assert.rejects(
        (async () => {
          await app.register(fastifyScope.requestScope, options as unknown as fastifyScope.RequestScopeOptions);
        })(),
        /requestScope needs \{ container \}/,
        JSON.stringify(options),
      );
      await app.close().catch(() => {});
    }
  });

  it('hono: a client leaving while the body still streams, after the handler returned, does not dispose the scope again', async () => {
    const f = fixture();
    f.disposal.fails = true; // a second disposal would log its failure a second time
    const clientLeft = gate();
    const app = new Hono();
    app.use(honoScope.requestScope(f.container));
    app.get('/stream', async (c) => {
      await f.whoami(honoScope.scopeOf(c));
      c.req.raw.signal.addEventListener('abort', () => clientLeft.open());
      return c.body(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('first chunk')) }));
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    try {
      const client = new AbortController();
      const response = await fetch(`${await listening(server)}/stream`, { signal: client.signal });
      await response.body!.getReader().read();
      await waitFor(() => logs.lines.some((line) => line.msg === 'request scope disposal failed'), 'the disposal when the handler returned');
      client.abort();
      await clientLeft.opened;
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(logs.lines.filter((line) => line.msg === 'request scope disposal failed').length, 1);
      assert.deepEqual(f.disposed, [1]);
    } finally {
      await closeServer(server);
      await f.container.dispose();
    }
  });

  it('fastify: a request answered by an earlier onRequest hook (no scope made) logs nothing when it ends', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (_request, reply) => reply.code(401).send({ error: 'unauthorized' }));
    await app.register(fastifyScope.requestScope, { container: new Container() });
    const ended = gate();
    app.addHook('onResponse', async () => ended.open());
    app.get('/whoami', async () => 'unreachable');
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      assert.equal((await fetch(`${baseUrl}/whoami`)).status, 401);
      await ended.opened;
      assert.deepEqual(
        logs.lines.filter((line) => (line.level as number) >= 50),
        [],
      );
    } finally {
      app.server.closeAllConnections();
      await app.close();
    }
  });

  it('fastify: registered without options, it explains that it needs a container', async () => {
    const app = Fastify();
    await assert.rejects(
      (async () => {
        await app.register(fastifyScope.requestScope as never);
      })(),
      /requestScope needs \{ container \}/,
    );
    await app.close().catch(() => {});
  });

  it('fastify: the plugin names itself in the app-wide plugin chain, as fastify-plugin would', async () => {
    const app = Fastify();
    await app.register(fastifyScope.requestScope, { container: new Container() });
    assert.match(app.pluginName, /-> bulwark-request-scope$/);
    await app.close();
  });
});
