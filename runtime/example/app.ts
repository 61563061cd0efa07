// Wiring of the example users service: all ten patterns in one Express 5 app.
//   container   — every dependency, singletons disposed at shutdown, one scope per request
//   middleware  — request id, timing headers, one log line per request
//   rate-limit  — token bucket in memory, or a sliding window shared through Redis
//   repository  — users in PGlite, or PostgreSQL with DATABASE_URL
//   result      — UserService returns typed failures, routes map them to AppErrors
//   errors      — one handler: JSON bodies with the request id, 5xx without internals
//   cache       — GET /users/:id read-through, in memory or Redis
//   background  — a queue worker sends "user created" notifications, drained at shutdown
//   outbox      — the user and its notification job commit in one transaction; a relay moves the
//                 job to the queue (at least once, Redis down or not); the worker skips duplicates
//   retry       — that notification is an outbound HTTP call through fetchWithRetry
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { isUtf8 } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { InMemoryQueue, QueueProcessor, TaskManager, exponentialBackoff, type Queue, type StopOutcome } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';
import { MemoryStore, cached, type CacheStore } from '../src/cache.js';
import { RedisStore, createRedisCacheClient } from '../src/cache/redis.js';
import { Container, token } from '../src/container.js';
import { requestScope } from '../src/container/express.js';
import { AppError, badRequest } from '../src/errors.js';
import { clientErrorHandler, errorHandler, notFoundHandler } from '../src/errors/express.js';
import { logger } from '../src/log.js';
import { requestObservability } from '../src/middleware/express.js';
import { OutboxRelay, ProcessedMessages, createOutboxSchema, enqueueOutbox, poolTransaction, type OutboxMessage, type Transact } from '../src/outbox.js';
import { TokenBucketLimiter, type RateLimiter } from '../src/rate-limit.js';
import { rateLimit } from '../src/rate-limit/express.js';
import { SlidingWindowLimiter } from '../src/rate-limit/redis.js';
import type { Queryable } from '../src/repository/sql.js';
import { fetchWithRetry } from '../src/retry.js';
import { notificationSink, userRoutes, UserByIdToken, UserServiceToken, type LoadProbe, type Notification } from './routes.js';
import { USERS_SCHEMA, UserService, createUserRepository, type User, type UserRepository } from './users.js';

export interface ExampleOptions {
  /** PostgreSQL connection string. Default: an in-process PGlite database (data lives as long as the process). */
  databaseUrl?: string;
  /** Redis URL for the cache, the rate limiter and the job queue. Default: all in process memory. */
  redisUrl?: string;
  /** Base URL the notification worker PUTs to (`<url>/<userId>`). Default: this server's own stand-in provider. */
  notifyUrl?: string;
  /** Requests per client: a burst of `capacity`, refilled at `refillPerSecond` (Redis: `capacity` per minute). Default 60 / 1. */
  rateLimit?: { capacity: number; refillPerSecond: number };
  /** How long a user read is cached, ms. Default 30 000. */
  cacheTtlMs?: number;
  /** How long shutdown waits for in-flight jobs before aborting them, ms. Default 10 000. */
  shutdownTimeoutMs?: number;
  /**
   * Redis queue only: a job taken but not acked for this long (its consumer crashed, or Redis
   * restarted before the consumer got it) is delivered again, checked every `jobRecoveryIntervalMs`.
   * Defaults 300 000 and 60 000.
   */
  jobVisibilityTimeoutMs?: number;
  jobRecoveryIntervalMs?: number;
  /** Longest pause of the outbox relay between publish attempts while the queue is down, ms. Default 10 000. */
  outboxMaxBackoffMs?: number;
  /** Routes mounted after the service's own, before the 404 handler: tests add failure probes here. `npm start` adds none. */
  extraRoutes?: Router;
}

export interface UserCreatedJob {
  userId: string;
  email: string;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction (the user and its outbox record commit together). */
  transaction: Transact;
  close(): Promise<void>;
}

/** What the queue carries: the job, wrapped with its outbox id (the consumer's idempotency key). */
export type UserCreatedMessage = OutboxMessage<UserCreatedJob>;

