// Model-based property test of the queues' settlement protocol (RedisQueue on a real redis-server,
// and InMemoryQueue): random interleavings of enqueue, receive, handle (success or throw, settled
// with QueueProcessor's rule), invalid retry delays, release, consumer crash (connection dropped,
// optionally mid-settle), recover() stealing messages from live consumers, and replayed settle
// commands (what ioredis does after a reconnect). After every step the queue's counts must match
// the model; at the end, after a restart and recovery, every message must have been acked exactly
// once or dead-lettered exactly once: none vanishes, none is duplicated.
//
// Deterministic by default: seed 20261203, 150 runs (memory) and 60 runs (Redis) of up to 40
// commands, a few seconds in all. Explore other cases with QUEUE_MODEL_SEED=<n> and
// QUEUE_MODEL_RUNS=<n>; a failure prints its seed and shrunk command list for replay.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { InMemoryQueue, type Queue, type QueueMessage } from '../src/background.js';
import { RedisQueue } from '../src/background/redis.js';
import { redisServer } from './fixtures/redis.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';

const SEED = Number(process.env.QUEUE_MODEL_SEED ?? 20261203);
const RUNS = process.env.QUEUE_MODEL_RUNS ? Number(process.env.QUEUE_MODEL_RUNS) : undefined;
const MAX_ATTEMPTS = 3;
const CONSUMERS = 2;

type Command =
  | { kind: 'enqueue' }
  | { kind: 'receive'; consumer: number; max: number }
  | { kind: 'handle'; pick: number; outcome: 'ok' | 'throw' }
  | { kind: 'badRetry'; pick: number; delay: number }
  | { kind: 'release'; pick: number }
  | { kind: 'crash'; consumer: number; settleOnDeadConnection: boolean }
  | { kind: 'recover' }
  | { kind: 'replay'; pick: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'enqueue' as const }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('receive' as const), consumer: fc.nat(CONSUMERS - 1), max: fc.integer({ min: 1, max: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('handle' as const), pick: fc.nat(), outcome: fc.constantFrom('ok' as const, 'throw' as const) }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('badRetry' as const),
      pick: fc.nat(),
      delay: fc.constantFrom(Number.NaN, Infinity, 1e300, '5' as unknown as number),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('crash' as const), consumer: fc.nat(CONSUMERS - 1), settleOnDeadConnection: fc.boolean() }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'recover' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }), weight: 1 },
);

type Where = 'ready' | 'delayed' | 'processing' | 'acked' | 'dead';
interface ModelMessage {
  where: Where;
  attempts: number;
  acks: number;
  deadLetters: number;
}
interface Held {
  consumer: number;
  message: QueueMessage<number>;
  /** False once recover() moved the message away: settling it must change nothing. */
  live: boolean;
}
interface Settled {
  consumer: number;
  message: QueueMessage<number>;
  replay: () => Promise<void>;
}

/** What differs between the two queues; everything else is one model. */
interface Harness {
  readonly redis: boolean;
  consumer(index: number): Queue<number>;
  receive(index: number, max: number): Promise<QueueMessage<number>[]>;
  /** Kills consumer `index`, which held `mine`; with `settleOnDeadConnection`, it first tries to ack one of them. */
  crash(index: number, mine: readonly Held[], settleOnDeadConnection: boolean): Promise<void>;
  recover(): Promise<number>;
  counts(): Promise<{ ready: number; processing: number; delayed: number; dead: number }>;
  deadLetters(): Promise<QueueMessage<number>[]>;
  close(): Promise<void>;
}

