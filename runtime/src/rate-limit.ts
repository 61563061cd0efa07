/**
 * Bulwark pattern: rate-limit
 * An in-memory token bucket with bounded memory and an exact, cancellable wait(), plus the decision type and HTTP headers shared by every limiter.
 *
 * Patterns used: log
 * Packages used: none
 */
import { currentLogContext, logger } from './log.js';

// Only Web-standard globals are used so the Hono middleware built on this also runs on Bun, Deno and Workers.

/** The outcome of one rate-limit check. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The quota (bucket capacity, or requests per window). */
  readonly limit: number;
  /** Whole units left after this decision. */
  readonly remaining: number;
  /** Milliseconds until the quota is fully restored. */
  readonly resetMs: number;
  /** 0 when allowed; otherwise milliseconds until the same request could be admitted. */
  readonly retryAfterMs: number;
  /** Set when the store was unreachable and a failure policy decided instead (see rate-limit/redis). */
  readonly degraded?: boolean;
}

/** What a limiter promises, for the `RateLimit-Policy` header: `limit` units per `windowMs`. */
export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowMs: number;
}

/** Anything the HTTP middleware can ask: the token bucket here, or the Redis sliding window. */
export interface RateLimiter {
  readonly policy: RateLimitPolicy;
  take(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/** Time source of the token bucket; inject one in tests. `now` must be monotonic milliseconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// setTimeout fires at once for delays above 2^31-1 ms, so longer sleeps are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

function sleepOnce(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    // Not removed after it ran: an aborted signal never fires again.
    signal?.addEventListener('abort', onAbort);
  });
}

export const systemClock: Clock = {
  now: () => performance.now(),
  async sleep(ms, signal) {
    for (let left = ms; left > 0; left -= MAX_TIMER_MS) await sleepOnce(Math.min(left, MAX_TIMER_MS), signal);
    signal?.throwIfAborted();
  },
};

export interface TokenBucketOptions {
  /** Burst size: the most units a key can spend at once after being idle. Required, > 0. */
  readonly capacity: number;
  /** Units restored per second, continuously. Required, > 0. */
  readonly refillPerSecond: number;
  /**
   * Hard cap on tracked keys. Default 10 000. Past it the least recently used bucket (approximately: see
   * the CLOCK note in the class) is dropped, that key starting again with a full bucket, and a warning is
   * logged once; size it above your concurrent clients.
   */
  readonly maxKeys?: number;
  /** Default {@link systemClock}. */
  readonly clock?: Clock;
}

export interface WaitOptions {
  /** Units to take. Default 1; at most the capacity. */
  readonly cost?: number;
  /** Stops waiting at once (rejecting with its reason) and gives the reserved units back. */
  readonly signal?: AbortSignal;
}

interface Bucket {
  /** Balance as of `at`. Negative while waiters hold reservations on units not yet refilled. */
  tokens: number;
  at: number;
  /** Used since it last came round to the front of the Map: it gets a second chance instead of eviction. */
  used: boolean;
}

// Absorbs floating-point drift from fractional refills (e.g. 2.9999999999 tokens counts as 3).
const EPSILON = 1e-9;
// Buckets checked per call while a sweep for idle ones is under way: spreads a sweep over many calls.
const SWEEP_BATCH = 32;
// Idle buckets cost memory, not correctness: looking for them about once a second is plenty.
const MIN_SWEEP_INTERVAL_MS = 1_000;
// Buckets given a second chance per eviction, bounding its work; the last one probed is evicted even if used,
// unless a waiter holds a reservation on it (then the cap overflows: the waiters' promises hold memory anyway).
const MAX_EVICTION_PROBES = 16;

/**
 * Token bucket per key, in process memory: bursts up to `capacity`, sustained `refillPerSecond`.
 * For limits shared by several processes use the Redis sliding window (rate-limit/redis).
 *
 * Memory stays bounded two ways: buckets that have refilled to capacity (idle, so indistinguishable from
 * new ones) are swept out a few per call, one sweep per refill period; and past `maxKeys` the least
 * recently used bucket, approximately, is dropped.
 */
export class TokenBucketLimiter implements RateLimiter {
  readonly policy: RateLimitPolicy;
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly clock: Clock;
  /**
   * Front = the next candidate for eviction. Keeping exact least-recently-used order would cost a delete
   * and re-insert per decision, most of what a decision costs; instead eviction follows the CLOCK
   * algorithm of OS page caches: a use sets the bucket's `used` bit, and a bucket found at the front with
   * the bit set is moved to the back with the bit cleared (its second chance) instead of being dropped.
   */
  private readonly buckets = new Map<string, Bucket>();
  /**
   * The clock hand: a long-lived iterator whose next entry is the front. Not `entries().next()` per
   * eviction: a V8 Map leaves a tombstone per deleted entry until its table is rebuilt, and a fresh
   * iterator walks every tombstone earlier evictions left at the front, O(maxKeys) per new key at the
   * cap (about 10 µs at 10,000 keys); the hand steps over each tombstone once.
   */
  private hand: MapIterator<[string, Bucket]> | undefined;
  private readonly sweepIntervalMs: number;
  /** Where the sweep under way has got to; undefined between sweeps. */
  private sweep: MapIterator<[string, Bucket]> | undefined;
  /** When the next sweep starts; -Infinity while one is under way. */
  private nextSweepAt = -Infinity;
  private sweepStartedAt = 0;
  private warnedAboutCap = false;

