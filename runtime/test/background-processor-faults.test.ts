// Property test of QueueProcessor + RedisQueue under process-level faults: handlers that succeed,
// throw or hang; workers that are killed (connection dropped, nothing settled) or stopped with a
// short timeout (hanging handlers aborted and released); a restart that runs recover(). However
// the faults fall, every message must end handled successfully (and gone) or dead-lettered exactly
// once: none vanishes, none is left behind, none is dead-lettered twice.
//
// Deterministic by default: seed 20261203, 30 runs, a few seconds. QUEUE_FAULTS_SEED / QUEUE_FAULTS_RUNS
// explore further; a failure prints the seed and the shrunk scenario.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { QueueProcessor } from '../src/background.js';
import { RedisQueue } from '../src/background/redis.js';
import { redisServer } from './fixtures/redis.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';

const SEED = Number(process.env.QUEUE_FAULTS_SEED ?? 20261203);
const RUNS = Number(process.env.QUEUE_FAULTS_RUNS ?? 30);
const MAX_ATTEMPTS = 3;

type Outcome = 'ok' | 'throw' | 'hang';
interface Incarnation {
  concurrency: number;
  /** Handler calls after which the fault strikes. */
  after: number;
  fault: 'kill' | 'stop';
}

const scenarioArb = fc.record({
  // For each message, what its successive deliveries do; deliveries past the script succeed.
  scripts: fc.array(fc.array(fc.constantFrom<Outcome>('ok', 'throw', 'hang'), { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
  incarnations: fc.array(
    fc.record({ concurrency: fc.integer({ min: 1, max: 3 }), after: fc.integer({ min: 0, max: 5 }), fault: fc.constantFrom<'kill' | 'stop'>('kill', 'stop') }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe('background/redis QueueProcessor under faults (property, real redis-server)', function () {
  this.timeout(120_000);
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs('fatal');
  });
  afterEach(() => logs.restore());

  it('every message ends handled or dead-lettered exactly once, whatever kills or stops the workers', async () => {
    const url = (await redisServer()).url;
    const admin = new Redis(url);
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ scripts, incarnations }) => {
          const name = `faults-${randomUUID()}`;
          const deliveries = new Map<number, number>();
          const succeeded = new Set<number>();
          const open = () => {
            const redis = new Redis(url, { maxRetriesPerRequest: 0 });
            redis.on('error', () => {});
            return { redis, queue: new RedisQueue<number>({ name, redis, blockTimeoutMs: 10 }) };
          };
          const first = open();
          for (let n = 0; n < scripts.length; n += 1) await first.queue.enqueue(n);

          const run = async ({ concurrency, after, fault }: Incarnation | { concurrency: number; after: number; fault: 'none' }) => {
            const { redis, queue } = fault === 'none' || incarnations.length === 0 ? first : open();
            await queue.recover({ olderThanMs: 0 }); // a restarted worker recovers what the dead one held
            let calls = 0;
            let hanging = 0;
            const processor = new QueueProcessor<number>({
              queue,
              concurrency,
              maxAttempts: MAX_ATTEMPTS,
              backoff: () => 0,
              errorDelayMs: 5,
              handler: async (n, { signal }) => {
                calls += 1;
                const index = deliveries.get(n) ?? 0;
                deliveries.set(n, index + 1);
                const outcome = fault === 'none' ? 'ok' : (scripts[n]![index] ?? 'ok');
                if (outcome === 'throw') throw new Error(`delivery ${index} of ${n} fails`);
                if (outcome === 'hang') {
                  hanging += 1;
                  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
                  hanging -= 1;
                  throw signal.reason;
                }
                succeeded.add(n);
              },
            });
            processor.start();
            const idle = async () => {
              const counts = await first.queue.counts();
              return counts.ready + counts.processing + counts.delayed === 0;
            };
            // Every handler in flight hangs, and either no slot is free or nothing else waits: no further call will come.
            const stuck = async () => {
              if (hanging === 0 || hanging !== processor.inFlight) return false;
              const counts = await first.queue.counts();
              return processor.inFlight >= concurrency || counts.ready + counts.delayed === 0;
            };
            if (fault === 'none') {
              await waitFor(idle, 'the final worker to drain the queue');
              // Bounded, so a stop that never finishes fails here with a reason instead of at mocha's timeout.
              assert.equal(await processor.stop({ timeoutMs: 10_000 }), 'drained', 'the final worker stops without aborting anything');
              return;
            }
            await waitFor(async () => calls >= after || (await idle()) || (await stuck()), 'the fault point');
            if (fault === 'kill') {
              // Killed: its connection is gone, so whatever it still does can settle nothing.
              redis.disconnect();
              await queue.close();
              await processor.stop({ timeoutMs: 0 });
            } else {
              await processor.stop({ timeoutMs: 10 });
              await queue.close();
              redis.disconnect();
            }
          };

          try {
            for (const incarnation of incarnations) await run(incarnation);
            await run({ concurrency: 2, after: 0, fault: 'none' });

            assert.deepEqual(await first.queue.counts().then(({ dead: _dead, ...rest }) => rest), { ready: 0, processing: 0, delayed: 0 });
            const deadIds = (await first.queue.deadLetters(1000)).map((message) => message.body).sort();
            assert.equal(new Set(deadIds).size, deadIds.length, `dead-lettered twice: ${deadIds}`);
            for (let n = 0; n < scripts.length; n += 1) {
              assert.ok(succeeded.has(n) || deadIds.includes(n), `message ${n} vanished: never handled successfully, not dead-lettered`);
            }
          } finally {
            await first.queue.close();
            first.redis.disconnect();
            await admin.del(...['ready', 'processing', 'leases', 'delayed', 'dead'].map((key) => `{${name}}:${key}`));
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    } finally {
      admin.disconnect();
    }
  });
});
