/**
 * Bulwark pattern: background/redis
 * A reliable Redis-list Queue: BLMOVE into a processing list, ack by LREM, recover() for crashed consumers, delayed retries and a dead-letter list.
 *
 * Patterns used: background, log
 * Packages used: ioredis
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  BackgroundTask,
  MAX_RETRY_DELAY_MS,
  MAX_TIMER_DELAY,
  delay,
  type BackgroundTaskOptions,
  type Queue,
  type QueueMessage,
  type TaskContext,
} from '../background.js';
import { logger } from '../log.js';

export interface RedisQueueOptions {
  /** Queue name; keys are `{name}:ready`, `:processing`, `:leases`, `:delayed`, `:dead` (one hash slot, so Cluster works). */
  name: string;
  /** Connection for ordinary commands (may be shared). A dedicated blocking connection is duplicated from it. */
  redis: Redis;
  /** Longest single BLMOVE wait, at most 2^31-1 ms; receive() then returns [] so the caller can re-check its state. Default 5000 ms. */
  blockTimeoutMs?: number;
  /** Age at which recover() treats a processing entry as abandoned; must exceed your slowest handler. Default 300 000 ms. */
  visibilityTimeoutMs?: number;
}

export interface RedisQueueCounts {
  ready: number;
  processing: number;
  delayed: number;
  dead: number;
}

// Moves a settled entry out of `processing` and, only if it was still there, on to its next place.
// Conditional so a consumer settling a message that recover() already handed to someone else cannot duplicate it.
// Every input is checked before the first write: a script that fails after LREM has deleted the message.
// Exported so that contract is tested directly, with inputs the TypeScript side would refuse.
export const SETTLE_SCRIPT = `
local mode = ARGV[2]
if mode ~= 'none' and mode ~= 'lpush' and mode ~= 'rpush' and mode ~= 'zadd' then
  return redis.error_reply('ERR settle: unknown mode ' .. tostring(mode))
end
if mode ~= 'none' and (ARGV[3] == nil or ARGV[3] == '') then return redis.error_reply('ERR settle: empty entry') end
if mode == 'zadd' then
  local score = tonumber(ARGV[4])
  if score == nil or score ~= score or score == math.huge or score == -math.huge then
    return redis.error_reply('ERR settle: retry score must be a finite number, got ' .. tostring(ARGV[4]))
  end
end
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] == 'lpush' then redis.call('LPUSH', KEYS[3], ARGV[3])
elseif ARGV[2] == 'rpush' then redis.call('RPUSH', KEYS[3], ARGV[3])
elseif ARGV[2] == 'zadd' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3]) end
return 1`;

// Non-blocking take: move up to ARGV[1] entries and stamp their lease in the same atomic step.
const TAKE = `
local taken = {}
for i = 1, tonumber(ARGV[1]) do
  local raw = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not raw then break end
  redis.call('ZADD', KEYS[3], ARGV[2], raw)
  taken[#taken + 1] = raw
end
return taken`;

// Promotes due retries to the back of the ready list; returns the score of the next pending retry.
const PROMOTE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, raw in ipairs(due) do
  redis.call('ZREM', KEYS[1], raw)
  redis.call('LPUSH', KEYS[2], raw)
end
local next = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return next[2] or false`;

// Moves processing entries taken at or before the cutoff back to the front of ready, counting the
// crash as an attempt (so a message that kills every consumer ends dead-lettered, not looping).
// An entry without a lease (its consumer died between BLMOVE and stamping it) is stamped now.
const RECOVER = `
local moved = 0
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local takenAt = redis.call('ZSCORE', KEYS[2], raw)
  if not takenAt then
    redis.call('ZADD', KEYS[2], ARGV[1], raw)
    takenAt = ARGV[1]
  end
  if tonumber(takenAt) <= tonumber(ARGV[2]) then
    redis.call('LREM', KEYS[1], 1, raw)
    redis.call('ZREM', KEYS[2], raw)
    local bumped = string.gsub(raw, '^({"id":"[^"]*","attempts":)(%d+)', function(prefix, n) return prefix .. (tonumber(n) + 1) end, 1)
    redis.call('RPUSH', KEYS[3], bumped)
    moved = moved + 1
  end
