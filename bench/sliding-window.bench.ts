// Redis rate-limit decisions on a real local redis-server: Bulwark's SlidingWindowLimiter (an exact
// sliding log in one Lua script) and GcraLimiter (a token bucket whose state is its key's expiry) against
// rate-limiter-flexible's RateLimiterRedis (a fixed window, INCRBY in its own Lua script), one decision
// at a time and with 64 in flight. Every limiter gets its own connection with the same client options.
import type { RedisOptions } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GcraLimiter, SlidingWindowLimiter } from '../runtime/src/rate-limit/redis.js';
import { compare, median, runConcurrently, type ComparisonResult, type Contender } from './harness.js';
import { countCommands, countingRedis, serverCpuClock, startRedisServer } from './redis.js';
import type { FactTable, Section, TargetCheck } from './results.js';

const KEY_COUNT = 10_000;
const LIMIT = 1_000; // per key per minute: no key reaches it during the run, so every decision admits and records
const WINDOW_SECONDS = 60;
const SEQUENTIAL_BATCH = 200;
const IN_FLIGHT = 64;
const CONCURRENT_BATCH = 20 * IN_FLIGHT;
/** Interleaved rounds per comparison: a sequential decision is one ~100 µs round trip, whose time swings between rounds on a shared machine. */
const ROUNDS = 9;
const COUNTED_DECISIONS = 1_000;
const CPU_DECISIONS = 5_000;
const CPU_ROUNDS = 7;
/**
 * The options of every limiter's client: ioredis defaults (no auto-pipelining, offline queue on), the
 * same for Bulwark and rate-limiter-flexible. Auto-pipelining would batch the writes of both alike.
 */
const CLIENT_OPTIONS: RedisOptions = {};

type Decide = (key: string) => Promise<boolean>;

