/**
 * Bulwark pattern: rate-limit/redis
 * Redis limiters shared by every process: an exact sliding log, and GCRA (a token bucket in one timestamp per key). One atomic Lua script per decision (EVALSHA, reloaded on NOSCRIPT), Redis server time, fail-open or fail-closed.
 *
 * Patterns used: rate-limit, log
 * Packages used: ioredis
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { logger } from '../log.js';
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from '../rate-limit.js';

/*
 * Why each line of the sliding-log script is there:
 * - Time comes from Redis `TIME`, not from the caller: app servers' clocks drift apart, and a window
 *   judged by several clocks admits too much (or too little). One key lives on one Redis node, so every
 *   decision about it uses one clock. (Scripts are replicated by effects since Redis 5, so TIME is allowed.)
 * - Trim, count and add happen in one script, so concurrent callers cannot both see "one slot left".
 * - A denied request is NOT added: otherwise a client that keeps retrying keeps its own window full forever.
 * - Members are the caller's nonce (an instance id and a counter): two requests in the same microsecond,
 *   or from two processes, stay two entries. The nonce is short: every member is stored, compared and
 *   copied by Redis for a whole window.
 * - The only key is KEYS[1], so it works on Redis Cluster.
 * - Each redis.call and each reply element costs Redis CPU on every decision (measured: docs/redis-rate-limit-scripts.md),
 *   so an admission returns one integer, `remaining`: its window empties a full window from now, which the
 *   caller knows. Only a denial reads the log's ends and returns { µs until the newest entry leaves the
 *   window, µs until the oldest does }.
 */
const SLIDING_LOG_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = time[1] * 1000000 + time[2]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return limit - count - 1
end
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { newest[2] + window - now, oldest[2] + window - now }
`;

/*
 * GCRA (generic cell rate algorithm): a token bucket of `limit` tokens refilled at `limit` per window,
 * kept as one instant per key, the theoretical arrival time (TAT) of the next request when the bucket is
 * drained at the steady rate. A request is admitted when TAT - window + interval <= now; admitting moves
 * TAT one interval later.
 * - The key's expiry IS the TAT: PTTL reads "TAT - now" on the Redis server's clock (no TIME, no GET) and
 *   PEXPIRE moves it, so an admission costs two commands inside the script, a denial one, and the key
 *   vanishes exactly when the bucket is whole again. A missing key is a full bucket.
 * - Arithmetic is in ticks of 1/limit ms, where one interval is `windowMs` ticks and a window
 *   `windowMs * limit`: integers, so 3 per second stays exact without rounding or epsilons. (The
 *   constructor keeps `windowMs * limit` a safe integer.)
 * - Expiry has whole milliseconds. When an interval is not whole milliseconds, the key's value holds the
 *   ticks by which the expiry overshoots the TAT (GET + SET); otherwise the value is empty and unread.
 * - A denied request writes nothing, so retrying clients do not push their own TAT forward.
 * - One integer reply: ticks from now to the new TAT when admitted (> 0), minus the ticks to the
 *   current TAT when denied (< 0); the caller derives remaining, reset and retry-after from its policy.
 */
const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local fractional = interval % limit ~= 0
local ttl = redis.call('PTTL', KEYS[1])
local tat = 0
if ttl >= 0 then
  tat = ttl * limit
  if fractional then tat = tat - (tonumber(redis.call('GET', KEYS[1])) or 0) end
  if tat < 0 then tat = 0 end
end
tat = tat + interval
if tat > interval * limit then return interval - tat end
local ms = math.ceil(tat / limit)
if fractional then
  redis.call('SET', KEYS[1], ms * limit - tat, 'PX', ms)
elseif ttl >= 0 then
  redis.call('PEXPIRE', KEYS[1], ms)
else
  redis.call('SET', KEYS[1], '', 'PX', ms)
end
return tat
`;

/** Most decisions in one socket write (see batchWrites). 8 to 32 measured alike at 64 in flight; 64 (one write per tick) lost the gain. */
const WRITE_BATCH = 16;

interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

