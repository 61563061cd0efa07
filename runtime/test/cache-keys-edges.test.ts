// Edges of cache/keys.ts found by mutation testing (npm run mutation -- runtime/src/cache/keys.ts).
// Each test states a property of keys a caller relies on: distinct calls get distinct keys (in the
// bytes a store sees), the same call gets the same key, and a refused value is named in the error.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { cacheKey, keyBody } from '../src/cache/keys.js';

const bytes = (args: unknown[]) => Buffer.from(keyBody(args), 'utf8').toString('hex');

function assertDistinct(calls: unknown[][]): void {
  const seen = new Map<string, unknown[]>();
  for (const args of calls) {
    const key = bytes(args);
    if (seen.has(key)) assert.fail(`${inspect(args)} shares a key with ${inspect(seen.get(key))}`);
    seen.set(key, args);
  }
}

function refusedAt(args: unknown[], where: RegExp): void {
  assert.throws(
    () => keyBody(args),
    (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, where);
      return true;
    },
  );
}

describe('cache keys edges', () => {
  it('a string holding a quote does not read as two arguments', () => {
    assertDistinct([['a","b'], ['a', 'b'], ['a\\', 'b']]);
  });

  it('lone surrogates keep distinct keys in UTF-8 (a store would turn each into U+FFFD)', () => {
    assertDistinct([['\ud800'], ['\ud801'], ['\udfff'], ['\udffe'], ['\ufffd'], ['\ud7ff']]);
    // A well-formed pair is not a lone surrogate: it keys as itself.
    assert.notEqual(bytes(['\ud83d\ude00']), bytes(['\ufffd\ufffd']));
  });

  it('numbers next to an object do not run together', () => {
    assertDistinct([
      [1, 2, {}],
      [12, {}],
      [1, 2, []],
      [12, []],
    ]);
  });

  it('Set and Map entries do not run together', () => {
    assertDistinct([
      [new Set([1, 2])],
      [new Set([12])],
      [
        new Map([
          [1, 2],
          [3, 4],
        ]),
      ],
      [
        new Map([
          [1, 23],
          [4, 0],
        ]),
      ],
    ]);
  });

  it('registered symbols are keyed by their name', () => {
    assertDistinct([[Symbol.for('a')], [Symbol.for('b')], ['a']]);
    assert.equal(keyBody([Symbol.for('a')]), keyBody([Symbol.for('a')]));
  });

  it('typed arrays and buffers are keyed by type as well as bytes', () => {
    const bytes3 = [1, 2, 3];
    assertDistinct([
      [new Uint8Array(bytes3)],
      [new Int8Array(bytes3)],
      [new Uint8ClampedArray(bytes3)],
      [Buffer.from(bytes3)],
      [new Uint8Array(bytes3).buffer],
      [new DataView(new Uint8Array(bytes3).buffer)],
    ]);
  });

  it('a SharedArrayBuffer is keyed by its bytes, apart from an ArrayBuffer with the same bytes', () => {
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([7, 9]);
    const other = new SharedArrayBuffer(2);
    new Uint8Array(other).set([7, 9]);
    assert.equal(keyBody([shared]), keyBody([other]));
    new Uint8Array(other)[1] = 8;
    assertDistinct([[shared], [other], [new Uint8Array([7, 9]).buffer]]);
  });

  it('no arguments and only undefined arguments are the same call, and the key is computed', () => {
    assert.equal(keyBody([]), keyBody([undefined]));
    assert.equal(keyBody([]), keyBody([undefined, undefined]));
    assert.equal(keyBody([1]), keyBody([1, undefined]));
    assert.notEqual(keyBody([]), keyBody([null]));
  });

  it('a class keyed through Symbol.for("bulwark.cacheKey") is honoured (a copy of the pattern elsewhere uses the same symbol)', () => {
    assert.equal(cacheKey, Symbol.for('bulwark.cacheKey'));
    class Account {
      constructor(readonly id: string) {}
      [Symbol.for('bulwark.cacheKey')]() {
        return this.id;
      }
    }
    assertDistinct([[new Account('a')], [new Account('b')]]);
  });

  it('a refused value is named where it sits: in a Map key or value, a Set item, a cacheKey() or toJSON() result', () => {
    const fn = () => 1;
    refusedAt([new Map([[fn, 1]])], /arguments\[0\]\.<key> is a function/);
    refusedAt([new Map([[1, fn]])], /arguments\[0\]\.<value> is a function/);
    refusedAt([new Set([fn])], /arguments\[0\]\.<item> is a function/);
    class Hooked {
      [cacheKey]() {
        return fn;
      }
    }
    refusedAt([new Hooked()], /arguments\[0\]\[cacheKey\]\(\) is a function/);
    class Json {
      toJSON() {
        return fn;
      }
    }
    refusedAt([new Json()], /arguments\[0\]\.toJSON\(\) is a function/);
  });

  it('an instance of a class without a name, or with no constructor at all, is refused as an anonymous class', () => {
    const Unnamed = (() => class {})();
    assert.equal(Unnamed.name, '');
    refusedAt([new Unnamed()], /instance of anonymous class/);
    const bare = Object.create(Object.create(null, { kind: { value: 'x' } }));
    refusedAt([bare], /instance of anonymous class/);
    class Named {}
    refusedAt([new Named()], /instance of Named,/);
  });
});