export async function benchSlidingWindow(): Promise<Section> {
  const server = await startRedisServer();
  const bulwarkClient = countingRedis(server.url, CLIENT_OPTIONS);
  const gcraClient = countingRedis(server.url, CLIENT_OPTIONS);
  const flexibleClient = countingRedis(server.url, CLIENT_OPTIONS);
  const floorClient = countingRedis(server.url, CLIENT_OPTIONS);
  const pipelinedFlexibleClient = countingRedis(server.url, { ...CLIENT_OPTIONS, enableAutoPipelining: true });
  const observer = countingRedis(server.url);
  const clients = [bulwarkClient, gcraClient, flexibleClient, floorClient, pipelinedFlexibleClient, observer];
  try {
    await Promise.all(clients.map((client) => client.ping()));
    const bulwark = new SlidingWindowLimiter({ redis: bulwarkClient, limit: LIMIT, windowMs: WINDOW_SECONDS * 1000, prefix: 'bench:bw:' });
    const gcra = new GcraLimiter({ redis: gcraClient, limit: LIMIT, windowMs: WINDOW_SECONDS * 1000, prefix: 'bench:gcra:' });
    const decideGcra: Decide = async (key) => (await gcra.take(key)).allowed;
    const flexible = new RateLimiterRedis({ storeClient: flexibleClient, points: LIMIT, duration: WINDOW_SECONDS, keyPrefix: 'bench:rlf' });
    const pipelinedFlexible = new RateLimiterRedis({ storeClient: pipelinedFlexibleClient, points: LIMIT, duration: WINDOW_SECONDS, keyPrefix: 'bench:rlfp' });
    const decideBulwark: Decide = async (key) => (await bulwark.take(key)).allowed;
    const consumeWith =
      (limiter: RateLimiterRedis): Decide =>
      (key) =>
        limiter.consume(key).then(
          () => true,
          (error: unknown) => {
            if (error instanceof RateLimiterRes) return false;
            throw error; // a Redis error must fail the benchmark, not pass as a fast denial
          },
        );
    const decideFlexible = consumeWith(flexible);
    const decidePipelinedFlexible = consumeWith(pipelinedFlexible);
    // The floor of any limiter that decides in one EVALSHA: a script that only returns, sent the same
    // way (one key, two arguments, one integer back). No limiter with that contract can be faster.
    const floorSha = String(await floorClient.script('LOAD', 'return 1'));
    const decideFloor: Decide = async (key) => (await floorClient.evalsha(floorSha, 1, `bench:floor:${key}`, LIMIT, WINDOW_SECONDS * 1000)) === 1;
    const keys = Array.from({ length: KEY_COUNT }, (_, i) => `client:${i}`);
    let next = 0;
    const key = () => keys[next++ % KEY_COUNT]!;

    // Script loading (EVAL on first use, NOSCRIPT fallback) happens here, not inside a measurement.
    for (const decide of [decideBulwark, decideGcra, decideFlexible, decidePipelinedFlexible]) {
      if (!(await decide('warm'))) throw new Error('warm-up decision was denied');
    }

    // Each comparison puts one Bulwark limiter first (its ratios are against the others) and runs all three.
    const flexibleContender = (run: (decide: Decide) => () => Promise<void>): Contender => ({
      name: 'rate-limiter-flexible RateLimiterRedis.consume()',
      library: 'rate-limiter-flexible',
      run: run(decideFlexible),
    });
    const pair = (run: (decide: Decide) => () => Promise<void>): Contender[] => [
      { name: 'bulwark SlidingWindowLimiter.take()', library: 'bulwark', run: run(decideBulwark) },
      flexibleContender(run),
    ];
    const gcraPair = (run: (decide: Decide) => () => Promise<void>): Contender[] => [
      { name: 'bulwark GcraLimiter.take()', library: 'bulwark', run: run(decideGcra) },
      flexibleContender(run),
      { name: 'floor: one EVALSHA of `return 1` through ioredis (no limiter)', library: 'floor', run: run(decideFloor) },
    ];
    const pipelinedFlexibleContender = (run: (decide: Decide) => () => Promise<void>): Contender => ({
      name: 'rate-limiter-flexible RateLimiterRedis.consume(), ioredis enableAutoPipelining',
      library: 'rate-limiter-flexible (auto-pipelining)',
      run: run(decidePipelinedFlexible),
    });
    const denialsAreFailures = (decide: Decide) => async (k: string) => {
      if (!(await decide(k))) throw new Error(`decision for ${k} denied: the benchmark's keys must stay under the limit`);
    };
    const concurrently = (decide: Decide) => {
      const checked = denialsAreFailures(decide);
      return () => runConcurrently(CONCURRENT_BATCH, IN_FLIGHT, () => checked(key()));
    };
    const sequential = await compare({
      id: 'sliding-window-sequential',
      title: 'Redis rate limit, sequential',
      operation: `one decision awaited before the next, keys round-robin over ${KEY_COUNT.toLocaleString('en-US')} clients`,
      opsPerCall: SEQUENTIAL_BATCH,
      timeMs: 600,
      rounds: ROUNDS,
      target: { peer: 'rate-limiter-flexible', maxRatio: 1 },
      contenders: pair((decide) => {
        const checked = denialsAreFailures(decide);
        return async () => {
          for (let i = 0; i < SEQUENTIAL_BATCH; i++) await checked(key());
        };
      }),
    });
    const concurrent = await compare({
      id: 'sliding-window-64',
      title: `Redis rate limit, ${IN_FLIGHT} in flight`,
      operation: `one decision, ${IN_FLIGHT} decisions pending at any time on one connection`,
      opsPerCall: CONCURRENT_BATCH,
      timeMs: 600,
      rounds: ROUNDS,
      target: { peer: 'rate-limiter-flexible', maxRatio: 1 },
      contenders: [...pair(concurrently), pipelinedFlexibleContender(concurrently)],
    });

    const gcraSequential = await compare({
      id: 'gcra-sequential',
      title: 'Redis rate limit (GCRA), sequential',
      operation: `one decision awaited before the next, keys round-robin over ${KEY_COUNT.toLocaleString('en-US')} clients`,
      opsPerCall: SEQUENTIAL_BATCH,
      timeMs: 600,
      rounds: ROUNDS,
      target: { peer: 'rate-limiter-flexible', maxRatio: 1 / 1.2 },
      contenders: gcraPair((decide) => {
        const checked = denialsAreFailures(decide);
        return async () => {
          for (let i = 0; i < SEQUENTIAL_BATCH; i++) await checked(key());
        };
      }),
    });
    const gcraConcurrent = await compare({
      id: 'gcra-64',
      title: `Redis rate limit (GCRA), ${IN_FLIGHT} in flight`,
      operation: `one decision, ${IN_FLIGHT} decisions pending at any time on one connection`,
      opsPerCall: CONCURRENT_BATCH,
      timeMs: 600,
      rounds: ROUNDS,
      target: { peer: 'rate-limiter-flexible', maxRatio: 1 / 1.2 },
      contenders: [...gcraPair(concurrently), pipelinedFlexibleContender(concurrently)],
    });

    // The limiters the command counts and the server-CPU rounds look at, in the tables' order.
    const measured = [
      ['bulwark SlidingWindowLimiter', bulwarkClient, decideBulwark],
      ['bulwark GcraLimiter', gcraClient, decideGcra],
      ['rate-limiter-flexible RateLimiterRedis', flexibleClient, decideFlexible],
    ] as const;
    const counted = [];
    for (const [name, client, decide] of measured) {
      const { delta, sent } = await countCommands(observer, client, () =>
        runConcurrently(COUNTED_DECISIONS, IN_FLIGHT, async () => void (await decide(key()))),
      );
      counted.push({ name, delta, sent });
    }
    // The server's own CPU per decision, each limiter in turn (order rotated per round), 64 in flight.
    const serverCpu = await serverCpuClock(observer);
    const cpuPerRound = measured.map(() => [] as number[]);
    if (serverCpu) {
      for (let round = 0; round < CPU_ROUNDS; round++) {
        for (let j = 0; j < measured.length; j++) {
          const index = (j + round) % measured.length;
          const before = serverCpu();
          await runConcurrently(CPU_DECISIONS, IN_FLIGHT, async () => void (await measured[index]![2](key())));
          cpuPerRound[index]!.push((serverCpu() - before) / CPU_DECISIONS / 1000);
        }
      }
    }
    const serverMicros = cpuPerRound.map((rounds) => (rounds.length ? median(rounds) : undefined));

    const commandTable: FactTable = {
      title: `Redis commands for ${COUNTED_DECISIONS.toLocaleString('en-US')} decisions (INFO commandstats deltas)`,
      columns: [
        'implementation',
        'sent by the client (round trips)',
        'per decision',
        'Redis CPU per decision (server main thread)',
        'script run time per decision (commandstats)',
        'commandstats delta (calls inside scripts included)',
      ],
      rows: counted.map(({ name, delta, sent }, i) => [
        name,
        sent.toLocaleString('en-US'),
        (sent / COUNTED_DECISIONS).toFixed(2),
        serverMicros[i] === undefined ? 'not measurable here' : `${serverMicros[i]!.toFixed(2)} µs`,
        `${((delta.get('evalsha')?.usec ?? NaN) / COUNTED_DECISIONS).toFixed(1)} µs`,
        [...delta].map(([command, stat]) => `${command} ${stat.calls.toLocaleString('en-US')}`).join(', '),
      ]),
      notes: [
        `"Redis CPU per decision" is the redis-server main thread's CPU time (Linux schedstat) over ${CPU_DECISIONS.toLocaleString('en-US')} decisions at ${IN_FLIGHT} in flight, the limiters taking turns in rotated order, median of ${CPU_ROUNDS} rounds: everything the server does for a decision, reading the request and writing the reply included (a client that batches its writes costs the server fewer reads). "Script run time" is the EVALSHA time commandstats reports (the script alone, timed in whole µs per call, over the ${COUNTED_DECISIONS.toLocaleString('en-US')} decisions counted).`,
        'Redis 7 counts the commands a Lua script calls in `commandstats` too, so the script\'s ZREMRANGEBYSCORE, ZCARD, ZADD... appear next to the one EVALSHA the client sent; "sent by the client" counts what ioredis wrote to the socket (each an EVALSHA here, one round trip).',
        "The algorithms differ: Bulwark's sliding log is exact per window (a sorted set per key, Redis server time: TIME, ZREMRANGEBYSCORE, ZCARD, ZADD, PEXPIRE); GCRA is an exact token bucket whose state is the key's expiry on the Redis clock (PTTL, then PEXPIRE when admitted; SET for a new key; GET + SET only when the interval is not whole milliseconds); rate-limiter-flexible keeps a fixed-window counter (SET NX, INCRBY, PTTL), which admits up to twice the limit across a window boundary. The sliding log does the most work inside Redis per decision.",
        'Clients: one ioredis connection per limiter, all with the same options (ioredis defaults: no auto-pipelining, offline queue on). rate-limiter-flexible sends its script through ioredis `defineCommand` (EVALSHA, EVAL on NOSCRIPT); Bulwark calls `evalsha` and falls back to `eval` itself. Both reply shapes are small: rate-limiter-flexible a two-integer array, Bulwark one integer on admission.',
        'Why the scripts cost what they cost (Redis CPU per call, pipelined, by script variant): docs/redis-rate-limit-scripts.md.',
        "`@upstash/ratelimit` is not compared: it talks to Redis only through Upstash's HTTP (REST) API via `@upstash/redis`, which a plain `redis-server` does not serve.",
      ],
    };
    const [slidingCounts, gcraCounts, flexibleCounts] = counted as [Counted, Counted, Counted];
    const targets: TargetCheck[] = [
      throughputTarget('sliding log, sequential: throughput ≥ 1.0 × rate-limiter-flexible', sequential.target!.ratio, 1),
      throughputTarget(`sliding log, ${IN_FLIGHT} in flight: throughput ≥ 1.0 × rate-limiter-flexible`, concurrent.target!.ratio, 1),
      oneCommandTarget('sliding log', slidingCounts),
      throughputTarget('GCRA, sequential: throughput ≥ 1.2 × rate-limiter-flexible', gcraSequential.target!.ratio, 1.2),
      throughputTarget(`GCRA, ${IN_FLIGHT} in flight: throughput ≥ 1.2 × rate-limiter-flexible`, gcraConcurrent.target!.ratio, 1.2),
      oneCommandTarget('GCRA', gcraCounts),
      serverMicros[1] !== undefined && serverMicros[2] !== undefined
        ? {
            target: "GCRA: Redis CPU per decision below rate-limiter-flexible's (server main thread)",
            measured: `${serverMicros[1].toFixed(2)} µs against ${serverMicros[2].toFixed(2)} µs (script alone: ${redisMicrosPerDecision(gcraCounts).toFixed(1)} against ${redisMicrosPerDecision(flexibleCounts).toFixed(1)} µs)`,
            met: serverMicros[1] < serverMicros[2],
          }
        : {
            target: "GCRA: Redis CPU per decision below rate-limiter-flexible's (script run time; the server's CPU is not readable here)",
            measured: `${redisMicrosPerDecision(gcraCounts).toFixed(1)} µs against ${redisMicrosPerDecision(flexibleCounts).toFixed(1)} µs`,
            met: redisMicrosPerDecision(gcraCounts) < redisMicrosPerDecision(flexibleCounts),
          },
    ];
    const floorTable: FactTable = {
      title: 'The one-EVALSHA floor: what any limiter deciding in one script call can reach',
      columns: ['case', 'floor against rate-limiter-flexible (throughput)', 'GCRA against the floor (throughput)'],
      rows: [gcraSequential, gcraConcurrent].map((comparison) => [
        comparison.title,
        `${floorRatio(comparison).toFixed(2)} ×`,
        `${(time(comparison, 'floor') / time(comparison, 'bulwark')).toFixed(2)} ×`,
      ]),
      notes: [
        'The floor is a third contender in the two GCRA comparisons above, on its own connection with the same client options: `evalsha` of a script that only returns 1, with one key and two arguments, as GcraLimiter sends. It has no limiter logic, so its throughput bounds every limiter with the one-command-per-decision contract, whatever its script.',
      ],
    };
    return {
      id: 'sliding-window',
      title: 'Redis rate limiting',
      comparisons: [sequential, concurrent, gcraSequential, gcraConcurrent],
      facts: [commandTable, floorTable],
      targets,
    };
  } finally {
    for (const client of clients) client.disconnect();
    if (server.controllable) await server.stop();
  }
}

