// HTTP routes of the example service. Handlers resolve what they need from the request scope and
// throw AppErrors; the error handler renders every failure, so no route formats an error itself.
import express, { type Request, type Router } from 'express';
import type { CachedFunction } from '../src/cache.js';
import { scopeOf } from '../src/container/express.js';
import { conflict, notFound, validation } from '../src/errors.js';
import { RecordNotFoundError } from '../src/repository.js';
import type { Failure } from '../src/result.js';
import { token } from '../src/container.js';
import type { CreateUserError, User, UserService } from './users.js';

/** Tells a cached read whether its loader ran for this call (the cache key ignores it). */
export interface LoadProbe {
  loaded: boolean;
}

export type UserById = CachedFunction<[id: string, probe: LoadProbe], User | undefined>;

export const UserServiceToken = token<UserService>('userService');
export const UserByIdToken = token<UserById>('userById');

export interface Notification {
  userId: string;
  email: string;
  receivedAt: string;
}

function httpError(failure: Failure<CreateUserError>) {
  return failure.code === 'EMAIL_TAKEN' ? conflict(failure.message) : validation(failure.message, failure.details);
}

// Ids are the server's UUIDs, but any text reaches this route: refuse what PostgreSQL cannot store or
// would store as something else (NUL, unpaired surrogates), and what no id can be (too long, controls),
// before it reaches the cache key or the database.
const USER_ID = /^[^\p{Cc}\p{Cs}]{1,128}$/u;

function userId(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !USER_ID.test(id)) throw validation('invalid user id', { fields: { id: 'must be 1 to 128 printable characters' } });
  return id;
}

function limitParam(req: Request): number {
  const raw = req.query.limit;
  if (raw === undefined) return 20;
  const limit = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw validation('limit must be an integer from 1 to 100', { fields: { limit: 'out of range' } });
  return limit;
}

export function userRoutes(): Router {
  const router = express.Router();

  router.post('/users', async (req, res) => {
    const users = await scopeOf(req).resolve(UserServiceToken);
    const result = await users.create(req.body);
    if (!result.ok) throw httpError(result.error);
    res.status(201).location(`/users/${result.value.id}`).json(result.value);
  });

  router.get('/users', async (req, res) => {
    const users = await scopeOf(req).resolve(UserServiceToken);
    const after = typeof req.query.after === 'string' ? req.query.after : undefined;
    res.json(await users.list(limitParam(req), after));
  });

  router.get('/users/:id', async (req, res) => {
    const id = userId(req);
    const userById = await scopeOf(req).resolve(UserByIdToken);
    const probe: LoadProbe = { loaded: false };
    const user = await userById(id, probe);
    res.setHeader('X-Cache', probe.loaded ? 'MISS' : 'HIT');
    if (user === undefined) throw notFound('User', id);
    res.json(user);
  });

  router.patch('/users/:id', async (req, res) => {
    const id = userId(req);
    const scope = scopeOf(req);
    const [users, userById] = await Promise.all([scope.resolve(UserServiceToken), scope.resolve(UserByIdToken)]);
    const result = await users.rename(id, req.body).catch((error: unknown) => {
      throw error instanceof RecordNotFoundError ? notFound('User', id) : error;
    });
    if (!result.ok) throw httpError(result.error);
    // Before responding: a client that sees 200 must never read the old name back from the cache.
    await userById.invalidate(id, { loaded: false });
    res.json(result.value);
  });

  return router;
}

/**
 * Stands in for an external notification provider, so the example runs with no other service. It lists
 * every email it received and accepts any PUT: it is served on its own loopback-only server, never by the
 * public app.
 */
export function notificationSink(received: Notification[]): Router {
  const router = express.Router();
  router.put('/internal/notifications/:userId', (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    if (!received.some((n) => n.userId === req.params.userId)) {
      received.push({ userId: req.params.userId, email, receivedAt: new Date().toISOString() });
    }
    res.status(204).end();
  });
  router.get('/internal/notifications', (_req, res) => void res.json(received));
  return router;
}
