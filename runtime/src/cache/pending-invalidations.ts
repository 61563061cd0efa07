/**
 * Bulwark pattern: cache/pending-invalidations
 * Invalidations a cache store could not take (an outage): their keys bypass the store until they are delivered.
 *
 * Patterns used: log
 * Packages used: none
 */
import { logger } from '../log.js';

// After a failed delivery the next try waits this long, however many reads of pending keys ask for one.
const DELIVERY_RETRY_MS = 1_000;

export interface PendingInvalidationsOptions {
  /** The cached function's key prefix, named in log lines. */
  readonly prefix: string;
  /** Keys remembered one by one; past this many, the whole prefix is pending. */
  readonly maxKeys: number;
  /** Deletes one key from the store (within its timeout); rejects when the store cannot take it. */
  readonly deleteKey: (key: string) => Promise<unknown>;
  /** Deletes every key under the prefix; resolves with the count, rejects when the store cannot take it. */
  readonly deleteAll: (signal?: AbortSignal) => Promise<number>;
}

/**
 * Invalidations the store did not take (down, slow, or the caller aborted). Until one is delivered,
 * reads of its key skip the store and nothing is stored for it, so a stale value left in the store is
 * never served. Delivery is retried after any call the store answers, and at most once a second when a
 * read of a pending key asks. Past `maxKeys` keys, the whole prefix is pending: one `deleteAll` clears it.
 *
 * Because nothing is stored for a pending key, a delivery that succeeds covers every invalidation of
 * that key made while it was pending; only what was pending when a delivery started is forgotten by it.
 */
export function pendingInvalidations({ prefix, maxKeys, deleteKey, deleteAll }: PendingInvalidationsOptions) {
  const keys = new Set<string>();
  /** 0, or bumped each time the whole prefix becomes pending, so a clear cannot forget a later failure. */
  let everything = 0;
  let delivering = false;
  let nextTryAt = 0;
  let warned = false;

  const active = () => everything !== 0 || keys.size !== 0;

  function warnOnce(fields: object, message: string): void {
    nextTryAt = performance.now() + DELIVERY_RETRY_MS;
    if (warned) return logger.debug({ prefix, ...fields }, message);
    warned = true;
    logger.warn({ prefix, ...fields }, message);
  }

  function settled(): void {
    if (!warned || active()) return;
    warned = false;
    logger.info({ prefix }, 'cache: undelivered invalidations delivered; the store is used again');
  }

  async function clearAll(signal?: AbortSignal): Promise<number> {
    const marker = everything;
    const covered = [...keys];
    const removed = await deleteAll(signal);
    if (everything === marker) everything = 0;
    for (const key of covered) keys.delete(key);
    settled();
    return removed;
  }

  async function deliver(): Promise<void> {
    try {
      if (everything !== 0) await clearAll();
      for (const key of [...keys]) {
        await deleteKey(key);
        keys.delete(key);
      }
      settled();
    } catch (error) {
      nextTryAt = performance.now() + DELIVERY_RETRY_MS;
      logger.debug({ prefix, err: error }, 'cache: invalidations still undelivered');
    }
  }

  return {
    /** Deletes every key under the prefix now, settling whatever was pending when it started. Rejects as `deleteAll` does. */
    clearAll,
    /** True when reads of `key` must skip the store and nothing may be stored for it. */
    holds(key: string): boolean {
      return everything !== 0 || (keys.size !== 0 && keys.has(key));
    },
    /** Remembers an invalidation of `key` that failed with `error`. */
    add(key: string, error: unknown): void {
      if (everything !== 0) return; // already covered: nothing is stored while the whole prefix is pending
      if (keys.size >= maxKeys) return this.addEverything(error);
      keys.add(key);
      warnOnce({ key, err: error }, 'cache: invalidation not delivered; its key bypasses the store until it is');
    },
    /** Remembers a prefix-wide invalidation that failed with `error`. */
    addEverything(error: unknown): void {
      everything++;
      keys.clear(); // covered by the prefix-wide clear
      warnOnce({ err: error }, 'cache: invalidation not delivered; the whole prefix bypasses the store until it can be cleared');
    },
    /** An invalidation of `key` reached the store: an earlier pending one of that key is settled by it. */
    delivered(key: string): void {
      if (keys.delete(key)) settled();
    },
    /** The store just answered a call: a good moment to deliver, whenever the last try was. */
    storeAnswered(): void {
      nextTryAt = 0; // while nothing is pending this is moot: the next failure sets it again
      this.retrySoon();
    },
    /** Starts a delivery unless one is running, nothing is pending, or the last one failed under a second ago. */
    retrySoon(): void {
      if (delivering || !active() || performance.now() < nextTryAt) return;
      delivering = true;
      void deliver().finally(() => {
        delivering = false;
      });
    },
  };
}