export const Db = token<Database>('db');
export const RedisClient = token<Redis>('redis');
export const CacheRedisClient = token<Redis>('cacheRedis');
export const PublishRedisClient = token<Redis>('publishRedis');
export const CacheStoreToken = token<CacheStore>('cacheStore');
export const LimiterToken = token<RateLimiter>('rateLimiter');
export const UsersToken = token<UserRepository>('users');
export const JobsToken = token<Queue<UserCreatedMessage>>('jobs');
/** Where the outbox relay publishes: the same queue, through a client that fails fast while Redis is down. */
export const PublishToken = token<Pick<Queue<UserCreatedMessage>, 'enqueue'>>('publish');

export interface ExampleApp {
  readonly app: Express;
  readonly container: Container;
  readonly worker: QueueProcessor<UserCreatedMessage>;
  readonly relay: OutboxRelay<UserCreatedJob>;
  /** What the stand-in notification provider has received. */
  readonly notifications: readonly Notification[];
  /** The stand-in notification provider; {@link startServer} serves it on its own loopback port, never on the public app. */
  readonly provider: Express;
  /** Database reads made by the cached user lookup (cache misses). */
  readonly userLoads: () => number;
  /** Tells the app where the stand-in notification provider listens; the default notification target is derived from it. */
  setBaseUrl(url: string): void;
  /** Stops the worker (draining in-flight jobs), then disposes the container. Call after the HTTP server closed. */
  close(): Promise<StopOutcome>;
}

/** Builds the container and the Express app; starts the background worker. */
export async function createApp(options: ExampleOptions = {}): Promise<ExampleApp> {
  const container = buildContainer(options);
  let userLoads = 0;
  container.singleton(UserByIdToken, async (r) => {
    const users = await r.resolve(UsersToken);
    return cached(
      async (id: string, probe: LoadProbe) => {
        probe.loaded = true;
        userLoads += 1;
        return users.get(id);
      },
      { prefix: 'example:user:v1', store: await r.resolve(CacheStoreToken), ttl: options.cacheTtlMs ?? 30_000, key: (id) => id },
    );
  });
  // Resolved now, not on the first request: a bad DATABASE_URL should fail startup, not a user's request.
  const [limiter, jobs, db, publish] = await Promise.all([
    container.resolve(LimiterToken),
    container.resolve(JobsToken),
    container.resolve(Db),
    container.resolve(PublishToken),
    container.resolve(UsersToken),
    container.resolve(UserByIdToken),
  ]);
  const notifications: Notification[] = [];
  let notifyUrl = options.notifyUrl ?? 'http://127.0.0.1:3000/internal/notifications';
  const relay = new OutboxRelay<UserCreatedJob>({
    name: 'outbox-relay',
    db,
    queue: publish,
    publishTimeoutMs: 2_000,
    backoff: exponentialBackoff({ baseMs: 250, maxMs: options.outboxMaxBackoffMs ?? 10_000 }),
  });
  // Scoped: one per request, the natural home for per-request state such as a transaction.
  container.scoped(UserServiceToken, async (r) => {
    const users = await r.resolve(UsersToken);
    // The job is written in the user's transaction, never sent to Redis from the request: a queue
    // outage can neither fail the request nor lose the job. Waking the relay after the commit saves its poll interval.
    const transaction: Transact = async (work) => {
      const result = await db.transaction(work);
      relay.wake();
      return result;
    };
    return new UserService(
      users,
      transaction,
      async (user: User, tx) => void (await enqueueOutbox<UserCreatedJob>(tx, { topic: 'user.created', payload: { userId: user.id, email: user.email } })),
    );
  });

  // The notification is an effect outside the database, so the processed-ids check cannot make it
  // exactly-once: a duplicate that slips between check and record is absorbed by the provider,
  // which gets the outbox id as the Idempotency-Key (and a PUT keyed by user id).
  const processed = new ProcessedMessages({ consumer: 'notifications' });
  const worker = new QueueProcessor<UserCreatedMessage>({
    name: 'notifications',
    queue: jobs,
    concurrency: 4,
    handler: async ({ outboxId, payload: job }, { signal }) => {
      if (await processed.has(db, outboxId)) return;
      const target = `${notifyUrl}/${encodeURIComponent(job.userId)}`;
      // PUT keyed by user id: safe to send twice, so fetchWithRetry may retry it.
      const response = await fetchWithRetry(
        target,
        { method: 'PUT', headers: { 'content-type': 'application/json', 'idempotency-key': outboxId }, body: JSON.stringify(job), signal },
        { attempts: 3, baseDelay: 200, timeout: 5_000 },
      );
      await response.body?.cancel();
      if (!response.ok) throw new Error(`notification provider answered ${response.status}`);
      await processed.record(db, outboxId);
    },
  });
  const tasks = new TaskManager().add(relay).add(worker);
  if (jobs instanceof RedisQueue) tasks.add(new RedisQueueRecovery(jobs as RedisQueue<unknown>, { intervalMs: options.jobRecoveryIntervalMs ?? 60_000 }));

  const app = express();
  app.disable('x-powered-by');
  app.use(requestObservability());
  app.use(requireHttpBasics);
  app.use(rateLimit({ limiter }));
  app.use(express.json({ limit: '16kb', verify: rejectInvalidUtf8 }));
  app.use(requestScope(container));
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.use(userRoutes());
  if (options.extraRoutes) app.use(options.extraRoutes);
  app.use(notFoundHandler());
  app.use(errorHandler());
  tasks.start();

  const provider = express();
  provider.disable('x-powered-by');
  provider.use(express.json({ limit: '16kb' }));
  provider.use(notificationSink(notifications));

  return {
    app,
    container,
    worker,
    relay,
    notifications,
    provider,
    userLoads: () => userLoads,
    setBaseUrl(url: string) {
      if (options.notifyUrl === undefined) notifyUrl = `${url}/internal/notifications`;
    },
    async close() {
      const outcome = await tasks.stop({ timeoutMs: options.shutdownTimeoutMs ?? 10_000 });
      await container.dispose();
      return outcome;
    },
  };
}

