import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { mapWithConcurrency } from '../src/concurrency.js';
import { deferred } from './fixtures/deferred.js';

/** Resolves after every queued microtask and pending immediate has run, letting started work settle. */
async function settleEventLoop(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('concurrency: mapWithConcurrency', () => {
  it('returns results in input order even when later items finish first', async () => {
    const results = await mapWithConcurrency([30, 20, 10, 0], 4, async (ms) => {
      await delay(ms);
      return ms * 2;
    });
    assert.deepEqual(results, [60, 40, 20, 0]);
  });

  it('never runs more than `limit` calls at once, and does reach the limit', async () => {
    let active = 0;
    let peak = 0;
    await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await delay(2);
        active--;
      },
    );
    assert.equal(peak, 3);
    assert.equal(active, 0);
  });

  it('property: output equals items.map(fn) and in-flight calls stay within the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer(), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (items, limit) => {
        let active = 0;
        let peak = 0;
        const results = await mapWithConcurrency(items, limit, async (item, index) => {
          active++;
          peak = Math.max(peak, active);
          // Finish in a scrambled order to exercise ordering.
          for (let i = 0; i < (index * 7) % 5; i++) await Promise.resolve();
          active--;
          return item + index;
        });
        assert.deepEqual(
          results,
          items.map((item, index) => item + index),
        );
        assert.ok(peak <= limit, `peak ${peak} exceeded limit ${limit}`);
      }),
      { numRuns: 100 },
    );
  });

  it('stops at the first error: rejects with it, starts nothing afterwards, aborts in-flight signals', async () => {
    const started: number[] = [];
    const signals: AbortSignal[] = [];
    const gates = Array.from({ length: 10 }, () => deferred<number>());
    const failure = new Error('item 1 failed');
    const mapping = mapWithConcurrency(gates.keys(), 3, (index, _i, signal) => {
      started.push(index);
      signals.push(signal);
      return gates[index]!.promise;
    });
    await settleEventLoop();
    assert.deepEqual(started, [0, 1, 2]);

    gates[1]!.reject(failure);
    await assert.rejects(mapping, (error) => error === failure);
    assert.ok(signals.every((signal) => signal.aborted && signal.reason === failure));

    // Finishing the calls that were in flight must not start the remaining items.
    gates[0]!.resolve(0);
    gates[2]!.reject(new Error('late failure is ignored'));
    await settleEventLoop();
    assert.deepEqual(started, [0, 1, 2]);
  });

  it('turns a synchronous throw from fn into a rejection', async () => {
    const bug = new TypeError('boom');
    await assert.rejects(
      mapWithConcurrency([1, 2], 1, () => {
        throw bug;
      }),
      (error) => error === bug,
    );
  });

  it('accepts any iterable: Set, Map, string, generator, async generator', async () => {
    assert.deepEqual(await mapWithConcurrency(new Set([1, 2, 2, 3]), 2, (n) => n * 10), [10, 20, 30]);
    assert.deepEqual(await mapWithConcurrency(new Map([['a', 1]]), 2, ([k, v]) => `${k}=${v}`), ['a=1']);
    assert.deepEqual(await mapWithConcurrency('abc', 2, (ch, i) => `${i}${ch}`), ['0a', '1b', '2c']);
    function* numbers() {
      yield 1;
      yield 2;
      yield 3;
    }
    assert.deepEqual(await mapWithConcurrency(numbers(), 2, (n) => n + 1), [2, 3, 4]);
    async function* slowNumbers() {
      for (let i = 0; i < 5; i++) {
        await delay(1);
        yield i;
      }
    }
    assert.deepEqual(await mapWithConcurrency(slowNumbers(), 2, async (n) => n * n), [0, 1, 4, 9, 16]);
  });

  it('closes a generator (runs its finally) when the map fails', async () => {
    let closed = false;
    function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    await assert.rejects(
      mapWithConcurrency(endless(), 2, async (n) => {
        if (n === 3) throw new Error('stop at 3');
        return n;
      }),
      /stop at 3/,
    );
    assert.equal(closed, true);
  });

  it('rejects with the error an iterator throws', async () => {
    function* broken() {
      yield 1;
      throw new Error('source broke');
    }
    await assert.rejects(
      mapWithConcurrency(broken(), 2, async (n) => n),
      /source broke/,
    );
  });

  it('resolves an empty iterable to [] without calling fn', async () => {
    let calls = 0;
    assert.deepEqual(await mapWithConcurrency([], 2, () => calls++), []);
    assert.equal(calls, 0);
  });

  it('with limit Infinity starts every item at once', async () => {
    let active = 0;
    let peak = 0;
    await mapWithConcurrency(Array.from({ length: 50 }), Infinity, async () => {
      active++;
      peak = Math.max(peak, active);
      await delay(1);
      active--;
    });
    assert.equal(peak, 50);
  });

  it('rejects an invalid limit with a clear RangeError', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN, -Infinity, 2 ** 60]) {
      await assert.rejects(
        mapWithConcurrency([1], limit, (n) => n),
        (error: Error) => error instanceof RangeError && /limit must be a positive integer or Infinity, got/.test(error.message),
        `limit ${limit}`,
      );
    }
    await assert.rejects(
      mapWithConcurrency([1], '2' as unknown as number, (n) => n),
      /got "2"/,
    );
  });

  it('rejects a non-iterable or a missing fn with a clear TypeError', async () => {
    await assert.rejects(
      mapWithConcurrency(42 as unknown as number[], 1, (n) => n),
      /items must be an iterable or async iterable, got 42/,
    );
    await assert.rejects(
      mapWithConcurrency(null as unknown as number[], 1, (n) => n),
      /got null/,
    );
    await assert.rejects(mapWithConcurrency([1], 1, undefined as unknown as () => void), /fn must be a function, got undefined/);
  });

  it('rejects at once with the reason when the signal is already aborted, calling nothing', async () => {
    let calls = 0;
    const reason = new Error('cancelled before start');
    await assert.rejects(
      mapWithConcurrency([1, 2], 1, () => calls++, { signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    assert.equal(calls, 0);
  });

  it('aborting mid-run rejects with the reason, aborts fn signals and starts no new items', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let seenSignal: AbortSignal | undefined;
    const mapping = mapWithConcurrency(
      [0, 1, 2, 3],
      2,
      (n, _i, signal) => {
        started.push(n);
        seenSignal = signal;
        return new Promise<never>(() => {}); // never settles: only the abort can end this map
      },
      { signal: controller.signal },
    );
    await settleEventLoop();
    const reason = new Error('user went away');
    controller.abort(reason);
    await assert.rejects(mapping, (error) => error === reason);
    assert.equal(seenSignal?.aborted, true);
    await settleEventLoop();
    assert.deepEqual(started, [0, 1]);
  });
});