async function runModel(harness: Harness, commands: readonly Command[]): Promise<void> {
  const model = new Map<string, ModelMessage>();
  const held: Held[] = [];
  const settled: Settled[] = [];
  let next = 0;
  const count = (where: Where) => [...model.values()].filter((m) => m.where === where).length;
  const expectCounts = async (step: string) => {
    assert.deepEqual(
      await harness.counts(),
      { ready: count('ready'), processing: count('processing'), delayed: count('delayed'), dead: count('dead') },
      `counts after ${step}`,
    );
  };
  const take = (pick: number) => (held.length === 0 ? undefined : held.splice(pick % held.length, 1)[0]);

  /** QueueProcessor's settlement rule, applied to the queue and the model. */
  async function handle(entry: Held, outcome: 'ok' | 'throw'): Promise<void> {
    const queue = harness.consumer(entry.consumer);
    const { message } = entry;
    const state = model.get(message.id)!;
    let settle: (q: Queue<number>) => Promise<void>;
    let to: Where;
    if (message.attempts >= MAX_ATTEMPTS || (outcome === 'throw' && message.attempts + 1 >= MAX_ATTEMPTS)) {
      settle = (q) => q.deadLetter(message, 'failed');
      to = 'dead';
    } else if (outcome === 'throw') {
      settle = (q) => q.retry(message, 0, 'failed');
      to = harness.redis ? 'delayed' : 'ready';
    } else {
      settle = (q) => q.ack(message);
      to = 'acked';
    }
    await settle(queue);
    if (entry.live) {
      state.where = to;
      if (to === 'acked') state.acks += 1;
      if (to === 'dead') state.deadLetters += 1;
      if (to !== 'acked') state.attempts = message.attempts + 1;
    }
    settled.push({ consumer: entry.consumer, message, replay: () => settle(harness.consumer(entry.consumer)) });
  }

  for (const [step, command] of commands.entries()) {
    const label = `step ${step} ${JSON.stringify(command)}`;
    switch (command.kind) {
      case 'enqueue': {
        const id = await harness.consumer(0).enqueue(next++);
        model.set(id, { where: 'ready', attempts: 0, acks: 0, deadLetters: 0 });
        break;
      }
      case 'receive': {
        if (harness.redis) for (const m of model.values()) if (m.where === 'delayed') m.where = 'ready';
        const ready = count('ready');
        const messages = await harness.receive(command.consumer, command.max);
        assert.equal(messages.length, Math.min(command.max, ready), `${label}: received ${messages.length} of ${ready} ready`);
        for (const message of messages) {
          const state = model.get(message.id);
          assert.equal(state?.where, 'ready', `${label}: received ${message.id}, which the model has ${state?.where}`);
          assert.equal(message.attempts, state.attempts, `${label}: attempts of ${message.id}`);
          state.where = 'processing';
          held.push({ consumer: command.consumer, message, live: true });
        }
        break;
      }
      case 'handle': {
        const entry = take(command.pick);
        if (entry) await handle(entry, command.outcome);
        break;
      }
      case 'badRetry': {
        const entry = held[command.pick % Math.max(1, held.length)];
        if (!entry) break;
        // Validate, then mutate: a refused delay must leave the message exactly where it was.
        await assert.rejects(harness.consumer(entry.consumer).retry(entry.message, command.delay, 'bad'), RangeError, label);
        break;
      }
      case 'release': {
        const entry = take(command.pick);
        if (!entry) break;
        await harness.consumer(entry.consumer).release(entry.message);
        if (entry.live) model.get(entry.message.id)!.where = 'ready';
        break;
      }
      case 'crash': {
        const mine = held.filter((entry) => entry.consumer === command.consumer);
        for (const entry of mine) held.splice(held.indexOf(entry), 1);
        await harness.crash(command.consumer, mine, command.settleOnDeadConnection);
        // In memory a "crash" is the processor's shutdown path: it releases what it held.
        if (!harness.redis) for (const entry of mine) model.get(entry.message.id)!.where = 'ready';
        // With Redis the messages stay in processing, held by nobody, until recover().
        break;
      }
      case 'recover': {
        if (!harness.redis) break;
        const moved = await harness.recover();
        let expected = 0;
        for (const state of model.values()) {
          if (state.where !== 'processing') continue;
          state.where = 'ready';
          state.attempts += 1; // a crash counts as an attempt
          expected += 1;
        }
        for (const entry of held) entry.live = false;
        assert.equal(moved, expected, `${label}: recovered`);
        break;
      }
      case 'replay': {
        const entry = settled[command.pick % Math.max(1, settled.length)];
        if (!entry) break;
        // Redis: the settle script is conditional, so a replayed command changes nothing. In memory it is refused.
        if (harness.redis) await entry.replay();
        else await assert.rejects(entry.replay(), /is not in flight/);
        break;
      }
    }
    await expectCounts(label);
  }

  // Restart: every consumer dies, recovery runs, one fresh worker drains the queue with success.
  for (let consumer = 0; consumer < CONSUMERS; consumer += 1) {
    const mine = held.filter((entry) => entry.consumer === consumer);
    await harness.crash(consumer, mine, false);
    if (!harness.redis) for (const entry of mine) model.get(entry.message.id)!.where = 'ready';
  }
  held.length = 0;
  if (harness.redis) {
    const moved = await harness.recover();
    for (const state of model.values()) {
      if (state.where !== 'processing') continue;
      state.where = 'ready';
      state.attempts += 1;
    }
    assert.ok(moved >= 0);
  }
  for (let round = 0; count('ready') + count('delayed') > 0; round += 1) {
    assert.ok(round < 1000, 'the drain does not end');
    if (harness.redis) for (const m of model.values()) if (m.where === 'delayed') m.where = 'ready';
    for (const message of await harness.receive(0, 10)) {
      assert.equal(model.get(message.id)?.where, 'ready');
      model.get(message.id)!.where = 'processing';
      await handle({ consumer: 0, message, live: true }, 'ok');
    }
  }
  await expectCounts('the drain');

  const dead = await harness.deadLetters();
  const deadIds = dead.map((message) => message.id).sort();
  assert.equal(new Set(deadIds).size, deadIds.length, 'a message was dead-lettered twice');
  for (const [id, state] of model) {
    assert.ok(state.where === 'acked' || state.where === 'dead', `${id} ended ${state.where}`);
    assert.equal(state.acks + state.deadLetters, 1, `${id}: ${state.acks} acks and ${state.deadLetters} dead letters`);
  }
  assert.deepEqual(
    deadIds,
    [...model]
      .filter(([, state]) => state.where === 'dead')
      .map(([id]) => id)
      .sort(),
  );
}

