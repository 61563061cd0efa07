// Usage examples for the middleware pattern (snippets bw-request-id, bw-request-id-hono,
// bw-request-id-fastify): request id, timing headers and one log line per request, mounted first.
import express from 'express';
import { Hono } from 'hono';
import Fastify, { type FastifyInstance } from 'fastify';
import { logger } from '../src/log.js';
import * as expressMiddleware from '../src/middleware/express.js';
import * as honoMiddleware from '../src/middleware/hono.js';
import * as fastifyMiddleware from '../src/middleware/fastify.js';

export function expressApp(): express.Express {
  const app = express();
  const { requestObservability } = expressMiddleware;
  // @snippet bw-request-id Express: X-Request-ID (validated), Server-Timing, request log context and one log line per request
  app.use(requestObservability({ trustIncomingId: /*${1|true,false}*/true/*$*/ }));
  // @end
  app.get('/orders/:id', (req, res) => {
    logger.info({ orderId: req.params.id }, 'loading order'); // carries requestId
    res.json({ id: req.params.id });
  });
  return app;
}

export function honoApp(): Hono {
  const app = new Hono();
  const { requestObservability } = honoMiddleware;
  // @snippet bw-request-id-hono Hono: X-Request-ID (validated), Server-Timing, request log context and one log line per request
  app.use(requestObservability({ trustIncomingId: /*${1|true,false}*/true/*$*/ }));
  // @end
  app.get('/orders/:id', (c) => {
    logger.info({ orderId: c.req.param('id') }, 'loading order');
    return c.json({ id: c.req.param('id') });
  });
  return app;
}

export async function fastifyApp(): Promise<FastifyInstance> {
  const app = Fastify();
  const { requestObservability } = fastifyMiddleware;
  // @snippet bw-request-id-fastify Fastify: X-Request-ID (validated), Server-Timing, request log context and one log line per request
  await app.register(requestObservability, { trustIncomingId: /*${1|true,false}*/true/*$*/ });
  // @end
  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
    logger.info({ orderId: request.params.id }, 'loading order');
    return { id: request.params.id };
  });
  return app;
}