// Node answers a request without Host, or with an Expect other than 100-continue, itself and with an
// empty body; startServer hands both to the app instead, so they get the JSON body with the request id.
function requireHttpBasics(req: Request, _res: Response, next: NextFunction): void {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
    next(badRequest('The Host header is required'));
    return;
  }
  const expect = req.headers.expect;
  if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
    next(new AppError('EXPECTATION_FAILED', 'Only "Expect: 100-continue" is supported', { status: 417 }));
    return;
  }
  next();
}

// body-parser decodes invalid UTF-8 to U+FFFD, so a user would be stored with other characters than were
// sent. The status and flags follow the http-errors convention the errors pattern recognises.
function rejectInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) {
    throw Object.assign(new Error('The request body is not valid UTF-8'), { status: 400, code: 'MALFORMED_BODY', exposeMessage: true });
  }
}

function buildContainer(options: ExampleOptions): Container {
  const container = new Container();
  container.singleton(Db, () => openDatabase(options.databaseUrl), { dispose: (db) => db.close() });
  container.singleton(UsersToken, async (r) => createUserRepository(await r.resolve(Db)));
  const { capacity, refillPerSecond } = options.rateLimit ?? { capacity: 60, refillPerSecond: 1 };
  const redisUrl = options.redisUrl;
  if (redisUrl) {
    container.singleton(
      RedisClient,
      () => {
        const redis = new Redis(redisUrl);
        redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
        return redis;
      },
      { dispose: (redis) => void redis.disconnect() },
    );
    // The cache gets its own fail-fast client: during an outage reads go straight to the database.
    container.singleton(CacheRedisClient, () => readyOrNot(createRedisCacheClient(redisUrl), 2_000), { dispose: (redis) => void redis.disconnect() });
    container.singleton(CacheStoreToken, async (r) => new RedisStore(await r.resolve(CacheRedisClient)));
    container.singleton(
      LimiterToken,
      async (r) => new SlidingWindowLimiter({ redis: await r.resolve(RedisClient), limit: capacity, windowMs: 60_000, prefix: 'example:rate-limit:' }),
    );
    container.singleton(
      JobsToken,
      async (r) =>
        new RedisQueue<UserCreatedMessage>({
          name: 'example:notifications',
          redis: await r.resolve(RedisClient),
          visibilityTimeoutMs: options.jobVisibilityTimeoutMs ?? 300_000,
        }),
      {
        dispose: (queue) => (queue instanceof RedisQueue ? queue.close() : undefined),
      },
    );
    // No offline queue: while Redis is down a publish fails at once and the relay backs off, instead of
    // a buffered LPUSH landing after the relay gave up on it (a needless duplicate).
    container.singleton(
      PublishRedisClient,
      () => {
        const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 100, 2_000) });
        redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis publish connection error'));
        return redis;
      },
      { dispose: (redis) => void redis.disconnect() },
    );
    container.singleton(
      PublishToken,
      async (r) => new RedisQueue<UserCreatedMessage>({ name: 'example:notifications', redis: await r.resolve(PublishRedisClient) }),
    );
  } else {
    container.singleton(CacheStoreToken, () => new MemoryStore({ maxEntries: 10_000 }));
    container.singleton(LimiterToken, () => new TokenBucketLimiter({ capacity, refillPerSecond }));
    container.singleton(JobsToken, () => new InMemoryQueue<UserCreatedMessage>());
    container.singleton(PublishToken, (r) => r.resolve(JobsToken));
  }
  return container;
}

