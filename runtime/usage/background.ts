// Usage examples for the background pattern (snippets bw-queue-worker, bw-redis-queue,
// bw-background-task): queue workers that ack only after success and drain on SIGTERM.
import type { Redis } from 'ioredis';
import { BackgroundTask, QueueProcessor, TaskManager, delay, installSignalHandlers, type Queue, type TaskContext } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';

export interface WelcomeEmail {
  to: string;
}

export type SendEmail = (email: WelcomeEmail, signal: AbortSignal) => Promise<void>;

/** Starts a worker on `queue`; returns the handles a caller needs to stop it. */
export function startEmailWorker(queue: Queue<WelcomeEmail>, sendEmail: SendEmail) {
  // @snippet bw-queue-worker Queue worker: ack after success, retry with backoff, dead-letter, drain on SIGTERM
  const worker = new QueueProcessor({
    queue: /*${1}*/queue/*$*/,
    concurrency: /*${2}*/4/*$*/,
    maxAttempts: /*${3}*/5/*$*/,
    handler: async (email, { signal }) => {
      /*$0*/await sendEmail(email, signal);
    },
  });
  const tasks = new TaskManager().add(worker);
  tasks.start();
  const removeSignalHandlers = installSignalHandlers(tasks, { timeoutMs: /*${4}*/30_000/*$*/ });
  // @end
  return { worker, tasks, removeSignalHandlers };
}

/** The same worker on a Redis list, with periodic recovery of messages held by crashed consumers. */
export function startRedisEmailWorker(redis: Redis, sendEmail: SendEmail, queueName = 'emails') {
  // @snippet bw-redis-queue Reliable Redis queue worker with crash recovery and a dead-letter list
  const queue = new RedisQueue<WelcomeEmail>({ name: /*${1}*/queueName/*$*/, redis: /*${2}*/redis/*$*/ });
  const tasks = new TaskManager()
    .add(new QueueProcessor({ queue, maxAttempts: /*${3}*/5/*$*/, handler: (email, { signal }) => sendEmail(email, signal) }))
    .add(new RedisQueueRecovery(queue, { intervalMs: /*${4}*/60_000/*$*/ }));
  tasks.start();
  // @end
  return { queue, tasks };
}

export interface Metrics {
  flush(signal: AbortSignal): Promise<void>;
}

/** A periodic task: flushes metrics every `intervalMs` until stopped. */
export function startMetricsFlusher(metrics: Metrics, intervalMs = 60_000) {
  // @snippet bw-background-task Periodic background task with a graceful stop that awaits in-flight work
  class MetricsFlusher extends BackgroundTask {
    protected async run({ stopping, signal }: TaskContext): Promise<void> {
      /*$0*/await metrics.flush(signal);
      await delay(/*${1}*/intervalMs/*$*/, stopping);
    }
  }
  // @end
  const flusher = new MetricsFlusher();
  flusher.start();
  return flusher;
}
