// Edges of result.ts found by mutation testing (npm run mutation -- result).
import assert from 'node:assert/strict';
import { fail } from '../src/result.js';

describe('result edges', () => {
  it('fail() without a code says what is missing, so the caller can fix the call site', () => {
    for (const code of ['', undefined, 42]) {
      assert.throws(
        () => fail(code as unknown as string, 'no code'),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, /fail\(\).*non-empty error code/);
          return true;
        },
      );
    }
  });
});
