import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { cacheKey, cached } from '../src/cache.js';

// Instances keys cannot see into: state in a private field, exposed through a getter.
class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get value(): string {
    return this.#value;
  }
}
class ObjectIdLike {
  readonly #hex: string;
  constructor(hex: string) {
    this.#hex = hex;
  }
  toJSON(): string {
    return this.#hex;
  }
}
class Account {
  constructor(
    readonly id: number,
    readonly cachedAt = Math.random(),
  ) {}
  [cacheKey](): unknown {
    return this.id;
  }
}

/** A tagged oracle node: a class of its own, so it never equals a plain object or another type. */
class Tagged {
  constructor(
    readonly type: string,
    readonly value: unknown,
  ) {}
}

/**
 * The documented equality of key material, built on node's isDeepStrictEqual rather than on key text:
 * values are reduced to trees it compares (undefined properties and holes dropped to "absent",
 * identity-bearing values tagged), or a TypeError for what keys cannot describe.
 */
function reduce(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value === 'function') throw new TypeError('function');
  if (typeof value === 'symbol') {
    if (Symbol.keyFor(value) === undefined) throw new TypeError('symbol');
    return new Tagged('symbol', Symbol.keyFor(value));
  }
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) throw new TypeError('circular');
  const inner = [...ancestors, value];
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError('symbol keys');
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, reduce(v, inner)]),
    );
  }
  if (Array.isArray(value)) return Array.from(value, (item) => reduce(item, inner));
  if (value instanceof Date) return new Tagged('Date', value.getTime());
  if (value instanceof URL) return new Tagged('URL', value.href);
  if (value instanceof RegExp) return new Tagged('RegExp', [value.source, value.flags]);
  if (Buffer.isBuffer(value)) return new Tagged('Buffer', [...value]);
  if (ArrayBuffer.isView(value)) return new Tagged(value.constructor.name, [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)]);
  if (value instanceof Map) return new Map(Array.from(value, ([k, v]) => [reduce(k, inner), reduce(v, inner)]));
  if (value instanceof Set) return new Set(Array.from(value, (item) => reduce(item, inner)));
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return new Tagged(value.constructor.name, value.valueOf());
  if (value instanceof Account) return new Tagged('Account', reduce(value[cacheKey](), inner));
  if (value instanceof ObjectIdLike) return new Tagged('ObjectIdLike', value.toJSON());
  throw new TypeError(`a ${proto.constructor.name}`);
}

const word = fc.constantFrom('', 'a', '1', '0', '[1]', '"', ',', ':', '=>', '{}', 'é', '\u{1F600}', '\uD800');
const leaf = fc.oneof(
  fc.oneof(word, fc.string()),
  fc.oneof(fc.integer({ min: -2, max: 2 }), fc.double(), fc.constantFrom(-0, Number.NaN, Infinity)),
  fc.bigInt({ min: -2n, max: 2n }),
  fc.constantFrom(true, false, null, undefined),
  fc.oneof(fc.integer({ min: -1, max: 1 }), fc.constant(Number.NaN)).map((time) => new Date(time)),
  fc.constantFrom('https://example.com/a', 'https://example.com/b', 'https://example.com/a?x=1').map((href) => new URL(href)),
  fc.tuple(fc.constantFrom('a', 'b', '1'), fc.constantFrom('', 'g', 'i')).map(([source, flags]) => new RegExp(source, flags)),
  fc.uint8Array({ maxLength: 3 }).chain((bytes) => fc.constantFrom(Buffer.from(bytes), bytes, new Uint16Array(bytes))),
  fc.constantFrom('a', 'b').map((v) => new Secret(v)),
  fc.constantFrom('64a1', '64a2').map((hex) => new ObjectIdLike(hex)),
  fc.integer({ min: 1, max: 2 }).map((id) => new Account(id)),
  fc.constantFrom('Symbol.for', 'local').map((kind) => (kind === 'local' ? Symbol('a') : Symbol.for('a'))),
  fc.constantFrom(new String('1'), new Number(1), new Boolean(true), () => 1),
);
const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
  array: fc.oneof(fc.array(tie('value'), { maxLength: 3 }), fc.sparseArray(tie('value'), { maxLength: 3 })),
  object: fc.dictionary(word, tie('value'), { maxKeys: 3 }),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((entries) => new Map(entries)),
  set: fc.array(tie('value'), { maxLength: 2 }).map((items) => new Set(items)),
}));

/** The key, or the TypeError keys give for a value they cannot describe. */
function keyOrTypeError(key: () => string): string | TypeError {
  try {
    return key();
  } catch (error) {
    assert.ok(error instanceof TypeError, `not a TypeError: ${String(error)}`);
    assert.match(error.message, /^cached: .* cannot be part of a cache key|^cached: .*cannot describe/);
    return error;
  }
}

