// The value codec's edges that random values do not reach: toJSON, symbols, error paths inside Map and Set,
// unknown tags, and what freezing leaves on a value.
import assert from 'node:assert/strict';
import { copyValue, decodeValue, deepFreeze, encodeValue, frozenCopy } from '../src/cache/codec.js';

class Money {
  constructor(readonly cents: number) {}
  toJSON() {
    return { cents: this.cents, currency: 'EUR' };
  }
}

describe('cache/codec: edges', () => {
  it('stores what toJSON() returns, in the encoding and in the in-memory copy alike', () => {
    const value = { price: new Money(250) };
    assert.deepStrictEqual(decodeValue(encodeValue(value)), { price: { cents: 250, currency: 'EUR' } });
    assert.deepStrictEqual(copyValue(value), { price: { cents: 250, currency: 'EUR' } });
  });

  it('refuses a symbol anywhere, in the copy as in the encoding', () => {
    assert.throws(() => copyValue([Symbol('x')]), /cannot encode a symbol at \$\[0\]/);
    assert.throws(() => copyValue({ kind: Symbol('x') }), /cannot encode a symbol at \$\.kind/);
  });

  it('names the Map key, Map value or Set item it cannot encode', () => {
    assert.throws(() => encodeValue(new Map([[Symbol('k'), 1]])), /cannot encode a symbol at \$\.<key 0>/);
    assert.throws(() => encodeValue(new Map([['k', () => 1]])), /cannot encode a function at \$\.<value 0>/);
    assert.throws(() => encodeValue(new Set([1, () => 1])), /cannot encode a function at \$\.<item 1>/);
    assert.throws(() => copyValue({ roles: new Set(['admin', () => 1]) }), /cannot encode a function at \$\.roles\.<item 1>/);
  });

  it('passes on a toJSON() failure as it is, calling toJSON() once', () => {
    const failure = new Error('toJSON failed');
    let calls = 0;
    const broken = {
      toJSON() {
        calls++;
        throw failure;
      },
    };
    assert.throws(
      () => copyValue(broken),
      (error) => error === failure,
    );
    assert.equal(calls, 1);
  });

  it('names an unknown tag exactly as the entry holds it', () => {
    assert.throws(() => decodeValue('{"$bw":"from-a-future-version"}'), /^TypeError: cache: unknown tag "from-a-future-version" in a cached value$/);
    assert.throws(() => decodeValue('{"$bw":[1,2]}'), /^TypeError: cache: unknown tag \[1,2\] in a cached value$/);
  });

  it('decodes -0, NaN, ±Infinity and an Invalid Date', () => {
    const decoded = decodeValue(encodeValue([-0, Number.NaN, Infinity, -Infinity, new Date(Number.NaN)])) as unknown[];
    assert.ok(Object.is(decoded[0], -0));
    assert.deepEqual(decoded.slice(1, 4), [Number.NaN, Infinity, -Infinity]);
    assert.ok(decoded[4] instanceof Date && Number.isNaN(decoded[4].getTime()));
  });

  it('makes every mutator of a frozen Date, Map and Set throw', () => {
    const frozen = frozenCopy({ when: new Date(0), index: new Map([['a', 1]]), tags: new Set(['x']) }) as {
      when: Date;
      index: Map<string, number>;
      tags: Set<string>;
    };
    for (const name of Object.getOwnPropertyNames(Date.prototype).filter((n) => n.startsWith('set'))) {
      assert.throws(() => (frozen.when as unknown as Record<string, (n: number) => void>)[name]!(1), TypeError, `Date.${name}`);
    }
    assert.throws(() => frozen.index.set('b', 2), TypeError);
    assert.throws(() => frozen.index.delete('a'), TypeError);
    assert.throws(() => frozen.index.clear(), TypeError);
    assert.throws(() => frozen.tags.add('y'), TypeError);
    assert.throws(() => frozen.tags.delete('x'), TypeError);
    assert.throws(() => frozen.tags.clear(), TypeError);
    assert.equal(frozen.when.getTime(), 0);
    assert.deepEqual([...frozen.index], [['a', 1]]);
    assert.deepEqual([...frozen.tags], ['x']);
  });

  it('adds no property to a frozen object or array, and freezing twice is harmless', () => {
    const frozen = frozenCopy({ user: { id: 1 }, list: [1, 2] }) as { user: object; list: unknown[] };
    assert.deepEqual(Reflect.ownKeys(frozen), ['user', 'list']);
    assert.deepEqual(Reflect.ownKeys(frozen.user), ['id']);
    assert.deepEqual(Reflect.ownKeys(frozen.list), ['0', '1', 'length']);
    const date = deepFreeze(new Date(0));
    assert.equal(deepFreeze(date), date);
    assert.equal(deepFreeze(frozen), frozen);
  });
});