interface Counted {
  readonly name: string;
  readonly delta: Map<string, { calls: number; usec: number }>;
  readonly sent: number;
}

function time(comparison: ComparisonResult, library: string): number {
  return comparison.contenders.find((contender) => contender.library === library)!.nsPerOp;
}

/** How many times rate-limiter-flexible's throughput the floor contender reached. */
function floorRatio(comparison: ComparisonResult): number {
  return time(comparison, 'rate-limiter-flexible') / time(comparison, 'floor');
}

function throughputTarget(name: string, timeRatio: number, minThroughputRatio: number): TargetCheck {
  return { target: name, measured: `${(1 / timeRatio).toFixed(2)} × its throughput`, met: 1 / timeRatio >= minThroughputRatio };
}

function redisMicrosPerDecision(counts: Counted): number {
  return (counts.delta.get('evalsha')?.usec ?? NaN) / COUNTED_DECISIONS;
}

function oneCommandTarget(limiter: string, counts: Counted): TargetCheck {
  const evalshaPerDecision = (counts.delta.get('evalsha')?.calls ?? 0) / COUNTED_DECISIONS;
  return {
    target: `${limiter}: exactly one Redis command per decision`,
    measured: `${(counts.sent / COUNTED_DECISIONS).toFixed(2)} sent per decision; EVALSHA ${evalshaPerDecision.toFixed(2)} per decision`,
    met: counts.sent === COUNTED_DECISIONS && evalshaPerDecision === 1,
  };
}