const luaScript = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const SLIDING_LOG = luaScript(SLIDING_LOG_SCRIPT);
const GCRA = luaScript(GCRA_SCRIPT);

// ioredis statuses in which a command could only wait in the offline queue. ('connecting' is not here: it
// is also the normal state right after startup; the timeout bounds it.)
const UNAVAILABLE = new Set(['reconnecting', 'close', 'end']);

export interface RedisLimiterOptions {
  /** An ioredis client or cluster (attach an 'error' listener to it, as for any ioredis client). */
  readonly redis: Redis | Cluster;
  /** Requests admitted per window, per key. Integer >= 1. */
  readonly limit: number;
  /** Window length in milliseconds. Integer >= 1. */
  readonly windowMs: number;
  /** Prefix of every Redis key. Default `'rate-limit:'`; give each limiter its own. */
  readonly prefix?: string;
  /**
   * When Redis cannot decide (unreachable, timed out, erroring): `true` admits the request, `false` denies it.
   * Default `true`: a rate limiter should not turn a Redis outage into a full outage. Use `false` where
   * the limit is a security control (login, password reset, costly endpoints).
   */
  readonly failOpen?: boolean;
  /**
   * Longest wait for a connected Redis before the failure policy decides. Default 500 ms. (While the client
   * is disconnected the policy decides at once.) A command that timed out may still run later and count.
   */
  readonly timeoutMs?: number;
}

/** Options of both Redis limiters. */
export type SlidingWindowOptions = RedisLimiterOptions;
export type GcraOptions = RedisLimiterOptions;

/** What both Redis limiters share: validation, one EVALSHA per decision with a timeout, NOSCRIPT reload, the failure policy. */
abstract class RedisScriptLimiter implements RateLimiter {
  readonly policy: RateLimitPolicy;
  private readonly redis: Redis | Cluster;
  private readonly prefix: string;
  private readonly failOpen: boolean;
  private readonly timeoutMs: number;
  private policyDecisions = 0;