describe('background queues: model-based property (crash points between receive, handle and settle)', function () {
  this.timeout(120_000);
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs('fatal');
  });
  afterEach(() => logs.restore());

  it('InMemoryQueue: every message is acked once or dead-lettered once; none vanishes or is duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { maxLength: 40 }), async (commands) => {
        const queue = new InMemoryQueue<number>();
        await runModel(
          {
            redis: false,
            consumer: () => queue,
            // An aborted signal makes receive() return what is ready instead of waiting for more.
            receive: (_index, max) => queue.receive(max, AbortSignal.abort()),
            // A process-local queue dies with its process; within it, a consumer "killed" by shutdown releases what it held.
            crash: async (_index, mine) => {
              for (const entry of mine) await queue.release(entry.message);
            },
            recover: async () => 0,
            counts: async () => {
              const { ready, inFlight, delayed, dead } = queue.counts();
              return { ready, processing: inFlight, delayed, dead };
            },
            deadLetters: async () => [...queue.deadLetters()],
            close: async () => {},
          },
          commands,
        );
      }),
      { seed: SEED, numRuns: RUNS ?? 150 },
    );
  });

  it('RedisQueue (real redis-server): every message is acked once or dead-lettered once; none vanishes or is duplicated', async () => {
    const url = (await redisServer()).url;
    const admin = new Redis(url);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(commandArb, { maxLength: 40 }), async (commands) => {
          const name = `model-${randomUUID()}`;
          const open = () => {
            const redis = new Redis(url, { maxRetriesPerRequest: 0 });
            redis.on('error', () => {});
            return { redis, queue: new RedisQueue<number>({ name, redis, blockTimeoutMs: 1 }) };
          };
          const consumers = Array.from({ length: CONSUMERS }, open);
          const harness: Harness = {
            redis: true,
            consumer: (index) => consumers[index]!.queue,
            receive: (index, max) => consumers[index]!.queue.receive(max, new AbortController().signal),
            crash: async (index, mine, settleOnDeadConnection) => {
              const dying = consumers[index]!;
              dying.redis.disconnect();
              // The connection dropped before the ack reached Redis: the message must stay in processing.
              if (settleOnDeadConnection && mine[0]) await assert.rejects(dying.queue.ack(mine[0].message));
              await dying.queue.close();
              consumers[index] = open();
            },
            recover: () => consumers[0]!.queue.recover({ olderThanMs: 0 }),
            counts: () => consumers[0]!.queue.counts(),
            deadLetters: () => consumers[0]!.queue.deadLetters(1000),
            close: async () => {
              for (const consumer of consumers) {
                await consumer.queue.close();
                consumer.redis.disconnect();
              }
            },
          };
          try {
            await runModel(harness, commands);
          } finally {
            await harness.close();
            await admin.del(...['ready', 'processing', 'leases', 'delayed', 'dead'].map((key) => `{${name}}:${key}`));
          }
        }),
        { seed: SEED, numRuns: RUNS ?? 60 },
      );
    } finally {
      admin.disconnect();
    }
  });
});
