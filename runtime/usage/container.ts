// Usage examples for the container pattern (snippets bw-container, bw-container-express,
// bw-container-hono, bw-container-fastify): typed tokens, lifetimes, and one scope per request.
import express from 'express';
import { Hono } from 'hono';
import Fastify, { type FastifyInstance } from 'fastify';
import { PGlite } from '@electric-sql/pglite';
import { Container, token } from '../src/container.js';
import * as expressScope from '../src/container/express.js';
import * as honoScope from '../src/container/hono.js';
import * as fastifyScope from '../src/container/fastify.js';

/** What a request needs: a database (shared) and a per-request unit of work. */
export interface Database {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  close(): Promise<void>;
}

export class UserService {
  constructor(
    private readonly db: Database,
    readonly requestId: string,
  ) {}
  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>('select count(*)::int as count from users');
    return rows[0]?.count ?? 0;
  }
}

export const Db = token<Database>('db');
export const Users = token<UserService>('users');

export function createContainer(openDatabase: () => Promise<Database> = openPglite): Container {
  // @snippet bw-container Container with typed tokens: a singleton pool disposed at shutdown, a scoped service
  const container = new Container()
    .singleton(/*${1}*/Db/*$*/, /*${2}*/openDatabase/*$*/, { dispose: (db) => db.close() })
    .scoped(/*${3}*/Users/*$*/, async (scope) => new UserService(await scope.resolve(Db), crypto.randomUUID()));
  /*$0*/
  // @end
  return container;
}

async function openPglite(): Promise<Database> {
  const db = new PGlite();
  await db.query('create table if not exists users (id serial primary key)');
  return db;
}

export function expressApp(container: Container): express.Express {
  const app = express();
  const { requestScope, scopeOf } = expressScope;
  // @snippet bw-container-express One container scope per Express request, disposed when the response ends
  app.use(requestScope(/*${1}*/container/*$*/));
  app.get(/*${2}*/'/users/count'/*$*/, async (req, res) => {
    const users = await scopeOf(req).resolve(/*${3}*/Users/*$*/);
    res.json({ count: await users.count() });
  });
  // @end
  return app;
}

export function honoApp(container: Container): Hono {
  const app = new Hono();
  const { requestScope, scopeOf } = honoScope;
  // @snippet bw-container-hono One container scope per Hono request, disposed after the handler
  app.use(requestScope(/*${1}*/container/*$*/));
  app.get(/*${2}*/'/users/count'/*$*/, async (c) => {
    const users = await scopeOf(c).resolve(/*${3}*/Users/*$*/);
    return c.json({ count: await users.count() });
  });
  // @end
  return app;
}

export async function fastifyApp(container: Container): Promise<FastifyInstance> {
  const app = Fastify();
  const { requestScope, scopeOf } = fastifyScope;
  // @snippet bw-container-fastify One container scope per Fastify request, disposed after the response
  await app.register(requestScope, { container: /*${1}*/container/*$*/ });
  app.get(/*${2}*/'/users/count'/*$*/, async (request) => {
    const users = await scopeOf(request).resolve(/*${3}*/Users/*$*/);
    return { count: await users.count() };
  });
  // @end
  return app;
}