describe('cache: key injectivity', () => {
  const lookup = cached(async (...args: unknown[]) => args.length, { prefix: 'keys' });

  it('property: distinct values get distinct keys or a TypeError; equal values equal keys', () => {
    fc.assert(
      fc.property(anyValue, anyValue, (a, b) => {
        const [keyA, keyB] = [keyOrTypeError(() => lookup.keyFor(a)), keyOrTypeError(() => lookup.keyFor(b))];
        const [modelA, modelB] = [a, b].map((value) => {
          try {
            return reduce(value);
          } catch (error) {
            return error as TypeError;
          }
        });
        assert.equal(keyA instanceof TypeError, modelA instanceof TypeError, `keyFor(a) threw: ${String(keyA)}`);
        assert.equal(keyB instanceof TypeError, modelB instanceof TypeError, `keyFor(b) threw: ${String(keyB)}`);
        if (typeof keyA === 'string' && typeof keyB === 'string') assert.equal(keyA === keyB, isDeepStrictEqual(reduce(a), reduce(b)), `${keyA}\n${keyB}`);
      }),
      { numRuns: 3_000 },
    );
  });

  it('property: equal values built apart (other key and entry order, copies, undefined left out) get one key', () => {
    const reorder = (value: unknown): unknown => {
      // Array.from fills holes with undefined, and the entries below drop undefined properties: both count as absent.
      if (Array.isArray(value)) return Array.from(value, reorder);
      if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reorder(k), reorder(v)]));
      if (value instanceof Set) return new Set([...value].reverse().map(reorder));
      if (value instanceof Date) return new Date(value.getTime());
      if (value instanceof URL) return new URL(value.href);
      if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, reorder(v)]),
        );
      }
      return value;
    };
    fc.assert(
      fc.property(anyValue, (value) => {
        const key = keyOrTypeError(() => lookup.keyFor(value));
        fc.pre(typeof key === 'string');
        assert.equal(lookup.keyFor(reorder(value)), key);
      }),
      { numRuns: 1_000 },
    );
  });

  it('wrong result: two URLs (and other values whose own properties do not describe them) never share an entry', async () => {
    let loads = 0;
    const fetchPage = cached(async (url: URL) => (loads++, url.href), { prefix: 'pages' });
    assert.equal(await fetchPage(new URL('https://example.com/alice')), 'https://example.com/alice');
    assert.equal(await fetchPage(new URL('https://example.com/bob')), 'https://example.com/bob');
    assert.equal(await fetchPage(new URL('https://example.com/bob')), 'https://example.com/bob');
    assert.equal(loads, 2);
    const pairs: Array<[unknown, unknown]> = [
      [/a/g, /b/g],
      [/a/g, /a/i],
      [new Date(0), new Date(1)],
      [new Date(Number.NaN), new Date(0)],
      [new URLSearchParams('a=1'), new URLSearchParams('a=2')],
      [Buffer.from([1, 2]), { 0: 1, 1: 2 }],
      [Buffer.from([1, 2]), new Uint8Array([1, 2])],
      [new Uint8Array([1, 2]).buffer, new Uint8Array([1, 3]).buffer],
      [new ObjectIdLike('64a1'), '64a1'],
      [new ObjectIdLike('64a1'), new ObjectIdLike('64a2')],
      [new Account(1), 1],
      [1, '1'],
      [[1], '[1]'],
      [0, -0],
      [1n, 1],
      [Symbol.for('a'), 'a'],
      [new Map([[1, 2]]), new Map([['1', 2]])],
      [new Set([1]), [1]],
      [new String('1'), '1'],
      [{ 'a":1,"b': 2 }, { a: 1, b: 2 }],
      [['a', 'b'], ['a","b']],
    ];
    for (const [a, b] of pairs) assert.notEqual(lookup.keyFor(a), lookup.keyFor(b), `${String(a)} vs ${String(b)}`);
    assert.equal(lookup.keyFor(new Account(1, 0.1)), lookup.keyFor(new Account(1, 0.2)), '[cacheKey]() decides what identifies an Account');
    assert.equal(lookup.keyFor(Number.NaN), lookup.keyFor(0 / 0));
  });

  it('a single primitive argument (whose key is remembered) is keyed as any other: 0 vs -0, "1" vs 1, 1n vs 1', async () => {
    const loads: unknown[] = [];
    const echo = cached(async (x: unknown) => (loads.push(x), String(x)), { prefix: 'memo' });
    const args = [0, -0, 1, '1', 1n, true, 'true', Number.NaN, 'x'.repeat(101), 'x'.repeat(100)];
    for (let round = 0; round < 2; round++) for (const arg of args) assert.equal(echo.keyFor(arg), `memo:${lookup.keyFor([arg]).slice('keys:['.length, -1)}`);
    for (let round = 0; round < 2; round++) for (const arg of args) await echo(arg);
    assert.equal(loads.length, args.length, 'each argument loaded once');
    for (let i = 0; i < 3_000; i++) assert.equal(echo.keyFor(i), `memo:[${i}]`, 'past the remembered keys too');
    assert.equal(echo.keyFor(-0), 'memo:[-0]');
    const picked = cached(async (x: unknown, _log?: unknown) => x, { prefix: 'memo', key: (x) => x });
    for (const arg of [...args, undefined, new URL('https://example.com/')])
      assert.equal(picked.keyFor(arg), echo.keyFor([arg]).replace(/^memo:\[(.*)\]$/, 'memo:$1'));
  });

  it('refuses what it cannot describe with a TypeError naming the type and the way out', () => {
    assert.throws(
      () => lookup.keyFor(new Secret('a')),
      /^TypeError: cached: arguments\[0\] is an instance of Secret, which a cache key cannot describe .* toJSON\(\) or \[cacheKey\]\(\)/,
    );
    assert.throws(() => lookup.keyFor({ nested: [new Secret('a')] }), /arguments\[0\]\.nested\[0\] is an instance of Secret/);
    assert.throws(() => lookup.keyFor(Promise.resolve(1)), /is an instance of Promise/);
    assert.throws(() => lookup.keyFor(new Error('x')), /is an instance of Error/);
    assert.throws(() => lookup.keyFor({ [Symbol('tag')]: 1 }), /arguments\[0\] has symbol-keyed properties/);
    assert.throws(() => lookup.keyFor(Symbol('local')), /arguments\[0\] is a symbol not made by Symbol\.for\(\)/);
    assert.throws(
      () => cached(async (x: unknown) => x, { prefix: 'p', key: (x) => ({ x }) }).keyFor(new Secret('a')),
      /the key option's result\.x is an instance of Secret/,
    );
  });
});
