import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { mapWithConcurrency } from '../src/concurrency.js';
import { deferred } from './fixtures/deferred.js';

/** Resolves after every queued microtask and pending immediate has run, letting started work settle. */
async function settleEventLoop(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A sync iterable over `values` that records how it is driven, as a database cursor would need to know. */
function recordingIterable<T>(values: T[], onReturn: () => void = () => {}) {
  const log = { next: 0, returned: 0 };
  const iterable: Iterable<T> = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: () => {
          log.next++;
          return i < values.length ? { done: false, value: values[i++]! } : { done: true, value: undefined };
        },
        return: () => {
          log.returned++;
          onReturn();
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, log };
}

describe('concurrency: mapWithConcurrency edges', () => {
  it('names what it got instead of an iterable or a function', async () => {
    const cases: Array<[unknown, unknown, RegExp]> = [
      [{}, (n: number) => n, /items must be an iterable or async iterable, got an object \(Object\)$/],
      [Object.create(null), (n: number) => n, /got an object \(null prototype\)$/],
      [() => [1], (n: number) => n, /items must be .*, got a function$/],
      [undefined, (n: number) => n, /items must be .*, got undefined$/],
      [[1], [1], /fn must be a function, got an array$/],
      [[1], 'double', /fn must be a function, got "double"$/],
      [[1], new Map(), /fn must be a function, got an object \(Map\)$/],
    ];
    for (const [items, fn, message] of cases) {
      await assert.rejects(
        mapWithConcurrency(items as number[], 1, fn as (n: number) => number),
        (error: unknown) => error instanceof TypeError && message.test(error.message),
        String(message),
      );
    }
  });

  it('rejects with a TypeError whose cause is the error an iterable threw while opening', async () => {
    const broken = new RangeError('cursor closed');
    const opening = {
      [Symbol.iterator]() {
        throw broken;
      },
    };
    await assert.rejects(
      mapWithConcurrency(opening, 2, (n) => n),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.equal(error.message, 'mapWithConcurrency: opening the iterable failed');
        assert.equal(error.cause, broken);
        return true;
      },
    );
    const typeError = new TypeError('not today');
    const asyncOpening = {
      [Symbol.asyncIterator]() {
        throw typeError;
      },
    };
    await assert.rejects(
      mapWithConcurrency(asyncOpening, 2, (n) => n),
      (error) => error === typeError,
    );
  });

  it('prefers Symbol.asyncIterator when an object has both', async () => {
    const both = {
      *[Symbol.iterator]() {
        yield 'sync';
      },
      async *[Symbol.asyncIterator]() {
        yield 'async';
      },
    };
    assert.deepEqual(await mapWithConcurrency(both, 1, (s) => s), ['async']);
  });

  it('leaves no abort listener on the caller signal once it resolved or failed (no leak on a long-lived signal)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 3; i++) await mapWithConcurrency([1, 2, 3], 2, (n) => n, { signal: controller.signal });
    await assert.rejects(
      mapWithConcurrency(
        [1],
        1,
        () => {
          throw new Error('no');
        },
        { signal: controller.signal },
      ),
      /no/,
    );
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('closes the source exactly when it stops early, and never closes one it read to the end', async () => {
    const read = recordingIterable([1, 2, 3]);
    await assert.rejects(
      // A limit above the item count: the iterator has said done before the last call fails.
      mapWithConcurrency(read.iterable, 4, async (n) => {
        if (n === 3) throw new Error('last one failed');
        return n;
      }),
      /last one failed/,
    );
    assert.equal(read.log.returned, 0, 'return() after the iterator said done');

    const early = recordingIterable([1, 2, 3, 4]);
    await assert.rejects(
      mapWithConcurrency(early.iterable, 1, async (n) => {
        if (n === 2) throw new Error('second failed');
        return n;
      }),
      /second failed/,
    );
    assert.equal(early.log.returned, 1);
    assert.equal(early.log.next, 2, 'no item is pulled after the failure');

    const aborted = recordingIterable([1, 2]);
    await assert.rejects(
      mapWithConcurrency(aborted.iterable, 1, (n) => n, { signal: AbortSignal.abort(new Error('gone')) }),
      /gone/,
    );
    assert.equal(aborted.log.returned, 1, 'closed though nothing was read');
  });

  it('closes the source once when several calls in flight fail', async () => {
    const read = recordingIterable([1, 2, 3, 4, 5]);
    await assert.rejects(
      mapWithConcurrency(read.iterable, 3, async (n) => {
        if (n <= 2) throw new Error(`item ${n} failed`);
        return n;
      }),
      /item 1 failed/,
    );
    await settleEventLoop();
    assert.equal(read.log.returned, 1);
  });

  it('pulls nothing more from the source when a call still in flight finishes after the failure', async () => {
    const read = recordingIterable([0, 1, 2, 3]);
    const gates = [deferred<number>(), deferred<number>()];
    const mapping = mapWithConcurrency(read.iterable, 2, (n) => gates[n]!.promise);
    await settleEventLoop();
    gates[1]!.reject(new Error('item 1 failed'));
    await assert.rejects(mapping, /item 1 failed/);
    const pulled = read.log.next;
    gates[0]!.resolve(0);
    await settleEventLoop();
    assert.equal(read.log.next, pulled);
  });

  it('does not ask the source for more after it said done', async () => {
    const read = recordingIterable([1, 2, 3]);
    assert.deepEqual(await mapWithConcurrency(read.iterable, 2, async (n) => n), [1, 2, 3]);
    assert.equal(read.log.next, 4, 'three items and one done');
  });

  it('does not close a source whose next() threw: it is finished already', async () => {
    let returned = 0;
    const broken: Iterable<number> = {
      [Symbol.iterator]: () => ({
        next: () => {
          throw new Error('cursor lost');
        },
        return: () => {
          returned++;
          return { done: true, value: undefined };
        },
      }),
    };
    await assert.rejects(
      mapWithConcurrency(broken, 2, (n) => n),
      /cursor lost/,
    );
    assert.equal(returned, 0);
  });

  it('closes an async generator (runs its finally) when the map fails', async () => {
    let closed = false;
    async function* endless() {
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
    await settleEventLoop();
    assert.equal(closed, true);
  });

  it('starts nothing with an item an async source delivers after the caller aborted', async () => {
    const step = deferred<IteratorResult<number>>();
    const source: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => step.promise }) };
    const controller = new AbortController();
    const called: number[] = [];
    const mapping = mapWithConcurrency(source, 2, (n) => called.push(n), { signal: controller.signal });
    await settleEventLoop();
    controller.abort(new Error('caller left'));
    await assert.rejects(mapping, /caller left/);
    step.resolve({ done: false, value: 7 });
    await settleEventLoop();
    assert.deepEqual(called, []);
  });

  it('rejects with the error that stopped the map even when closing the source throws or rejects', async () => {
    const failure = new Error('item failed');
    const throwing = recordingIterable([1, 2, 3], () => {
      throw new Error('return() broke');
    });
    await assert.rejects(
      mapWithConcurrency(throwing.iterable, 1, () => Promise.reject(failure)),
      (error) => error === failure,
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const rejectingReturn: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: 1 }),
          return: () => Promise.reject(new Error('async return() broke')),
        }),
      };
      await assert.rejects(
        mapWithConcurrency(rejectingReturn, 1, () => Promise.reject(failure)),
        (error) => error === failure,
      );
      await settleEventLoop();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });

  it('never advances an async iterator again before its previous next() settled', async () => {
    const pending: Array<ReturnType<typeof deferred<IteratorResult<number>>>> = [];
    let overlapped = false;
    let inFlight = 0;
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (inFlight > 0) overlapped = true;
          inFlight++;
          const step = deferred<IteratorResult<number>>();
          pending.push(step);
          return step.promise.finally(() => inFlight--);
        },
      }),
    };
    const mapping = mapWithConcurrency(source, 4, async (n) => n * 2);
    for (let i = 0; i < 3; i++) {
      await settleEventLoop();
      assert.equal(pending.length, i + 1, 'one next() at a time');
      pending[i]!.resolve({ done: false, value: i });
    }
    await settleEventLoop();
    pending[3]!.resolve({ done: true, value: undefined });
    assert.deepEqual(await mapping, [0, 2, 4]);
    assert.equal(overlapped, false);
  });

  it('with an async source, a call that finishes while next() is pending does not start a second pull', async () => {
    // The finished call would pull again; the pending next() must stay the only one.
    let calls = 0;
    const gate = deferred<IteratorResult<number>>();
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          calls++;
          if (calls === 1) return Promise.resolve({ done: false, value: 1 });
          if (calls === 2) return gate.promise;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const mapping = mapWithConcurrency(source, 2, (n) => n);
    await settleEventLoop();
    assert.equal(calls, 2, 'the first item finished while the second next() waits');
    gate.resolve({ done: false, value: 2 });
    assert.deepEqual(await mapping, [1, 2]);
    assert.equal(calls, 3);
  });
});
