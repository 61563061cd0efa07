import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore, cached, type CacheStore } from '../src/cache.js';
import { copyValue, decodeValue, encodeValue, frozenCopy } from '../src/cache/codec.js';
import { globMatcher } from '../src/cache/glob.js';
import { captureLogs } from './fixtures/logs.js';

describe('cache: MemoryStore bounds', () => {
  it('evicts the least recently used entry beyond maxEntries; a read counts as a use', async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    assert.equal(await store.get('a'), '1'); // a is now the most recently used
    await store.set('d', '4', 60_000);
    assert.equal(store.size, 3);
    assert.equal(await store.get('b'), undefined, 'b was least recently used');
    assert.deepEqual([await store.get('a'), await store.get('c'), await store.get('d')], ['1', '3', '4']);
  });

  it('property: evicts exactly what a reference CLOCK over an array would, whatever the mix of writes, reads and deletes', async () => {
    // The store reads its front through a long-lived iterator (the clock hand); this model uses no Map at all.
    const operation = fc.record({ kind: fc.constantFrom('put', 'put', 'peek', 'delete'), key: fc.integer({ min: 0, max: 12 }) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(operation, { maxLength: 150 }), async (maxEntries, operations) => {
        const store = new MemoryStore({ maxEntries });
        const model: Array<{ key: string; used: boolean }> = [];
        const at = (key: string) => model.findIndex((entry) => entry.key === key);
        for (const { kind, key: n } of operations) {
          const key = `k${n}`;
          if (kind === 'peek') {
            store.peek(key);
            if (at(key) >= 0) model[at(key)]!.used = true;
          } else if (kind === 'delete') {
            await store.delete(key);
            if (at(key) >= 0) model.splice(at(key), 1);
          } else {
            store.put(key, n, 60_000);
            if (at(key) >= 0) model.splice(at(key), 1);
            model.push({ key, used: false });
            for (let probe = 1; model.length > maxEntries; probe++) {
              const front = model.shift()!;
              if (front.used && probe < 16) model.push({ key: front.key, used: false });
            }
          }
          assert.equal(store.size, model.length);
        }
        for (let n = 0; n <= 12; n++) assert.equal(store.peek(`k${n}`) !== undefined, at(`k${n}`) >= 0, `k${n}`);
      }),
      { numRuns: 300 },
    );
  });

  it('expires entries during a chain of awaited hits, where no timer can fire', async () => {
    let loads = 0;
    const lookup = cached(async (id: string) => (loads++, id), { prefix: 'expiring', ttl: 5 });
    await lookup('a');
    // Microtasks only: the loop never lets a timer run, so the clock must be read without one. Past the
    // TTL, a few hundred more hits: enough reads for any count-based refresh, however slow the machine.
    const started = performance.now();
    while (performance.now() - started < 20) await lookup('a');
    for (let i = 0; i < 300; i++) await lookup('a');
    assert.ok(loads >= 2, `the 5 ms entry was reloaded (${loads} loads)`);
  });

  it('stays bounded under many distinct keys, as the default store of cached() does', async () => {
    const store = new MemoryStore({ maxEntries: 100 });
    const lookup = cached(async (id: number) => id, { prefix: 'bounded', store });
    for (let id = 0; id < 1_000; id++) await lookup(id);
    assert.equal(store.size, 100);
    assert.equal(await lookup(999), 999);
  });

  it('works without a store option (a private MemoryStore)', async () => {
    let loads = 0;
    const lookup = cached(async (id: string) => (loads++, id.toUpperCase()), { prefix: 'default-store' });
    assert.equal(await lookup('a'), 'A');
    assert.equal(await lookup('a'), 'A');
    assert.equal(loads, 1);
  });

  it('refuses a ttl that is not a lifetime: NaN would never expire', async () => {
    const store = new MemoryStore();
    for (const ttl of [0, -1, Number.NaN, Infinity, 1e300]) {
      assert.throws(() => store.put('k', 1, ttl), /MemoryStore: ttl must be a number of ms > 0 and at most 2\^53-1/);
      await assert.rejects(store.set('k', '1', ttl), RangeError);
    }
    assert.equal(store.size, 0);
  });

  it('rejects an invalid maxEntries with a clear RangeError', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Infinity]) {
      assert.throws(() => new MemoryStore({ maxEntries }), /MemoryStore: maxEntries must be a positive integer, got/);
    }
  });
});