  constructor(options: TokenBucketOptions) {
    const { capacity, refillPerSecond, maxKeys = 10_000, clock = systemClock } = options ?? ({} as TokenBucketOptions);
    if (!(Number.isFinite(capacity) && capacity > 0)) throw new RangeError(`capacity must be a finite number > 0, got ${String(capacity)}`);
    if (!(Number.isFinite(refillPerSecond) && refillPerSecond > 0)) {
      throw new RangeError(`refillPerSecond must be a finite number > 0, got ${String(refillPerSecond)}`);
    }
    if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) throw new RangeError(`maxKeys must be an integer >= 1, got ${String(maxKeys)}`);
    this.capacity = capacity;
    this.perMs = refillPerSecond / 1000;
    this.maxKeys = maxKeys;
    this.clock = clock;
    this.policy = { limit: capacity, windowMs: (capacity / refillPerSecond) * 1000 };
    // e.g. capacity 1e308 at 1e-10/s: headers would say "Infinity" and idle buckets would never be swept.
    if (!Number.isFinite(this.policy.windowMs)) {
      throw new RangeError(`capacity / refillPerSecond must be a finite number of seconds, got ${capacity} / ${refillPerSecond}`);
    }
    // A sweep visits every bucket once; one per refill period (a bucket idle that long is full) keeps the work per call small.
    this.sweepIntervalMs = Math.max(this.policy.windowMs, MIN_SWEEP_INTERVAL_MS);
  }

  /** Number of keys currently tracked (bounded by `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes `cost` units now if available. Never waits. */
  take(key: string, cost = 1): RateLimitDecision {
    this.checkKey(key);
    this.checkCost(cost);
    const now = this.clock.now();
    const bucket = this.use(key, now);
    const allowed = bucket.tokens + EPSILON >= cost;
    if (allowed) bucket.tokens -= cost;
    return {
      allowed,
      limit: this.capacity,
      remaining: Math.max(0, Math.floor(bucket.tokens + EPSILON)),
      resetMs: this.msUntil(this.capacity - bucket.tokens),
      retryAfterMs: allowed ? 0 : this.msUntil(cost - bucket.tokens),
    };
  }

  /**
   * Resolves once `cost` units are yours: sleeps exactly until they have refilled (one timer, no polling).
   * Waiters are served in arrival order because each one reserves its units up front (the balance goes
   * negative), so `take()` callers cannot starve them either.
   */
  async wait(key: string, options: WaitOptions = {}): Promise<void> {
    const cost = options.cost ?? 1;
    this.checkKey(key);
    this.checkCost(cost);
    options.signal?.throwIfAborted();
    const now = this.clock.now();
    const bucket = this.use(key, now);
    bucket.tokens -= cost;
    if (bucket.tokens + EPSILON >= 0) return;
    const dueAt = now - bucket.tokens / this.perMs;
    try {
      // Normally one sleep. Timers may fire a fraction of a millisecond early by this clock; then the
      // remainder is slept too, because the reservation is only paid for at `dueAt`.
      for (let left = dueAt - now; left > EPSILON; left = dueAt - this.clock.now()) await this.clock.sleep(left, options.signal);
    } catch (error) {
      // Hand the reservation back so callers behind this one are not held up by a caller that left.
      // (Had the bucket been swept meanwhile, this changes a bucket nothing refers to any more.)
      this.refill(bucket, this.clock.now());
      bucket.tokens = Math.min(this.capacity, bucket.tokens + cost);
      throw error;
    }
  }