end
return moved`;

/**
 * A {@link Queue} on Redis lists. Delivery is at-least-once: a message leaves Redis only when acked,
 * dead-lettered, or retried into the delayed set, so a consumer crash loses nothing — call
 * {@link recover} periodically (any consumer may) to redeliver what crashed consumers held.
 * Bodies travel as JSON. Needs Redis >= 6.2 (BLMOVE).
 */
export class RedisQueue<T> implements Queue<T> {
  readonly name: string;
  readonly #redis: Redis;
  readonly #keys: { ready: string; processing: string; leases: string; delayed: string; dead: string };
  readonly #blockTimeoutMs: number;
  readonly #visibilityTimeoutMs: number;
  // The exact stored string is what LREM needs; re-encoding a parsed body is not guaranteed to reproduce it.
  readonly #raws = new WeakMap<QueueMessage<T>, string>();
  #blocking: Redis | undefined;
  #blockingId: number | undefined;

  constructor(options: RedisQueueOptions) {
    if (typeof options.name !== 'string' || !options.name || /[{}]/.test(options.name)) {
      const got = typeof options.name === 'string' ? `"${options.name}"` : typeof options.name;
      throw new TypeError(`queue name must be a non-empty string free of braces, got ${got}`);
    }
    this.name = options.name;
    this.#redis = options.redis;
    const tag = `{${options.name}}`;
    this.#keys = { ready: `${tag}:ready`, processing: `${tag}:processing`, leases: `${tag}:leases`, delayed: `${tag}:delayed`, dead: `${tag}:dead` };
    this.#blockTimeoutMs = positive('blockTimeoutMs', options.blockTimeoutMs ?? 5000);
    // Larger waits are refused by Redis ("timeout is out of range") on every receive.
    if (this.#blockTimeoutMs > MAX_TIMER_DELAY) throw new RangeError(`blockTimeoutMs must be <= ${MAX_TIMER_DELAY}, got ${this.#blockTimeoutMs}`);
    this.#visibilityTimeoutMs = positive('visibilityTimeoutMs', options.visibilityTimeoutMs ?? 300_000);
  }

  async enqueue(body: T): Promise<string> {
    const id = randomUUID();
    await this.#redis.lpush(this.#keys.ready, this.#encode({ id, attempts: 0, body }));
    return id;
  }

  async receive(max: number, signal: AbortSignal): Promise<QueueMessage<T>[]> {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be an integer >= 1, got ${String(max)}`);
    if (signal.aborted) return [];
    const nextRetryAt = (await this.#redis.eval(PROMOTE, 2, this.#keys.delayed, this.#keys.ready, Date.now())) as string | null;
    let raws = await this.#take(max);
    if (raws.length === 0) {
      // Redis reports an infinite score as "inf", which Number() makes NaN, and a NaN BLMOVE timeout fails every receive.
      const retryAt = nextRetryAt === null ? NaN : Number(nextRetryAt);
      const untilRetry = Number.isFinite(retryAt) ? retryAt - Date.now() : Infinity;
      // Whole ms and at least 1: Redis truncates the timeout to ms, and a 0 timeout would block forever.
      const first = await this.#blockingMove(Math.ceil(Math.max(1, Math.min(this.#blockTimeoutMs, untilRetry))), signal);
      if (first === null) return [];
      await this.#redis.zadd(this.#keys.leases, Date.now(), first);
      raws = max > 1 ? [first, ...(await this.#take(max - 1))] : [first];
    }
    const messages: QueueMessage<T>[] = [];
    for (const raw of raws) {
      const message = parse<T>(raw);
      if (message) {
        this.#raws.set(message, raw);
        messages.push(message);
      } else {
        await this.#parkMalformed(raw);
      }
    }
    return messages;
  }

  async ack(message: QueueMessage<T>): Promise<void> {
    await this.#settle(message, 'none', '', 0);
  }

  async retry(message: QueueMessage<T>, delayMs: number, error: string): Promise<void> {
    if (typeof delayMs !== 'number' || Number.isNaN(delayMs) || delayMs > MAX_RETRY_DELAY_MS) {
      throw new RangeError(`retry delayMs must be a number <= ${MAX_RETRY_DELAY_MS} (MAX_RETRY_DELAY_MS), got ${String(delayMs)}`);
    }
    const stored = this.#stored(message);
    const next = this.#encode({ ...stored, attempts: stored.attempts + 1, lastError: error });
    await this.#settle(message, 'zadd', next, Date.now() + Math.max(0, delayMs));
  }

  async deadLetter(message: QueueMessage<T>, error: string): Promise<void> {
    const stored = this.#stored(message);
    await this.#settle(message, 'lpush', this.#encode({ ...stored, attempts: stored.attempts + 1, lastError: error }), 0, this.#keys.dead);
  }

  async release(message: QueueMessage<T>): Promise<void> {
    // A fresh delivery marker makes the requeued entry differ from the one removed: if ioredis resends
    // this script after a reconnect, its LREM cannot match another consumer's copy and duplicate it.
    await this.#settle(message, 'rpush', this.#encode(this.#stored(message), randomUUID()), 0, this.#keys.ready);
  }

  /**
   * Moves entries held in processing for at least `olderThanMs` (default `visibilityTimeoutMs`) back to
   * the front of the queue with one more attempt counted. Returns how many moved.
   */
  async recover(options: { olderThanMs?: number } = {}): Promise<number> {
    const olderThanMs = options.olderThanMs ?? this.#visibilityTimeoutMs;
    if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new RangeError(`olderThanMs must be a finite number >= 0, got ${String(olderThanMs)}`);
    const now = Date.now();
    const moved = Number(await this.#redis.eval(RECOVER, 3, this.#keys.processing, this.#keys.leases, this.#keys.ready, now, now - olderThanMs));
    if (moved > 0) logger.warn({ queue: this.name, moved }, 'recovered messages abandoned by crashed consumers');
    return moved;
  }

  async counts(): Promise<RedisQueueCounts> {
    const [ready, processing, delayed, dead] = await Promise.all([
      this.#redis.llen(this.#keys.ready),
      this.#redis.llen(this.#keys.processing),
      this.#redis.zcard(this.#keys.delayed),
      this.#redis.llen(this.#keys.dead),
    ]);
    return { ready, processing, delayed, dead };
  }

  /** Up to `limit` dead-lettered messages, newest first. */
  async deadLetters(limit = 100): Promise<QueueMessage<T>[]> {
    // LRANGE 0 -1 is the whole list: a limit of 0 must not read every dead letter.
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be an integer >= 0, got ${String(limit)}`);
    if (limit === 0) return [];
    const raws = await this.#redis.lrange(this.#keys.dead, 0, limit - 1);
    return raws.map((raw) => parse<T>(raw) ?? { id: 'unparseable', body: raw as T, attempts: 0, lastError: 'not a queue envelope' });
  }

  /** Closes the dedicated blocking connection. The commands connection is yours to close. */
  async close(): Promise<void> {
    const blocking = this.#blocking;
    this.#blocking = undefined;
    if (blocking && blocking.status !== 'end') blocking.disconnect();
  }

  async #take(count: number): Promise<string[]> {
    const { ready, processing, leases } = this.#keys;
    return (await this.#redis.eval(TAKE, 3, ready, processing, leases, count, Date.now())) as string[];
  }

  async #blockingMove(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const blocking = this.#blockingConnection();
    // A blocked connection cannot carry the command that would cancel it; the abort goes through the other one.
    const onAbort = () => void this.#unblock(blocking);
    signal.addEventListener('abort', onAbort);
    try {
      // Read the id before blocking: once BLMOVE is outstanding this connection answers nothing else.
      this.#blockingId ??= Number(await blocking.client('ID'));
      if (signal.aborted) return null;
      return await blocking.blmove(this.#keys.ready, this.#keys.processing, 'RIGHT', 'LEFT', timeoutMs / 1000);
    } catch (error) {
      if (signal.aborted) return null;
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #blockingConnection(): Redis {
    if (!this.#blocking || this.#blocking.status === 'end') {
      const blocking = this.#redis.duplicate();
      blocking.on('error', (error: Error) => logger.debug({ err: error, queue: this.name }, 'blocking connection error'));
      blocking.on('close', () => {
        this.#blockingId = undefined;
      });
      this.#blocking = blocking;
      this.#blockingId = undefined;
    }
    return this.#blocking;
  }

  async #unblock(blocking: Redis): Promise<void> {
    try {
      const id = this.#blockingId;
      if (id !== undefined && this.#redis.status === 'ready' && Number(await this.#redis.client('UNBLOCK', id)) === 1) return;
    } catch (error) {
      logger.debug({ err: error, queue: this.name }, 'CLIENT UNBLOCK failed; closing the blocking connection instead');
    }
    // Not blocked yet, Redis unreachable, or UNBLOCK not permitted: dropping the connection is the sure way out.
    blocking.disconnect();
  }

  async #settle(message: QueueMessage<T>, mode: 'none' | 'lpush' | 'rpush' | 'zadd', next: string, score: number, target?: string): Promise<void> {
    const raw = this.#rawOf(message);
    const destination = target ?? this.#keys.delayed;
    const removed = Number(await this.#redis.eval(SETTLE_SCRIPT, 3, this.#keys.processing, this.#keys.leases, destination, raw, mode, next, score));
    if (removed === 0) {
      logger.warn(
        { queue: this.name, messageId: message.id },
        'settled a message no longer in processing (recovered meanwhile, or Redis lost it); it may be handled twice',
      );
    }
  }

  #rawOf(message: QueueMessage<T>): string {
    const raw = this.#raws.get(message);
    if (raw === undefined) throw new Error(`message ${message.id} was not received from queue "${this.name}" by this instance`);
    return raw;
  }

  /**
   * The message as stored, not as the handler left it: a handler that mutated its body (or made it
   * unserialisable) and then failed must not requeue its mutations.
   */
  #stored(message: QueueMessage<T>): QueueMessage<T> {
    return parse<T>(this.#rawOf(message)) as QueueMessage<T>;
  }

  #encode(message: QueueMessage<T>, delivery?: string): string {
    // Key order is load-bearing: RECOVER bumps `attempts` by matching the `{"id":…,"attempts":N` prefix.
    // `delivery` (set by release) only makes entries distinct; parse() ignores it, and entries without it still work.
    try {
      return JSON.stringify({ id: message.id, attempts: message.attempts, lastError: message.lastError, delivery, body: message.body });
    } catch (error) {
      throw new TypeError(`queue "${this.name}": message body must be JSON-serialisable (${(error as Error).message})`);
    }
  }

  // Something other than this queue wrote to the list: park it where a human will see it rather than crash every consumer.
  async #parkMalformed(raw: string): Promise<void> {
    logger.error({ queue: this.name, raw: raw.slice(0, 200) }, 'malformed queue entry; moving it to the dead-letter list');
    await this.#redis.eval(SETTLE_SCRIPT, 3, this.#keys.processing, this.#keys.leases, this.#keys.dead, raw, 'lpush', raw, 0);
  }
}