/**
 * Waits up to `ms` for the first connection. The cache client fails fast while disconnected (no offline
 * queue), so without this the first requests after startup would all bypass the cache; with Redis down
 * the service still starts, uncached.
 */
async function readyOrNot(redis: Redis, ms: number): Promise<Redis> {
  if (redis.status === 'ready') return redis;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.on('ready', done);
  });
  return redis;
}

async function openDatabase(databaseUrl: string | undefined): Promise<Database> {
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL client failed'));
    await pool.query(USERS_SCHEMA);
    await createOutboxSchema(pool);
    return { query: (text, params) => pool.query(text, params), transaction: poolTransaction(pool), close: () => pool.end() };
  }
  const db = new PGlite();
  await db.query(USERS_SCHEMA);
  await createOutboxSchema(db);
  return { query: (text, params) => db.query(text, params), transaction: (work) => db.transaction(work), close: () => db.close() };
}

export interface RunningServer extends ExampleApp {
  readonly url: string;
  readonly server: Server;
  /** Base URL of the stand-in notification provider (loopback only), when no `notifyUrl` was given. */
  readonly providerUrl: string | undefined;
}

/** Starts the service on `host:port` (default 127.0.0.1:3000; 0 picks a free port). `close()` shuts everything down in order. */
export async function startServer(options: ExampleOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const example = await createApp(options);
  const server = createServer({ requireHostHeader: false }, example.app);
  server.on('checkExpectation', example.app);
  // Requests Node's HTTP parser refuses (CR/LF in a header, headers over 16 KiB) never reach Express:
  // answer them in the same JSON shape, with a request id.
  server.on('clientError', clientErrorHandler());
  // Without NOTIFY_URL, notifications go to the stand-in provider on a port of its own, bound to loopback.
  const providerServer = options.notifyUrl === undefined ? createServer(example.provider) : undefined;
  try {
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1');
    providerServer?.listen(0, '127.0.0.1');
    await Promise.all([once(server, 'listening'), providerServer && once(providerServer, 'listening')]);
  } catch (error) {
    server.close();
    providerServer?.close();
    await example.close();
    throw error;
  }
  const url = urlOf(server);
  const providerUrl = providerServer && urlOf(providerServer);
  if (providerUrl) example.setBaseUrl(providerUrl);
  return {
    ...example,
    url,
    server,
    providerUrl,
    async close() {
      // Stop accepting, let in-flight requests finish, then drain jobs and release the database and Redis.
      await closeServer(server);
      const outcome = await example.close();
      // Last: the drained jobs were still notifying it.
      if (providerServer) await closeServer(providerServer);
      return outcome;
    },
  };
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeIdleConnections();
  return closed;
}
