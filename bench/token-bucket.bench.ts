// In-memory rate-limit decisions: Bulwark's TokenBucketLimiter against `limiter` (one RateLimiter per
// key, kept in a Map as its README suggests for per-client limits) and rate-limiter-flexible's
// RateLimiterMemory (a fixed window per key). Plus the heap after a million distinct idle keys.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RateLimiter } from 'limiter';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TokenBucketLimiter } from '../runtime/src/rate-limit.js';
import { compare, type Contender } from './harness.js';
import { formatBytes, type FactTable, type Section, type TargetCheck } from './results.js';
import type { MemoryReport } from './token-bucket-memory.js';

const DECISIONS_PER_SAMPLE = 1_000;
const KEY_COUNT = 100_000;

interface Limits {
  capacity: number;
  perSecond: number;
}

/** The three limiters under one signature: `decide(key)` is one decision for that key. */
function contenders(limits: Limits, keyFor: (i: number) => string): Contender[] {
  const bulwark = new TokenBucketLimiter({ capacity: limits.capacity, refillPerSecond: limits.perSecond, maxKeys: 2 * KEY_COUNT });
  const perKey = new Map<string, RateLimiter>();
  const limiterFor = (key: string) => {
    let limiter = perKey.get(key);
    if (!limiter) perKey.set(key, (limiter = new RateLimiter({ tokensPerInterval: limits.capacity, interval: (limits.capacity / limits.perSecond) * 1000 })));
    return limiter;
  };
  const flexible = new RateLimiterMemory({ points: limits.capacity, duration: limits.capacity / limits.perSecond });
  let next = 0;
  let sink = 0; // consumed results, so no engine can drop a decision as dead code
  return [
    {
      name: 'bulwark TokenBucketLimiter.take()',
      library: 'bulwark',
      run: () => {
        for (let i = 0; i < DECISIONS_PER_SAMPLE; i++) if (bulwark.take(keyFor(next++)).allowed) sink++;
      },
    },
    {
      name: 'limiter RateLimiter.tryRemoveTokens()',
      library: 'limiter',
      run: () => {
        for (let i = 0; i < DECISIONS_PER_SAMPLE; i++) if (limiterFor(keyFor(next++)).tryRemoveTokens(1)) sink++;
      },
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory.consume()',
      library: 'rate-limiter-flexible',
      run: async () => {
        for (let i = 0; i < DECISIONS_PER_SAMPLE; i++) {
          // A denial is a rejection with a RateLimiterRes; anything else is a real error.
          const allowed = await flexible.consume(keyFor(next++)).then(
            () => true,
            (error: unknown) => {
              if (error instanceof RateLimiterRes) return false;
              throw error;
            },
          );
          if (allowed) sink++;
        }
        if (sink < 0) throw new Error('unreachable');
      },
    },
  ];
}

async function measureMemory(implementation: string): Promise<MemoryReport> {
  const script = new URL('./token-bucket-memory.ts', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script, implementation], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 1 << 20,
    timeout: 300_000,
  });
  return JSON.parse(stdout) as MemoryReport;
}

export async function benchTokenBucket(): Promise<Section> {
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => `client:${i}`);
  const hotKey = () => 'client:hot';
  const manyKeys = (i: number) => keys[i % KEY_COUNT]!;

  const hotAllowed = await compare({
    id: 'token-bucket-hot',
    title: 'Token bucket, one hot key, allowed',
    operation: 'one allow/deny decision on the same key; the quota is large enough that every decision admits',
    opsPerCall: DECISIONS_PER_SAMPLE,
    target: { peer: 'limiter', maxRatio: 0.7 },
    contenders: contenders({ capacity: 1e9, perSecond: 1e9 }, hotKey),
    notes: [
      'Bulwark also keeps its memory bounded (heap table below) and limiter does not: per decision it marks the bucket used (CLOCK second-chance eviction at maxKeys), and once per refill period it sweeps out idle buckets 32 per call; it returns a full decision (remaining, reset, retry-after) rather than a boolean.',
    ],
  });
  const hotDenied = await compare({
    id: 'token-bucket-hot-denied',
    title: 'Token bucket, one hot key, denied',
    operation: 'one decision on the same key once its quota (10, refilling 1/s) is spent: the path an abusive client takes',
    opsPerCall: DECISIONS_PER_SAMPLE,
    contenders: contenders({ capacity: 10, perSecond: 1 }, hotKey),
  });
  const spread = await compare({
    id: 'token-bucket-100k',
    title: 'Token bucket, 100,000 keys',
    operation: `one decision, keys taken round-robin from ${KEY_COUNT.toLocaleString('en-US')} clients (100 per second each; all admitted)`,
    opsPerCall: DECISIONS_PER_SAMPLE,
    target: { peer: 'limiter', maxRatio: 0.7 },
    contenders: contenders({ capacity: 100, perSecond: 100 }, manyKeys),
    notes: [`Bulwark runs with maxKeys ${(2 * KEY_COUNT).toLocaleString('en-US')} here so no key is evicted: the comparison is of decisions, not of eviction.`],
  });

  const memory: MemoryReport[] = [];
  for (const implementation of ['bulwark', 'limiter', 'rate-limiter-flexible']) {
    process.stderr.write(`  token-bucket: memory with ${implementation}\n`);
    memory.push(await measureMemory(implementation));
  }
  const heapTable: FactTable = {
    title: 'Heap after 1,000,000 distinct keys (one decision each), then after they went idle',
    columns: ['implementation', 'eviction policy', 'heap before', 'after 1M keys', 'keys held', 'after idle + 1,000 decisions', 'keys held'],
    rows: memory.map((m) => [
      m.label,
      m.policy,
      formatBytes(m.heapBefore),
      `+${formatBytes(m.heapAfterKeys - m.heapBefore)}`,
      m.keysAfterBurst.toLocaleString('en-US'),
      `+${formatBytes(m.heapAfterIdle - m.heapBefore)}`,
      m.keysAfterIdle.toLocaleString('en-US'),
    ]),
    notes: [
      'Measured in a fresh process per implementation with `--expose-gc`, `global.gc()` before each reading of `heapUsed`. Limits: 100 per second per key, so a key is idle (full again) after 1 s; the idle reading is taken after 1.5 s.',
    ],
  };
  const bulwarkMemory = memory[0]!;
  const targets: TargetCheck[] = [
    target('hot key ≤ 0.7 × limiter', hotAllowed.target!.ratio),
    target('100,000 keys ≤ 0.7 × limiter', spread.target!.ratio),
    {
      target: '1,000,000 idle keys: heap bounded by the eviction policy',
      measured: `${bulwarkMemory.keysAfterBurst.toLocaleString('en-US')} keys held (maxKeys), +${formatBytes(bulwarkMemory.heapAfterKeys - bulwarkMemory.heapBefore)}`,
      met: bulwarkMemory.keysAfterBurst <= 10_000,
    },
  ];
  return { id: 'token-bucket', title: 'In-memory rate limiting', comparisons: [hotAllowed, hotDenied, spread], facts: [heapTable], targets };

  function target(name: string, ratio: number): TargetCheck {
    return { target: name, measured: `${ratio.toFixed(2)} ×`, met: ratio <= 0.7 };
  }
}
