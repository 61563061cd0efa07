// The text of a cache key is a contract, not a detail: entries in Redis outlive a deploy, so a
// release that spells a key differently silently turns every cached entry into a miss (or, for a
// spelling that merges two types, serves one type's entry for the other). One spelling per type.
import assert from 'node:assert/strict';
import { keyBody } from '../src/cache/keys.js';

const SPELLINGS: ReadonlyArray<readonly [string, unknown, string]> = [
  ['an invalid Date', new Date('not a date'), 'Date(invalid)'],
  ['a valid Date', new Date(0), 'Date(1970-01-01T00:00:00.000Z)'],
  ['a Uint8Array', new Uint8Array([1, 2]), 'Uint8Array(0102)'],
  ['a Buffer (a Uint8Array subclass, spelt as itself)', Buffer.from([1, 2]), 'Buffer(0102)'],
  ['a Float64Array', new Float64Array([1]), 'Float64Array(000000000000f03f)'],
  ['an ArrayBuffer', new ArrayBuffer(2), 'ArrayBuffer(0000)'],
  ['a boxed Number', new Number(3), 'Number(3)'],
  ['a boxed String', new String('a'), 'String("a")'],
  ['a boxed Boolean', new Boolean(true), 'Boolean(true)'],
];

describe('cache keys: one stable spelling per type', () => {
  for (const [name, value, spelling] of SPELLINGS) {
    it(`${name} is keyed as ${spelling}`, () => {
      assert.equal(keyBody([value]), `[${spelling}]`);
    });
  }
});