  constructor(
    options: RedisLimiterOptions,
    private readonly script: LuaScript,
  ) {
    const { redis, limit, windowMs, prefix = 'rate-limit:', failOpen = true, timeoutMs = 500 } = options ?? ({} as RedisLimiterOptions);
    if (!redis || typeof (redis as Redis).evalsha !== 'function') throw new TypeError('redis must be an ioredis client or cluster');
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`limit must be an integer >= 1, got ${String(limit)}`);
    if (!(Number.isInteger(windowMs) && windowMs >= 1)) throw new RangeError(`windowMs must be an integer >= 1, got ${String(windowMs)}`);
    // Both scripts count in units this fine (µs for the log, 1/limit ms for GCRA); beyond 2^53 they would round.
    if (!Number.isSafeInteger(windowMs * Math.max(limit, 1000)))
      throw new RangeError(`windowMs × limit (and windowMs × 1000) must stay below 2^53, got ${windowMs} × ${limit}`);
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
    if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
    this.redis = redis;
    this.prefix = prefix;
    this.failOpen = failOpen;
    this.timeoutMs = timeoutMs;
    this.policy = { limit, windowMs };
  }

  /** The script's ARGV for one decision. */
  protected abstract scriptArguments(): readonly string[];

  /** The decision a reply of this limiter's script stands for. */
  protected abstract decide(reply: unknown): RateLimitDecision;

  /**
   * Decides and records one request for `key`. Never rejects for Redis trouble: the failure policy answers.
   * (One promise per decision besides ioredis's own, settled from the reply: no async wrappers, no per-call
   * timer; this runs on every request.)
   */
  take(key: string): Promise<RateLimitDecision> {
    if (typeof key !== 'string') return Promise.reject(new TypeError(`rate limit key must be a string, got ${typeof key}`));
    // While the client is between reconnect attempts, decide at once: a queued command would only run
    // after recovery, recording a request the policy already answered.
    if (UNAVAILABLE.has(this.redis.status)) return Promise.resolve(this.decideWithoutRedis(new Error(`Redis connection is ${this.redis.status}`)));
    return new Promise<RateLimitDecision>((resolve) => {
      const id = this.nextWaitingId++;
      this.waiting.set(id, { deadline: Date.now() + this.timeoutMs, resolve });
      this.timer ??= setTimeout(this.decideOverdue, this.timeoutMs);
      const fullKey = this.prefix + key;
      const args = this.scriptArguments();
      this.batchWrites();
      const onReply = (reply: unknown): void => {
        if (!this.waiting.delete(id)) return; // the failure policy already answered (timeout)
        const decision = this.decide(reply);
        if (this.policyDecisions > 0) {
          logger.info({ policyDecisions: this.policyDecisions }, 'rate limiter: Redis answers again');
          this.policyDecisions = 0;
        }
        resolve(decision);
      };
      const onError = (error: unknown): void => {
        if (this.waiting.delete(id)) resolve(this.decideWithoutRedis(error));
      };
      this.redis.evalsha(this.script.sha, 1, fullKey, ...args).then(onReply, (error: unknown) => {
        // The script cache is empty after a restart, failover or SCRIPT FLUSH; EVAL runs it and caches it again.
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) this.redis.eval(this.script.source, 1, fullKey, ...args).then(onReply, onError);
        else onError(error);
      });
    });
  }

  /**
   * Decisions started in the same tick while others are in flight leave in socket writes of up to
   * WRITE_BATCH commands: the connection is corked until the batch is full or the tick ends, so N write
   * syscalls become N / WRITE_BATCH writevs (with 64 decisions in flight the per-command write was the
   * largest single cost in Node.js). The batch is capped so Redis can start on one batch while Node.js
   * is still sending the next: one write for a whole tick made them take turns, and 64 decisions in
   * flight went no faster than uncorked (measured: docs/redis-rate-limit-scripts.md). Each decision is
   * still its own EVALSHA with its own reply; other commands sent on this connection in the same tick
   * join the write, none is held past the tick. A Cluster has a connection per node, not one stream: its
   * commands go out as they come.
   */
  private corkedStream: Redis['stream'] | undefined;
  private corkedWrites = 0;

  private batchWrites(): void {
    if (this.corkedStream !== undefined) {
      if (this.corkedWrites < WRITE_BATCH) {
        this.corkedWrites++;
        return;
      }
      this.corkedStream.uncork();
      this.corkedStream.cork();
      this.corkedWrites = 1;
      return;
    }
    // A lone decision goes out at once (sequential callers gain nothing from waiting for the tick's end);
    // batching starts when another decision is already waiting for its reply.
    if (this.waiting.size < 2) return;
    const stream = (this.redis as Partial<Redis>).stream;
    if (typeof stream?.cork !== 'function') return;
    stream.cork();
    this.corkedStream = stream;
    this.corkedWrites = 1;
    process.nextTick(this.flushWrites);
  }

  private readonly flushWrites = (): void => {
    this.corkedStream?.uncork();
    this.corkedStream = undefined;
  };

  /**
   * Decisions waiting for Redis, oldest first, each with its deadline. One timer serves them all: a timer
   * per decision (created and cleared on every request) costs more than the Redis round trip's own work.
   */
  private readonly waiting = new Map<number, { readonly deadline: number; readonly resolve: (decision: RateLimitDecision) => void }>();
  private nextWaitingId = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Lets the failure policy answer every decision past its deadline (all deadlines are `timeoutMs` after their start, so the oldest come first). */
  private readonly decideOverdue = (): void => {
    this.timer = undefined;
    const now = Date.now();
    for (const [id, { deadline, resolve }] of this.waiting) {
      if (deadline > now) {
        this.timer = setTimeout(this.decideOverdue, deadline - now);
        return;
      }
      this.waiting.delete(id);
      resolve(this.decideWithoutRedis(new Error(`Redis did not answer within ${this.timeoutMs} ms`)));
    }
  };

  private decideWithoutRedis(error: unknown): RateLimitDecision {
    // One warning when trouble starts and one info line when it ends, not one line per request of an outage.
    if (this.policyDecisions++ === 0) {
      logger.warn(
        { err: error, failOpen: this.failOpen },
        this.failOpen ? 'rate limiter: Redis unavailable, admitting requests (fail open)' : 'rate limiter: Redis unavailable, denying requests (fail closed)',
      );
    }
    const { limit, windowMs } = this.policy;
    if (this.failOpen) return { allowed: true, limit, remaining: limit, resetMs: 0, retryAfterMs: 0, degraded: true };
    const retryAfterMs = Math.min(windowMs, 1000);
    return { allowed: false, limit, remaining: 0, resetMs: retryAfterMs, retryAfterMs, degraded: true };
  }
}

