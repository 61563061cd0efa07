/**
 * Bulwark pattern: cache/memory
 * MemoryStore: the in-process LRU+TTL store cached() uses by default, bounded by maxEntries and read synchronously.
 *
 * Patterns used: cache, cache/codec, cache/glob
 * Packages used: none
 */
import type { LocalCacheStore, LocalEntry } from '../cache.js';
import { encodeValue } from './codec.js';
import { globMatcher } from './glob.js';

export interface MemoryStoreOptions {
  /** Entries kept before the least recently used (approximately: see MemoryStore) is evicted. Default 1_000. */
  maxEntries?: number;
}

interface MemoryEntry extends LocalEntry {
  expiresAt: number;
  /** Read since it last came round to the front: it gets a second chance instead of eviction. */
  used: boolean;
}

let clockReading: number | undefined;
let readsLeft = 0;
// Reads served by one clock reading at most: timers never fire during a chain of awaited hits (microtasks
// only), so the 1 ms timer alone let a loop of hits serve an expired entry for as long as the loop ran.
const READS_PER_CLOCK_READING = 64;

/**
 * performance.now(), read at most once per millisecond (dropped by a 1 ms timer) and at least every 64
 * reads: a reading costs as much as the rest of a hit.
 */
function coarseNow(): number {
  if (clockReading !== undefined && --readsLeft > 0) return clockReading;
  if (clockReading === undefined) setTimeout(() => (clockReading = undefined), 1).unref();
  readsLeft = READS_PER_CLOCK_READING;
  return (clockReading = performance.now());
}

// Second chances given per eviction, bounding its work; the last entry probed is evicted even if used.
const MAX_EVICTION_PROBES = 16;

/**
 * An in-process LRU+TTL store: bounded by `maxEntries`, expired entries are dropped when read or evicted.
 * Exact least-recently-used order would cost a delete and re-insert per hit; instead eviction follows
 * the CLOCK algorithm: a read sets the entry's `used` bit, and an entry found at the front of the Map
 * with the bit set moves to the back with the bit cleared instead of being dropped.
 *
 * The front is read through one long-lived iterator (the clock hand), never `entries().next()`: a V8 Map
 * deletes by leaving a tombstone in insertion order until its table is rebuilt, and a fresh iterator walks
 * every tombstone left by earlier evictions, which made each new key at the cap cost O(maxEntries)
 * (about 10 µs at 10,000 entries). A live iterator steps over each tombstone once.
 */
export class MemoryStore implements LocalCacheStore {
  readonly #entries = new Map<string, MemoryEntry>();
  readonly #maxEntries: number;
  /** The clock hand: everything it has passed was deleted (or moved to the back), so its next entry is the front. */
  #hand: MapIterator<[string, MemoryEntry]> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxEntries = 1_000 } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`MemoryStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    this.#maxEntries = maxEntries;
  }

  /** Entries held, including expired ones not yet dropped. */
  get size(): number {
    return this.#entries.size;
  }

  peek(key: string): LocalEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= coarseNow()) {
      this.#entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry;
  }

  put(key: string, value: unknown, ttl: number): void {
    this.#write(key, value, false, ttl);
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.peek(key);
    if (entry === undefined) return undefined;
    return entry.encoded ? (entry.value as string) : encodeValue(entry.value);
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    this.#write(key, value, true, ttl);
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry !== undefined && entry.expiresAt > performance.now();
  }

  async deleteMatching(pattern: string, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const matches = globMatcher(pattern);
    const now = performance.now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (!matches(key)) continue;
      this.#entries.delete(key);
      if (entry.expiresAt > now) removed++;
    }
    return removed;
  }

  #write(key: string, value: unknown, encoded: boolean, ttl: number): void {
    // NaN would never expire (every comparison with it is false); Infinity is not a lifetime Redis accepts either.
    if (!(ttl > 0 && ttl <= Number.MAX_SAFE_INTEGER))
      throw new RangeError(`MemoryStore: ttl must be a number of ms > 0 and at most 2^53-1, got ${String(ttl)}`);
    this.#entries.delete(key);
    this.#entries.set(key, { value, encoded, expiresAt: performance.now() + ttl, used: false });
    for (let probe = 1; this.#entries.size > this.#maxEntries; probe++) {
      // Never done here: entries it has passed are gone, and one is left (or added since) beyond it.
      const front = (this.#hand ??= this.#entries.entries()).next();
      const [oldest, entry] = front.value!;
      this.#entries.delete(oldest);
      if (!entry.used || probe >= MAX_EVICTION_PROBES) continue;
      entry.used = false;
      this.#entries.set(oldest, entry);
    }
  }
}
