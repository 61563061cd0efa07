// Client input reaching a repository: cursors, list options and patches come from query strings and
// bodies, so each bad one must be a typed 400 whose message tells the client what was wrong, and a
// forged cursor must never be half-accepted. Shared code (repository.ts), run on the in-memory store;
// the contract (repository-contract.ts) runs the cases that differ per store on SQL too.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  InvalidCursorError,
  InvalidQueryError,
  RecordNotFoundError,
  UniqueViolationError,
  assertStorable,
  decodeCursor,
  encodeCursor,
} from '../src/repository.js';
import { MemoryRepository } from '../src/repository/memory.js';
import { account, accountFields, type Account } from './repository-contract.js';

const base64 = (text: string) => Buffer.from(text).toString('base64url');
const cursorOf = (payload: Record<string, unknown>) => base64(JSON.stringify({ v: 1, o: 'score', d: 'asc', k: 0, i: 'a', ...payload }));

function accounts(options: { maxLimit?: number } = {}) {
  return new MemoryRepository<Account, string>({ entity: 'Account', idField: 'id', fields: accountFields, unique: ['email'], ...options });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error, String(error));
  return error;
}

describe('repository inputs', () => {
  describe('cursors', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['empty', '', /^Invalid cursor: expected a non-empty string$/],
      // `?after=a&after=b` parses to an array in most query-string parsers.
      ['an array from a repeated query parameter', ['eyJ2IjoxfQ', 'eyJ2IjoxfQ'], /^Invalid cursor: expected a non-empty string$/],
      ['too long', 'A'.repeat(4097), /^Invalid cursor: too long$/],
      // Buffer's base64url decoder skips characters outside the alphabet, so these would decode to a valid cursor.
      ['a valid cursor with a character appended', `${cursorOf({})}!`, /^Invalid cursor: not base64url$/],
      ['a valid cursor with a character prepended', `.${cursorOf({})}`, /^Invalid cursor: not base64url$/],
      ['a valid cursor with padding', `${cursorOf({})}=`, /^Invalid cursor: not base64url$/],
      ['not JSON', base64('{not json'), /^Invalid cursor: not a cursor issued by this API$/],
      ['JSON null', base64('null'), /^Invalid cursor: not a cursor issued by this API$/],
      ['a JSON number', base64('42'), /^Invalid cursor: not a cursor issued by this API$/],
      ['a JSON array', base64('[1,2]'), /^Invalid cursor: not a cursor issued by this API$/],
      ['another version', cursorOf({ v: 2 }), /^Invalid cursor: not a cursor issued by this API$/],
      ['no sort value', base64('{"v":1,"o":"score","d":"asc","i":"a"}'), /^Invalid cursor: /],
      ['no id', base64('{"v":1,"o":"score","d":"asc","k":0}'), /^Invalid cursor: /],
      ['a null id', cursorOf({ i: null }), /^Invalid cursor: missing id$/],
      ['another order', cursorOf({ o: 'name' }), /^Invalid cursor: issued for order name asc, not score asc$/],
      ['another direction', cursorOf({ d: 'desc' }), /^Invalid cursor: issued for order score desc, not score asc$/],
      [
        'an infinite number (1e999 parses to Infinity)',
        base64('{"v":1,"o":"score","d":"asc","k":1e999,"i":"a"}'),
        /^Invalid cursor: unexpected value in cursor$/,
      ],
      ['an array value', cursorOf({ k: [1] }), /^Invalid cursor: unexpected value in cursor$/],
      ['an untagged object', cursorOf({ k: { x: 1 } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a date with an extra key', cursorOf({ k: { $date: '2025-01-01T00:00:00.000Z', x: 1 } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a date that is no date', cursorOf({ k: { $date: 'yesterday' } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a date that is not a string', cursorOf({ k: { $date: 0 } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a bigint with an extra key', cursorOf({ k: { $bigint: '1', x: 1 } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a bigint in exponent form', cursorOf({ k: { $bigint: '1e99' } }), /^Invalid cursor: unexpected value in cursor$/],
      // BigInt() would throw a SyntaxError (a 500) on these, or read '' as 0n.
      ['a bigint with trailing text', cursorOf({ k: { $bigint: '12abc' } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a bigint with leading text', cursorOf({ k: { $bigint: 'abc12' } }), /^Invalid cursor: unexpected value in cursor$/],
      ['an empty bigint', cursorOf({ k: { $bigint: '' } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a bigint of 41 digits', cursorOf({ k: { $bigint: '1'.repeat(41) } }), /^Invalid cursor: unexpected value in cursor$/],
      ['a bigint that is a number', cursorOf({ k: { $bigint: 5 } }), /^Invalid cursor: unexpected value in cursor$/],
    ];
    for (const [name, after, message] of cases) {
      it(`refuses ${name} with a 400 that says why`, async () => {
        const error = await rejection(accounts().list({ orderBy: 'score', after: after as string }));
        assert.ok(error instanceof InvalidCursorError, String(error));
        assert.match(error.message, message);
        assert.equal(error.name, 'InvalidCursorError');
        assert.equal(error.code, 'INVALID_CURSOR');
      });
    }

    it('round-trips every kind of sort value, up to the longest cursor accepted', () => {
      const values = [null, '', 'text', 0, -1.5, true, false, new Date('2025-03-04T05:06:07.890Z'), 0n, -12345678901234567890n, BigInt(`9${'0'.repeat(39)}`)];
      for (const value of values) {
        for (const direction of ['asc', 'desc'] as const) {
          assert.deepEqual(decodeCursor(encodeCursor('field', direction, { value, id: 7 }), 'field', direction), { value, id: 7 }, String(value));
        }
      }
      // A cursor of exactly the maximum length (4096 characters: a 3072-byte payload) is still accepted.
      const payloadBytes = (value: string) => Buffer.from(encodeCursor('f', 'asc', { value, id: 1 }), 'base64url').length;
      const value = 'x'.repeat(3072 - payloadBytes(''));
      const longest = encodeCursor('f', 'asc', { value, id: 1 });
      assert.equal(longest.length, 4096);
      assert.deepEqual(decodeCursor(longest, 'f', 'asc'), { value, id: 1 });
    });

    it('refuses to page by a value a cursor cannot carry, with a 400', async () => {
      type Item = { id: number; weight: number; tags: string[] };
      const items = new MemoryRepository<Item, number>({ entity: 'Item', idField: 'id', fields: ['id', 'weight', 'tags'] });
      await items.create({ id: 1, weight: Infinity, tags: ['a'] });
      await items.create({ id: 2, weight: NaN, tags: ['b'] });
      await items.create({ id: 3, weight: 1, tags: ['c'] });
      const infinite = await rejection(items.list({ orderBy: 'weight', limit: 2 }));
      assert.ok(infinite instanceof InvalidQueryError);
      assert.match(infinite.message, /^cannot page by a non-finite number \((Infinity|NaN)\)$/);
      const array = await rejection(items.list({ orderBy: 'tags', limit: 1 }));
      assert.ok(array instanceof InvalidQueryError);
      assert.equal(array.message, 'cannot page by a value of type object; sort by a scalar field');
      // A single page needs no cursor, so nothing is refused.
      assert.equal((await items.list({ orderBy: 'tags' })).items.length, 3);
    });
  });

  describe('list options', () => {
    it('names the option and the allowed range in each refusal', async () => {
      const repo = accounts({ maxLimit: 100 });
      const cases: Array<[object, string]> = [
        [{ limit: 0 }, 'limit must be an integer from 1 to 100, got 0'],
        [{ limit: 101 }, 'limit must be an integer from 1 to 100, got 101'],
        [{ limit: 2.5 }, 'limit must be an integer from 1 to 100, got 2.5'],
        [{ limit: '5' }, 'limit must be an integer from 1 to 100, got 5'],
        [{ offset: -1 }, 'offset must be a non-negative integer, got -1'],
        [{ offset: 0.5 }, 'offset must be a non-negative integer, got 0.5'],
        [{ offset: 2 ** 53 }, `offset must be a non-negative integer, got ${2 ** 53}`],
        [{ orderBy: 'password' }, 'cannot order by unknown field "password"'],
        [{ orderBy: 'constructor' }, 'cannot order by unknown field "constructor"'],
        [{ direction: 'up' }, `direction must be 'asc' or 'desc', got "up"`],
        [{ after: cursorOf({ o: 'id' }), offset: 3 }, 'use either a cursor (after) or an offset, not both'],
      ];
      for (const [options, message] of cases) {
        const error = await rejection(repo.list(options));
        assert.ok(error instanceof InvalidQueryError, String(error));
        assert.equal(error.message, message);
        assert.equal(error.name, 'InvalidQueryError');
        assert.equal(error.code, 'INVALID_QUERY');
      }
    });

    it('serves pages up to maxLimit, and only an explicit offset of 0 alongside a cursor', async () => {
      const repo = accounts({ maxLimit: 3 });
      for (const id of ['a', 'b', 'c', 'd', 'e']) await repo.create(account(id));
      const first = await repo.list({ limit: 3 });
      assert.deepEqual(
        first.items.map((row) => row.id),
        ['a', 'b', 'c'],
      );
      assert.deepEqual(
        (await repo.list({ limit: 3, after: first.nextCursor, offset: 0 })).items.map((row) => row.id),
        ['d', 'e'],
      );
      assert.equal((await repo.list({ limit: 1, offset: 4 })).items[0]?.id, 'e');
    });

    it('pages with the default limit of 50 when none is given', async () => {
      const repo = accounts();
      for (let i = 0; i < 51; i++) await repo.create(account(`r${String(i).padStart(2, '0')}`));
      const page = await repo.list();
      assert.equal(page.items.length, 50);
      assert.deepEqual(
        (await repo.list({ after: page.nextCursor })).items.map((row) => row.id),
        ['r50'],
      );
      assert.equal((await repo.list({ limit: 500 })).items.length, 51, 'the default maxLimit is 500');
      assert.ok((await rejection(repo.list({ limit: 501 }))) instanceof InvalidQueryError);
    });

    it('a maxLimit below the default limit caps the default instead of refusing a list that names no limit', async () => {
      const repo = accounts({ maxLimit: 20 });
      for (let i = 0; i < 25; i++) await repo.create(account(`r${String(i).padStart(2, '0')}`));
      assert.equal((await repo.list()).items.length, 20);
    });
  });

  describe('patches', () => {
    it('refuses changes that are not an object of fields, changing nothing', async () => {
      const repo = accounts();
      const original = await repo.create(account('a'));
      // An empty array or string has no entries: without the check it would pass as "no changes".
      for (const changes of [null, [], ['x'], '', 'name', 5, true]) {
        const error = await rejection(repo.update('a', changes as never));
        assert.ok(error instanceof InvalidQueryError, JSON.stringify(changes));
        assert.equal(error.message, 'update changes must be an object of field values');
      }
      assert.deepEqual(await repo.get('a'), original);
    });

    it('names the field it refuses', async () => {
      const repo = accounts();
      await repo.create(account('a'));
      assert.equal((await rejection(repo.update('a', { role: 'admin' } as never))).message, 'cannot update unknown field "role"');
      assert.equal((await rejection(repo.update('a', { id: 'b' }))).message, 'cannot update the id field "id"');
    });
  });

  describe('errors', () => {
    it('name the entity, the id or the constraint, never the conflicting value', async () => {
      const repo = accounts();
      await repo.create(account('a'));
      const missing = await rejection(repo.update('ghost', { name: 'x' }));
      assert.ok(missing instanceof RecordNotFoundError);
      assert.deepEqual([missing.name, missing.message, missing.entity], ['RecordNotFoundError', 'Account ghost not found', 'Account']);
      const taken = await rejection(repo.create(account('b', { email: 'a@example.com' })));
      assert.ok(taken instanceof UniqueViolationError);
      assert.deepEqual(
        [taken.name, taken.message, taken.entity, taken.constraint],
        ['UniqueViolationError', 'Account: unique constraint "email" violated', 'Account', 'email'],
      );
      assert.equal(new UniqueViolationError('Account', undefined).message, 'Account: unique constraint violated');
      const unstorable = await rejection(repo.create(account('c', { name: '\u0000' })));
      assert.equal(unstorable.message, 'Account: a text value contains a NUL character or an unpaired surrogate');
    });
  });

  describe('unstorable text', () => {
    // The oracle: PostgreSQL text cannot hold NUL, and a lone surrogate would not survive UTF-8.
    // A lone surrogate does not survive a round trip through UTF-8 (it comes back as U+FFFD).
    const storable = (text: string) => !text.includes('\u0000') && Buffer.from(text, 'utf8').toString('utf8') === text;
    const unit = fc.constantFrom('a', ' ', '\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD7FF', '\uE000', '\uD83D\uDE00');
    const text = fc.array(unit, { maxLength: 6 }).map((units) => units.join(''));

    it('is refused exactly when it holds a NUL or an unpaired surrogate, also inside arrays (property)', () => {
      fc.assert(
        fc.property(text, fc.boolean(), (value, nested) => {
          const check = () => assertStorable(nested ? [1, ['ok', [value]]] : [null, value], 'Entity');
          if (storable(value)) check();
          else assert.throws(check, InvalidQueryError);
        }),
        { numRuns: 500 },
      );
    });
  });
});
