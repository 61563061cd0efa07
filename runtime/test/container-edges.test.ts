// Edges of container.ts found by mutation testing (npm run mutation -- runtime/src/container.ts):
// the error codes callers branch on, and what a token says about itself.
import assert from 'node:assert/strict';
import { Container, ContainerError, token } from '../src/container.js';

function rejectsWith(code: string, name: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ContainerError);
    assert.equal(error.name, 'ContainerError');
    assert.equal(error.code, code);
    assert.match(error.message, new RegExp(name));
    return true;
  };
}

describe('container edges', () => {
  it('misuse carries a code a caller can branch on: UNKNOWN_TOKEN, ALREADY_RESOLVED, ALREADY_REGISTERED', async () => {
    const Db = token<{ id: number }>('Db');
    const Missing = token<number>('Missing');
    const container = new Container().singleton(Db, () => ({ id: 1 }));
    assert.throws(() => container.override(Missing, () => 1), rejectsWith('UNKNOWN_TOKEN', 'Missing'));
    assert.throws(() => container.singleton(Db, () => ({ id: 2 })), rejectsWith('ALREADY_REGISTERED', 'Db'));
    await container.resolve(Db);
    assert.throws(() => container.override(Db, () => ({ id: 3 })), rejectsWith('ALREADY_RESOLVED', 'Db'));
    await container.dispose();
  });

  it('a token prints as token(<name>) and keeps its name as given', () => {
    const Db = token<number>(' Db ');
    assert.equal(String(Db), 'token( Db )');
    assert.equal(Db.name, ' Db ');
    assert.throws(() => token('   '), TypeError);
  });
});
