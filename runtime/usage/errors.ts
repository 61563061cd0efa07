// Usage examples for the errors pattern (snippets bw-app-error, bw-errors-express, bw-errors-hono,
// bw-errors-fastify): throw AppErrors anywhere, render them with one handler per framework.
import express from 'express';
import { Hono } from 'hono';
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

export function honoApp(orders: ReadonlyMap<string, Order>): Hono {
  const app = new Hono();
  const { errorHandler, notFoundHandler, errorBoundary } = honoErrors;
  // @snippet bw-errors-hono JSON error responses for Hono
  app.use(errorBoundary());
  app.onError(errorHandler());
  app.notFound(notFoundHandler());
  // @end
  app.get('/orders/:id', async (c) => c.json(await loadOrder(orders, c.req.param('id'))));
  return app;
}

export function fastifyApp(orders: ReadonlyMap<string, Order>): FastifyInstance {
  const { errorHandler, notFoundHandler } = fastifyErrors;
  // @snippet bw-errors-fastify JSON error responses for Fastify 5 (before routes; frameworkErrors covers malformed URLs)
  const app = Fastify({ frameworkErrors: errorHandler() });
  app.setErrorHandler(errorHandler());
  app.setNotFoundHandler(notFoundHandler());
  // @end
  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => loadOrder(orders, request.params.id));
  return app;
}