function containsInvalidDate(value: unknown): boolean {
  if (value instanceof Date) return Number.isNaN(value.getTime());
  if (value instanceof Map) return [...value].some(([k, v]) => containsInvalidDate(k) || containsInvalidDate(v));
  if (value instanceof Set || Array.isArray(value)) return [...value].some(containsInvalidDate);
  return typeof value === 'object' && value !== null && Object.values(value).some(containsInvalidDate);
}

describe('cache: value encoding', () => {
  it('keeps undefined, null, 0, "", false distinct (plain JSON cannot)', () => {
    const values = [undefined, null, 0, '', false];
    const decoded = values.map((value) => decodeValue(encodeValue(value)));
    decoded.forEach((value, i) => assert.ok(Object.is(value, values[i]), `value ${i}: ${String(value)}`));
    assert.equal(new Set(values.map(encodeValue)).size, values.length);
  });

  it('property: any JSON-like or rich value round-trips to a deeply equal value', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withDate: true, withBigInt: true }), (value) => {
        fc.pre(!containsInvalidDate(value)); // deepStrictEqual never equates two Invalid Dates; tested below
        assert.deepStrictEqual(decodeValue(encodeValue(value)), value);
      }),
      { numRuns: 500 },
    );
  });

  it("property: copyValue (the in-memory store's copy) equals a trip through the text encoding, sharing no object", () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withDate: true, withBigInt: true, withNullPrototype: true }), (value) => {
        fc.pre(!containsInvalidDate(value));
        const copy = copyValue(value);
        assert.deepStrictEqual(copy, decodeValue(encodeValue(value)));
        if (typeof value === 'object' && value !== null) assert.notEqual(copy, value);
      }),
      { numRuns: 500 },
    );
  });

  it('property: frozenCopy equals copyValue and is frozen all the way down, Date, Map and Set included', () => {
    const everyNode = (value: unknown, visit: (node: object) => void): void => {
      if (typeof value !== 'object' || value === null) return;
      visit(value);
      const children = value instanceof Map ? [...value].flat() : value instanceof Set ? [...value] : value instanceof Date ? [] : Object.values(value);
      for (const child of children) everyNode(child, visit);
    };
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withDate: true, withBigInt: true, withNullPrototype: true }), (value) => {
        fc.pre(!containsInvalidDate(value));
        const frozen = frozenCopy(value);
        assert.deepStrictEqual(frozen, copyValue(value));
        everyNode(frozen, (node) => {
          assert.ok(Object.isFrozen(node));
          if (node instanceof Date) assert.throws(() => node.setFullYear(2000), TypeError);
          if (node instanceof Map) assert.throws(() => node.delete('x'), TypeError);
          if (node instanceof Set) assert.throws(() => node.add('x'), TypeError);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('copyValue refuses what the encoding refuses, naming the path', () => {
    assert.throws(() => copyValue({ user: { save() {} } }), /cannot encode a function at \$\.user\.save/);
    const loop: Record<string, unknown> = { list: [] };
    (loop.list as unknown[]).push(loop);
    assert.throws(() => copyValue(loop), /circular reference at \$\.list\[0\]/);
    const shared = { n: 1 };
    assert.deepEqual(copyValue([shared, shared]), [{ n: 1 }, { n: 1 }], 'a repeated object is not a cycle');
  });

  it('round-trips an Invalid Date as an Invalid Date', () => {
    const decoded = decodeValue(encodeValue({ when: new Date(Number.NaN) })) as { when: Date };
    assert.ok(decoded.when instanceof Date && Number.isNaN(decoded.when.getTime()));
  });

  it('names the path of values it cannot encode', () => {
    assert.throws(() => encodeValue({ user: { save() {} } }), /cannot encode a function at \$\.user\.save/);
    assert.throws(() => encodeValue([Symbol('x')]), /cannot encode a symbol at \$\[0\]/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => encodeValue(loop), /circular reference at \$\.self/);
  });

  it('treats an entry it cannot decode as a miss, logged', async () => {
    const store = new MemoryStore();
    let loads = 0;
    const lookup = cached(async () => (loads++, 'loaded'), { prefix: 'corrupt', store });
    await store.set(lookup.keyFor(), '{"$bw":"from-a-future-version"}', 60_000);
    const logs = captureLogs();
    try {
      assert.equal(await lookup(), 'loaded');
    } finally {
      logs.restore();
    }
    assert.equal(loads, 1);
    assert.ok(logs.lines.some((line) => line.msg === 'cache: ignoring an entry that cannot be decoded'));
  });
});

describe('cache: keys', () => {
  const lookup = cached(async (...args: unknown[]) => args, { prefix: 'keys' });

  it('property: object key order never changes the key; different values always do', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), (record, extra) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        assert.equal(lookup.keyFor(record), lookup.keyFor(reversed));
        fc.pre(!Object.hasOwn(record, '\u0000extra'));
        const changed = { ...record, ['\u0000extra']: extra };
        assert.notEqual(lookup.keyFor(record), lookup.keyFor(changed));
      }),
      { numRuns: 300 },
    );
  });

  it('property: primitive arguments get the same key text as the general path gives them nested in an array', () => {
    const primitive = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(primitive, { minLength: 1, maxLength: 4 }), (args) => {
        const direct = lookup.keyFor(...args);
        const nested = lookup.keyFor(args); // an array argument takes the general, path-tracking encoder
        fc.pre(!direct.startsWith('keys:#') && !nested.startsWith('keys:#'));
        assert.equal(nested, `keys:[${direct.slice('keys:'.length)}]`);
      }),
      { numRuns: 500 },
    );
    assert.equal(lookup.keyFor('a"b', 1, -0, 2n, true, null), 'keys:["a\\"b",1,-0,2n,true,null]', '-0 is not 0: a loader can tell them apart');
  });

  it('hashes long argument lists into a short, stable key under the prefix', () => {
    const big = { ids: Array.from({ length: 500 }, (_, i) => i) };
    const key = lookup.keyFor(big);
    assert.match(key, /^keys:#[\w-]{43}$/);
    assert.equal(key, lookup.keyFor({ ids: [...big.ids] }));
    assert.notEqual(key, lookup.keyFor({ ids: [...big.ids, 500] }));
  });

  it('refuses a function or circular argument with a TypeError pointing at the key option', async () => {
    await assert.rejects(
      lookup(() => 1),
      /arguments\[0\] is a function and cannot be part of a cache key; pass a `key` option/,
    );
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    await assert.rejects(lookup(loop), /arguments\[0\]\.self is circular/);
  });

  it('uses the key option to pick identifying arguments', async () => {
    let loads = 0;
    const withLogger = cached(async (id: number, _log: (line: string) => void) => (loads++, id), {
      prefix: 'picked',
      key: (id) => id,
    });
    await withLogger(7, () => undefined);
    await withLogger(7, console.log);
    assert.equal(loads, 1);
    assert.equal(await withLogger.invalidateAll(), 1, 'picked keys are still under the prefix pattern');
    await withLogger(7, console.log);
    assert.equal(loads, 2);
  });
});

