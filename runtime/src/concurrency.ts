/**
 * Bulwark pattern: concurrency
 * mapWithConcurrency: map any (async) iterable with at most `limit` calls in flight, in order, failing fast.
 *
 * Patterns used: none
 * Packages used: none
 */

export interface MapWithConcurrencyOptions {
  /** Aborting rejects at once with the signal's reason, starts no new items and aborts the signal given to `fn`. */
  signal?: AbortSignal;
}

/** Called once per item; `signal` aborts when the whole map fails or the caller aborts, so in-flight work can stop. */
export type MapperFunction<T, R> = (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>;

/**
 * Maps `items` through `fn` with at most `limit` calls running at once and resolves with the
 * results in input order (not completion order).
 *
 * The first failure (a rejected `fn`, a throwing iterator, or the caller's abort) rejects at once
 * with that error; no new item is started after it, and the signal passed to `fn` is aborted so the
 * calls still in flight can cancel themselves. Their later results or errors are ignored: like
 * `Promise.all`, this does not wait for work that ignores its signal.
 *
 * @param limit a positive integer, or `Infinity` for no limit.
 */
export function mapWithConcurrency<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: MapperFunction<T, R>,
  options: MapWithConcurrencyOptions = {},
): Promise<R[]> {
  try {
    validateLimit(limit);
    if (typeof fn !== 'function') throw new TypeError(`mapWithConcurrency: fn must be a function, got ${describe(fn)}`);
  } catch (error) {
    return Promise.reject(error);
  }
  const opened = openIterator(items);
  if (opened instanceof Error) return Promise.reject(opened);
  const iterator: SomeIterator<T> = opened;
  const { signal } = options;
  if (signal?.aborted) {
    closeIterator(iterator);
    return Promise.reject(signal.reason);
  }

  return new Promise<R[]>((resolve, reject) => {
    const results: R[] = [];
    const controller = new AbortController();
    let running = 0;
    let started = 0;
    let exhausted = false;
    let settled = false;
    let pulling = false;

    const onCallerAbort = () => fail(signal?.reason);
    // settle() removes it, whichever way the map ends.
    signal?.addEventListener('abort', onCallerAbort);

    function settle(): void {
      settled = true;
      signal?.removeEventListener('abort', onCallerAbort);
    }

    function fail(error: unknown): void {
      if (settled) return;
      settle();
      controller.abort(error);
      if (!exhausted) closeIterator(iterator);
      reject(error);
    }

    function finishIfDone(): void {
      if (settled || !exhausted || running > 0) return;
      settle();
      resolve(results);
    }

    function run(item: T, index: number): void {
      running++;
      // Deferring to a microtask turns a synchronous throw from `fn` into an ordinary rejection.
      Promise.resolve()
        .then(() => fn(item, index, controller.signal))
        .then((value) => {
          // After a failure this fills an array nobody receives, and pull() starts nothing.
          results[index] = value;
          running--;
          void pull();
        }, fail);
    }

    // Only one pull loop runs at a time: async iterators must not be advanced concurrently,
    // and a sync iterator is advanced without awaiting so a large array starts without delay.
    async function pull(): Promise<void> {
      if (pulling) return;
      pulling = true;
      try {
        while (!settled && !exhausted && running < limit) {
          const step = iterator.async ? await iterator.next() : iterator.next();
          if (settled) return;
          if (step.done) {
            exhausted = true;
            break;
          }
          run(step.value, started++);
        }
      } catch (error) {
        exhausted = true; // a throwing iterator is finished; do not call return() on it
        fail(error);
      } finally {
        pulling = false;
      }
      finishIfDone();
    }

    void pull();
  });
}

type SomeIterator<T> = { async: false; next(): IteratorResult<T>; close(): void } | { async: true; next(): Promise<IteratorResult<T>>; close(): void };

function openIterator<T>(items: Iterable<T> | AsyncIterable<T>): SomeIterator<T> | TypeError {
  const source = items as Partial<Iterable<T> & AsyncIterable<T>> | null | undefined;
  try {
    const openAsync = source?.[Symbol.asyncIterator];
    if (typeof openAsync === 'function') {
      const it = openAsync.call(source);
      // A failing return() while closing must not mask the error that stopped the map.
      return { async: true, next: () => it.next(), close: () => void it.return?.()?.catch(() => undefined) };
    }
    const openSync = source?.[Symbol.iterator];
    if (typeof openSync === 'function') {
      const it = openSync.call(source);
      return { async: false, next: () => it.next(), close: () => void it.return?.() };
    }
  } catch (error) {
    return error instanceof TypeError ? error : new TypeError('mapWithConcurrency: opening the iterable failed', { cause: error });
  }
  return new TypeError(`mapWithConcurrency: items must be an iterable or async iterable, got ${describe(items)}`);
}

// Closing lets a generator run its `finally` blocks (release connections, file handles).
function closeIterator<T>(iterator: SomeIterator<T>): void {
  try {
    iterator.close();
  } catch {
    // A failing return() must not mask the error that stopped the map.
  }
}

function validateLimit(limit: number): void {
  const valid = limit === Infinity || (Number.isSafeInteger(limit) && limit > 0);
  if (!valid) {
    throw new RangeError(`mapWithConcurrency: limit must be a positive integer or Infinity, got ${describe(limit)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : `an object (${value.constructor?.name ?? 'null prototype'})`;
}