  private use(key: string, now: number): Bucket {
    if (now >= this.nextSweepAt) this.sweepIdle(now);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evictIdlest(now);
      // Not marked used: a key seen once is the first to go when the cap is reached.
      bucket = { tokens: this.capacity, at: now, used: false };
      this.buckets.set(key, bucket);
      return bucket;
    }
    this.refill(bucket, now);
    bucket.used = true;
    return bucket;
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.perMs);
    bucket.at = now;
  }

  // A bucket that has refilled to capacity is indistinguishable from a new one, so dropping it loses nothing.
  private sweepIdle(now: number): void {
    if (this.sweep === undefined) {
      this.sweep = this.buckets.entries();
      this.nextSweepAt = -Infinity;
      this.sweepStartedAt = now;
    }
    for (let checked = 0; checked < SWEEP_BATCH; checked++) {
      const next = this.sweep.next();
      if (next.done) {
        this.sweep = undefined;
        this.nextSweepAt = this.sweepStartedAt + this.sweepIntervalMs;
        return;
      }
      const [key, bucket] = next.value;
      this.refill(bucket, now);
      if (bucket.tokens + EPSILON >= this.capacity) this.buckets.delete(key);
    }
  }

  private evictIdlest(now: number): void {
    if (!this.warnedAboutCap) {
      this.warnedAboutCap = true;
      logger.warn(
        { maxKeys: this.maxKeys },
        'rate limiter reached maxKeys: evicting least recently used buckets (those keys restart with a full bucket); raise maxKeys or use a shared store',
      );
    }
    for (let probe = 1; probe <= MAX_EVICTION_PROBES; probe++) {
      // Never done here: entries it has passed are gone, and one is left (or added since) beyond it.
      const front = (this.hand ??= this.buckets.entries()).next();
      const [key, bucket] = front.value!;
      this.buckets.delete(key);
      this.refill(bucket, now);
      // A negative balance means a waiter holds a reservation: forgetting it would admit extra units.
      const reserved = bucket.tokens + EPSILON < 0;
      if (!reserved && (!bucket.used || probe === MAX_EVICTION_PROBES)) return;
      bucket.used = false;
      this.buckets.set(key, bucket);
    }
  }

  private msUntil(units: number): number {
    return units <= EPSILON ? 0 : Math.ceil(units / this.perMs);
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string') throw new TypeError(`rate limit key must be a string, got ${typeof key}`);
  }

  private checkCost(cost: number): void {
    if (!(Number.isFinite(cost) && cost > 0)) throw new RangeError(`cost must be a finite number > 0, got ${String(cost)}`);
    if (cost > this.capacity) {
      throw new RangeError(`cost ${cost} exceeds the bucket capacity ${this.capacity}: it could never be admitted`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: headers and 429 body shared by rate-limit/express.ts, rate-limit/hono.ts and rate-limit/fastify.ts.

/**
 * Headers of draft-ietf-httpapi-ratelimit-headers-06 (`RateLimit-Limit`, `-Remaining`, `-Reset` in
 * seconds, `RateLimit-Policy: <limit>;w=<window seconds>`), plus `Retry-After` (seconds, >= 1) when denied.
 */
export function rateLimitHeaders(decision: RateLimitDecision, policy: RateLimitPolicy): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
    'RateLimit-Policy': `${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(retryAfterSeconds(decision));
  return headers;
}

function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

/** The JSON body of a 429, shaped like the errors pattern's bodies; carries the request id when the middleware pattern set one. */
export function rateLimitedBody(decision: RateLimitDecision): Record<string, unknown> {
  const { requestId } = currentLogContext();
  return {
    code: 'RATE_LIMITED',
    message: 'Too many requests',
    details: { retryAfterSeconds: retryAfterSeconds(decision) },
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/**
 * The default rate-limit key: the client address, with IPv4-mapped IPv6 unwrapped and IPv6 reduced to its
 * /64 network — one subscriber usually owns a whole /64, so per-address keys would let it rotate freely.
 * Behind a proxy, make your framework resolve the real client address first (Express/Fastify `trust proxy`).
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address) return 'ip:unknown';
  // The zone ("%eth0") names the local interface, not the client. IPv4 does not expand: it is its own key.
  const bare = address.split('%', 1)[0]!.toLowerCase();
  const groups = expandIPv6(bare);
  if (!groups) return `ip:${bare}`;
  // IPv4-mapped (::ffff:0:0/96) is an IPv4 client on a dual-stack socket, however the address is spelt.
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') return `ip:${mappedIPv4(groups.slice(6))}`;
  return `ip:${groups.slice(0, 4).join(':')}::/64`;
}

/** The IPv4 address in the last 32 bits: a dotted tail as it is, or two hex groups ("c000:201" is 192.0.2.1). */
function mappedIPv4(tail: string[]): string {
  if (tail.length === 1) return tail[0]!;
  const [high, low] = tail.map((group) => parseInt(group, 16)) as [number, number];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function expandIPv6(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':') : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  // An embedded IPv4 tail ("64:ff9b::1.2.3.4", "1:2:3:4:5:6:1.2.3.4") fills the last two groups; the /64 prefix never needs it.
  const count = head.length + tail.length + (address.includes('.') ? 1 : 0);
  const missing = 8 - count;
  // Only `::` stands for missing groups.
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...Array<string>(missing).fill('0'), ...tail].map((group) => group.replace(/^0+(?=[0-9a-f])/, ''));
}