describe('cache: stores that throw instead of rejecting', () => {
  const broken = () => {
    throw new Error('store bug');
  };

  it('a CacheStore whose methods throw synchronously still never fails a call', async () => {
    const store: CacheStore = { get: broken, set: broken, delete: broken, deleteMatching: broken };
    const logs = captureLogs();
    try {
      let loads = 0;
      const lookup = cached(async (id: string) => (loads++, id), { prefix: 'throwing', store });
      assert.equal(await lookup('a'), 'a');
      assert.equal(await lookup('a'), 'a');
      assert.equal(loads, 2);
      await lookup.invalidate('a');
      assert.equal(await lookup.invalidateAll(), 0);
      assert.equal(await lookup('a'), 'a', 'served by the loader while the invalidations wait');
    } finally {
      logs.restore();
    }
    assert.ok(logs.lines.some((line) => line.msg === 'cache: store unavailable, calling the loader instead'));
  });

  it('a LocalCacheStore whose peek or put throws still never fails a call', async () => {
    const memory = new MemoryStore();
    const failing = Object.assign(Object.create(memory) as MemoryStore, { peek: broken, put: broken });
    const logs = captureLogs();
    try {
      let loads = 0;
      const lookup = cached(async (id: string) => (loads++, id), { prefix: 'local-throwing', store: failing });
      assert.equal(await lookup('a'), 'a');
      assert.equal(await lookup('a'), 'a');
      assert.equal(loads, 2);
    } finally {
      logs.restore();
    }
    assert.ok(logs.lines.some((line) => line.msg === 'cache: store unavailable, calling the loader instead'));
  });
});

