// Child process of the load test: the example service (runtime/example) started through its own
// startServer(), on a free port, with the rate limit the load test needs, answering the parent's
// questions over IPC: the worker's counters and the Redis queue's counts, which the HTTP API does not expose.
// Environment: DATABASE_URL and REDIS_URL (both required), RATE_LIMIT_PER_MINUTE.
import { JobsToken, startServer } from '../../runtime/example/app.js';
import { RedisQueue, type RedisQueueCounts } from '../../runtime/src/background/redis.js';

export interface ServiceStats {
  readonly worker: { succeeded: number; retried: number; deadLettered: number; released: number; settleFailures: number };
  /** Distinct users the stand-in notification provider was told about. */
  readonly notified: number;
  /** Cache misses: reads that reached the database. */
  readonly userLoads: number;
  /** Undefined while Redis cannot answer. */
  readonly queue?: RedisQueueCounts;
}

export type ParentMessage = { type: 'stats' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready'; url: string; providerUrl: string }
  | { type: 'stats'; stats: ServiceStats }
  | { type: 'stopped'; outcome: unknown }
  | { type: 'failed'; error: string };

const send = (message: ChildMessage) => process.send?.(message);
const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = process.env;
if (!databaseUrl || !redisUrl) throw new Error('the load service needs DATABASE_URL and REDIS_URL');
const perMinute = Number(process.env.RATE_LIMIT_PER_MINUTE ?? 60);
if (!(Number.isInteger(perMinute) && perMinute >= 1)) throw new RangeError(`RATE_LIMIT_PER_MINUTE must be an integer >= 1, got ${process.env.RATE_LIMIT_PER_MINUTE}`);

// With Redis the example's limiter is a sliding window of `capacity` requests per minute.
// A job whose BLMOVE reply was lost in the Redis restart sits in the processing list until
// recovery re-delivers it; a short visibility timeout lets that happen inside the drain window.
const running = await startServer({
  port: 0,
  databaseUrl,
  redisUrl,
  rateLimit: { capacity: perMinute, refillPerSecond: perMinute / 60 },
  jobVisibilityTimeoutMs: 10_000,
  jobRecoveryIntervalMs: 2_000,
});
const resolvedJobs = await running.container.resolve(JobsToken);
if (!(resolvedJobs instanceof RedisQueue)) throw new Error('expected the Redis queue: REDIS_URL is set');
const jobs: RedisQueue<unknown> = resolvedJobs;

async function stats(): Promise<ServiceStats> {
  const queue = await jobs.counts().catch(() => undefined);
  return {
    worker: { ...running.worker.stats },
    notified: running.notifications.length,
    userLoads: running.userLoads(),
    ...(queue ? { queue } : {}),
  };
}

process.on('message', (message: ParentMessage) => {
  const reply = message.type === 'stats' ? stats().then((s) => send({ type: 'stats', stats: s })) : running.close().then((outcome) => send({ type: 'stopped', outcome }));
  reply.catch((error: unknown) => send({ type: 'failed', error: String(error) })).finally(() => {
    if (message.type === 'stop') process.disconnect();
  });
});
// The stand-in notification provider listens on its own loopback port, not on the public app.
send({ type: 'ready', url: running.url, providerUrl: running.providerUrl ?? running.url });
