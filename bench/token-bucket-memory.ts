// Child process of token-bucket.bench.ts: heap used by one in-memory limiter after a million distinct
// keys. A fresh process per implementation, so one's garbage cannot be billed to another.
// Usage: node --expose-gc --import tsx bench/token-bucket-memory.ts <bulwark|limiter|rate-limiter-flexible>
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiter } from 'limiter';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TokenBucketLimiter } from '../runtime/src/rate-limit.js';

export interface MemoryReport {
  readonly label: string;
  readonly policy: string;
  readonly heapBefore: number;
  readonly heapAfterKeys: number;
  readonly keysAfterBurst: number;
  readonly heapAfterIdle: number;
  readonly keysAfterIdle: number;
}

const DISTINCT_KEYS = 1_000_000;
const CAPACITY = 100; // per second, so a key is idle (its bucket full again) one second after its last use
const IDLE_WAIT_MS = 1_500;

interface Subject {
  label: string;
  policy: string;
  decide(key: string): void | Promise<void>;
  keys(): number;
}

function subject(name: string | undefined): Subject {
  switch (name) {
    case 'bulwark': {
      const limiter = new TokenBucketLimiter({ capacity: CAPACITY, refillPerSecond: CAPACITY });
      return {
        label: 'bulwark TokenBucketLimiter (default maxKeys)',
        policy: 'cap of 10,000 keys (CLOCK, approximately LRU); idle buckets swept 32 per call, once per refill period',
        decide: (key) => void limiter.take(key),
        keys: () => limiter.size,
      };
    }
    case 'limiter': {
      const perKey = new Map<string, RateLimiter>();
      return {
        label: 'limiter RateLimiter per key in a Map',
        policy: 'none: the Map is the caller\'s to prune',
        decide: (key) => {
          let limiter = perKey.get(key);
          if (!limiter) perKey.set(key, (limiter = new RateLimiter({ tokensPerInterval: CAPACITY, interval: 1000 })));
          limiter.tryRemoveTokens(1);
        },
        keys: () => perKey.size,
      };
    }
    case 'rate-limiter-flexible': {
      const limiter = new RateLimiterMemory({ points: CAPACITY, duration: 1 });
      // The storage Map is private; its size is read only to report how many keys are held.
      const storage = (limiter as unknown as { _memoryStorage: { _storage: Map<string, unknown> } })._memoryStorage._storage;
      return {
        label: 'rate-limiter-flexible RateLimiterMemory',
        policy: 'one timer per key deletes it when its window ends',
        decide: (key) =>
          limiter.consume(key).then(
            () => undefined,
            (error: unknown) => {
              if (!(error instanceof RateLimiterRes)) throw error;
            },
          ),
        keys: () => storage.size,
      };
    }
    default:
      throw new Error(`unknown implementation ${JSON.stringify(name)}; expected bulwark, limiter or rate-limiter-flexible`);
  }
}

function heapUsed(): number {
  if (!globalThis.gc) throw new Error('run with --expose-gc: heap readings without a full GC first are noise');
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const tested = subject(process.argv[2]);
const heapBefore = heapUsed();
for (let i = 0; i < DISTINCT_KEYS; i++) await tested.decide(`ip:${i}`);
const heapAfterKeys = heapUsed();
const keysAfterBurst = tested.keys();
await sleep(IDLE_WAIT_MS);
// Ordinary traffic after the burst: this is when an eviction policy driven by calls gets to run.
for (let i = 0; i < 1_000; i++) await tested.decide('ip:steady');
const report: MemoryReport = {
  label: tested.label,
  policy: tested.policy,
  heapBefore,
  heapAfterKeys,
  keysAfterBurst,
  heapAfterIdle: heapUsed(),
  keysAfterIdle: tested.keys(),
};
process.stdout.write(JSON.stringify(report));