/**
 * At most `limit` requests per key in any window of `windowMs` (a sliding log, exact rather than the
 * fixed-window approximation), shared by every process that uses the same Redis. One round trip per
 * decision: EVALSHA; only after a Redis restart or SCRIPT FLUSH does one decision add an EVAL.
 * Memory: one sorted-set entry per admitted request in the window. For high limits, prefer GcraLimiter.
 */
export class SlidingWindowLimiter extends RedisScriptLimiter {
  /** Unique per limiter instance (72 random bits), so members from different processes never collide; the counter orders this one's. */
  private readonly nonce = `${randomBytes(9).toString('base64url')}:`;
  private requests = 0;

  constructor(options: SlidingWindowOptions) {
    super(options, SLIDING_LOG);
  }

  // The same for every decision: encoded once, not on every call.
  private readonly limitWindowAndExpiry = [String(this.policy.limit), String(this.policy.windowMs * 1000), String(this.policy.windowMs)] as const;

  protected scriptArguments(): string[] {
    const [limit, windowUs, expiryMs] = this.limitWindowAndExpiry;
    return [limit, windowUs, this.nonce + (this.requests++).toString(36), expiryMs];
  }

  protected decide(reply: unknown): RateLimitDecision {
    const { limit, windowMs } = this.policy;
    if (typeof reply === 'number') return { allowed: true, limit, remaining: reply, resetMs: windowMs, retryAfterMs: 0 };
    const [newestLeavesUs, oldestLeavesUs] = reply as [number, number];
    return { allowed: false, limit, remaining: 0, resetMs: Math.ceil(newestLeavesUs / 1000), retryAfterMs: Math.ceil(oldestLeavesUs / 1000) };
  }
}

/**
 * A token bucket of `limit` tokens that refills at `limit` per `windowMs` (GCRA): a full bucket admits a
 * burst of `limit`, then one request every `windowMs / limit`. Exact for that contract, shared by every
 * process on the same Redis, one key per client whose expiry is its only state, one EVALSHA per decision.
 * Unlike the sliding log it does not promise "at most `limit` in any window": after a burst the steady
 * rate continues, so a window that starts with a full bucket can admit nearly twice `limit`. Choose it for
 * speed and memory; choose the sliding log where the per-window promise is the contract.
 */
export class GcraLimiter extends RedisScriptLimiter {
  constructor(options: GcraOptions) {
    super(options, GCRA);
  }

  // The same for every decision: encoded once, not by ioredis on every call.
  private readonly limitAndInterval = [String(this.policy.limit), String(this.policy.windowMs)];

  protected scriptArguments(): string[] {
    return this.limitAndInterval;
  }

  /** `reply` is in ticks of 1/limit ms (see GCRA_SCRIPT): one interval is `windowMs` ticks. */
  protected decide(reply: unknown): RateLimitDecision {
    const { limit, windowMs } = this.policy;
    const ticks = reply as number;
    if (ticks > 0) {
      return { allowed: true, limit, remaining: Math.floor((windowMs * limit - ticks) / windowMs), resetMs: Math.ceil(ticks / limit), retryAfterMs: 0 };
    }
    const ticksToTat = -ticks;
    const retryAfterMs = Math.ceil((ticksToTat + windowMs - windowMs * limit) / limit);
    return { allowed: false, limit, remaining: 0, resetMs: Math.ceil(ticksToTat / limit), retryAfterMs };
  }
}
