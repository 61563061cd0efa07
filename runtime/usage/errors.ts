// Usage examples for the errors pattern (snippets bw-app-error, bw-errors-express, bw-errors-hono,
// bw-errors-fastify): throw AppErrors anywhere, render them with one handler per framework.
import type { Server } from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import Fastify, { type FastifyInstance } from 'fastify';
import { notFound } from '../src/errors.js';
import * as expressErrors from '../src/errors/express.js';
import * as honoErrors from '../src/errors/hono.js';
import * as fastifyErrors from '../src/errors/fastify.js';

export interface Order {
  id: string;
  total: number;
}

export async function loadOrder(orders: ReadonlyMap<string, Order>, id: string): Promise<Order> {
  const order = orders.get(id);
  // @snippet bw-app-error Throw a 404 AppError; the framework error handler renders it as JSON
  if (/*${1}*/order/*$*/ === undefined) throw notFound(/*${2}*/'Order'/*$*/, /*${3}*/id/*$*/);
  // @end
  return order;
}

export function expressApp(orders: ReadonlyMap<string, Order>): express.Express {
  const app = express();
  app.use(express.json());
  app.get('/orders/:id', async (req, res) => { res.json(await loadOrder(orders, req.params.id)); });
  const { errorHandler, notFoundHandler } = expressErrors;
  // @snippet bw-errors-express JSON error responses for Express 5 (after all routes)
  app.use(notFoundHandler());
  app.use(errorHandler());
  // @end
  return app;
}

/** Listens on a free loopback port unless told otherwise. */
export function listenExpress(app: express.Express, port = 0): Server {
  const { clientErrorHandler } = expressErrors;
  // @snippet bw-errors-express-server The same JSON error body for requests Node's HTTP parser refuses (Express)
  const server = app.listen(/*${1}*/port/*$*/, '127.0.0.1');
  server.on('clientError', clientErrorHandler());
  // @end
  return server;
}

export function honoApp(orders: ReadonlyMap<string, Order>): Hono {
  const app = new Hono();
  const { errorHandler, notFoundHandler, errorBoundary } = honoErrors;
  // @snippet bw-errors-hono JSON error responses for Hono
  app.use(errorBoundary());
  app.onError(errorHandler());
  app.notFound(notFoundHandler());
  // @end
  app.get('/orders/:id', async (c) => c.json(await loadOrder(orders, c.req.param('id'))));
  const { guardStream } = honoErrors;
  app.get('/orders/:id/export', async (c) => {
    const order = await loadOrder(orders, c.req.param('id'));
    // @snippet bw-errors-hono-stream Stream a response body whose failure must not leak its message (Hono)
    return c.body(guardStream(c, /*${1}*/exportLines(order)/*$*/));
    // @end
  });
  return app;
}

/** Serves the app with @hono/node-server on a free loopback port unless told otherwise. */
export function serveHono(app: Hono, port = 0): Server {
  const { clientErrorHandler } = honoErrors;
  // @snippet bw-errors-hono-server The same JSON error body for requests Node's HTTP parser refuses (Hono on Node)
  const server = serve({ fetch: app.fetch, port: /*${1}*/port/*$*/, hostname: '127.0.0.1' }) as Server;
  server.on('clientError', clientErrorHandler());
  // @end
  return server;
}

/** One CSV line per field; a total above 1000 fails mid-export, standing in for a failing source. */
export function exportLines(order: Order): ReadableStream<Uint8Array> {
  const lines = [`id,${order.id}\n`, `total,${order.total}\n`];
  return new ReadableStream({
    pull(controller) {
      if (order.total > 1000) throw new Error(`export failed reading /srv/exports/${order.id}.csv`);
      const line = lines.shift();
      if (line === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(line));
    },
  });
}

export function fastifyApp(orders: ReadonlyMap<string, Order>): FastifyInstance {
  const { errorHandler, notFoundHandler, clientErrorHandler } = fastifyErrors;
  // @snippet bw-errors-fastify JSON error responses for Fastify 5 (before routes; frameworkErrors and clientErrorHandler cover malformed URLs and requests)
  const app = Fastify({ frameworkErrors: errorHandler(), clientErrorHandler: clientErrorHandler() });
  app.setErrorHandler(errorHandler());
  app.setNotFoundHandler(notFoundHandler());
  // @end
  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => loadOrder(orders, request.params.id));
  return app;
}