export interface RedisQueueRecoveryOptions extends BackgroundTaskOptions {
  /** Pause between recover() sweeps, at least 1000 ms (each sweep reads the whole processing list). Default 60 000 ms. */
  intervalMs?: number;
}

export const MIN_RECOVERY_INTERVAL_MS = 1000;

/** Sweeps `queue` with recover() every `intervalMs` until stopped; run it next to the queue's processor. */
export class RedisQueueRecovery extends BackgroundTask {
  readonly #queue: RedisQueue<unknown>;
  readonly #intervalMs: number;

  constructor(queue: RedisQueue<unknown>, options: RedisQueueRecoveryOptions = {}) {
    super({ name: `RedisQueueRecovery(${queue.name})`, ...options });
    this.#queue = queue;
    this.#intervalMs = positive('intervalMs', options.intervalMs ?? 60_000);
    // A sweep is O(processing list) inside Redis; a 1 ms interval would keep Redis busy with nothing else.
    if (this.#intervalMs < MIN_RECOVERY_INTERVAL_MS) throw new RangeError(`intervalMs must be >= ${MIN_RECOVERY_INTERVAL_MS}, got ${this.#intervalMs}`);
  }

  protected async run({ stopping }: TaskContext): Promise<void> {
    await this.#queue.recover();
    await delay(this.#intervalMs, stopping);
  }
}

function parse<T>(raw: string): QueueMessage<T> | undefined {
  try {
    const value = JSON.parse(raw) as Partial<QueueMessage<T>>;
    if (typeof value !== 'object' || value === null || typeof value.id !== 'string') return undefined;
    if (!Number.isInteger(value.attempts) || (value.attempts as number) < 0) return undefined;
    return {
      id: value.id,
      body: value.body as T,
      attempts: value.attempts as number,
      ...(typeof value.lastError === 'string' ? { lastError: value.lastError } : {}),
    };
  } catch {
    // Not JSON: the caller dead-letters the raw entry, so nothing is lost.
    return undefined;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}