describe('cache: options and globs', () => {
  it('rejects bad options with clear errors', () => {
    const load = async () => 1;
    assert.throws(() => cached(load, {} as never), /prefix must be a non-empty string, got undefined/);
    assert.throws(() => cached(load, { prefix: '' }), /prefix must be a non-empty string, got ""/);
    assert.throws(() => cached(load, { prefix: 'user:\uD800' }), /prefix must be well-formed Unicode \(it has a lone surrogate\), got "user:\\ud800"/);
    assert.doesNotThrow(() => cached(load, { prefix: 'user:\u{1F600}:é' }));
    assert.throws(() => cached(load, { prefix: 'p', ttl: 0 }), /ttl must be a number of ms > 0 and at most 9007199254740991, got 0/);
    for (const ttl of [-1, Number.NaN, Infinity, 1e300, '60000' as never])
      assert.throws(() => cached(load, { prefix: 'p', ttl }), /cached: ttl must be a number of ms > 0/);
    for (const negativeTtl of [-1, Number.NaN, Infinity, 1e300])
      assert.throws(() => cached(load, { prefix: 'p', negativeTtl }), /negativeTtl must be a number of ms from 0 to 9007199254740991, got/);
    assert.throws(() => cached(load, { prefix: 'p', storeTimeout: Number.NaN }), /storeTimeout must be/);
    // Past 2^31-1 ms setTimeout fires at once: every store call would time out immediately.
    assert.throws(() => cached(load, { prefix: 'p', storeTimeout: 3e9 }), /storeTimeout must be a number of ms > 0 and at most 2147483647, got 3000000000/);
    assert.doesNotThrow(() => cached(load, { prefix: 'p', ttl: 0.5, negativeTtl: 0, storeTimeout: 2 ** 31 - 1 }));
    assert.throws(() => cached('nope' as never, { prefix: 'p' }), /load must be a function, got "nope"/);
    assert.throws(() => cached(load, { prefix: (() => 'p') as never }), /prefix must be a non-empty string, got a function$/);
    assert.throws(() => cached(load, { prefix: 'p', negativeTtl: '5' as never }), /negativeTtl must be a number of ms from 0 to 9007199254740991, got "5"$/);
    for (const maxPendingInvalidations of [-1, 1.5, Number.NaN, '10' as never]) {
      assert.throws(() => cached(load, { prefix: 'p', maxPendingInvalidations }), /^RangeError: cached: maxPendingInvalidations must be an integer >= 0, got/);
    }
    // The largest values each option takes.
    assert.doesNotThrow(() => cached(load, { prefix: 'p', ttl: Number.MAX_SAFE_INTEGER, negativeTtl: Number.MAX_SAFE_INTEGER, maxPendingInvalidations: 0 }));
  });

  it('globMatcher matches like Redis, treating regex characters literally', () => {
    const cases: Array<[string, string, boolean]> = [
      ['user:*', 'user:', true],
      ['user:*', 'users:1', false],
      ['a.c', 'abc', false],
      ['a.c', 'a.c', true],
      ['h?llo', 'hello', true],
      ['h[ae]llo', 'hillo', false],
      ['h[^e]llo', 'hallo', true],
      ['h[a-b]llo', 'hbllo', true],
      ['x\\?', 'x?', true],
      ['x\\?', 'xy', false],
      ['(a|b)+', '(a|b)+', true],
      ['multi*line', 'multi\nline', true],
    ];
    for (const [glob, key, expected] of cases) assert.equal(globMatcher(glob)(key), expected, `${glob} vs ${JSON.stringify(key)}`);
  });
});
