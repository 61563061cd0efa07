// The Repository contract, run against every implementation (repository.test.ts): in-memory and SQL
// on each sqlTargets() target must behave identically.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidCursorError, InvalidQueryError, RecordNotFoundError, UniqueViolationError, type Repository } from '../src/repository.js';

export interface Account {
  id: string;
  email: string | null;
  name: string;
  score: number;
  nickname: string | null;
  createdAt: Date;
}

export type AccountRepository = Repository<Account, string>;

export const accountFields = ['id', 'email', 'name', 'score', 'nickname', 'createdAt'] as const;

let clock = Date.UTC(2025, 0, 1);
export function account(id: string, overrides: Partial<Account> = {}): Account {
  clock += 1000;
  return { id, email: `${id}@example.com`, name: `Name ${id}`, score: 0, nickname: null, createdAt: new Date(clock), ...overrides };
}

async function expectRejects<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected ${type.name}`),
    (error) => {
      caught = error;
    },
  );
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  return caught as E;
}

/** Every row, paging with the cursor; asserts the pages are consistent. */
async function pageThrough(repo: AccountRepository, options: { limit: number; orderBy?: keyof Account; direction?: 'asc' | 'desc' }) {
  const seen: Account[] = [];
  let after: string | undefined;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 1000, 'paging does not terminate');
    const page = await repo.list({ ...options, after });
    assert.ok(page.items.length <= options.limit);
    seen.push(...page.items);
    if (page.nextCursor === undefined) return seen;
    assert.equal(page.items.length, options.limit, 'only the last page may be short');
    after = page.nextCursor;
  }
}

// An oracle independent of the implementations: nulls last ascending, id breaks ties.
function expectedOrder(rows: Account[], orderBy: keyof Account, direction: 'asc' | 'desc'): string[] {
  const key = (v: unknown) => (v instanceof Date ? v.getTime() : v);
  const compare = (a: unknown, b: unknown) => {
    const [x, y] = [key(a), key(b)];
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x as number) < (y as number) ? -1 : 1;
  };
  const sorted = [...rows].sort((a, b) => compare(a[orderBy], b[orderBy]) || compare(a.id, b.id));
  if (direction === 'desc') sorted.reverse();
  return sorted.map((row) => row.id);
}

export function repositoryContract(fresh: () => Promise<AccountRepository>): void {
  let repo: AccountRepository;
  beforeEach(async () => {
    repo = await fresh();
  });

  describe('get / create / delete', () => {
    it('creates an entity and gets it back; a missing id is undefined', async () => {
      const alice = account('alice', { score: 3, nickname: 'al' });
      assert.deepEqual(await repo.create(alice), alice);
      assert.deepEqual(await repo.get('alice'), alice);
      assert.equal(await repo.get('nobody'), undefined);
    });

    it('a duplicate id or unique field is a typed UniqueViolationError, and several null emails are fine', async () => {
      await repo.create(account('a'));
      await expectRejects(repo.create(account('a', { email: 'other@example.com' })), UniqueViolationError);
      const duplicate = await expectRejects(repo.create(account('b', { email: 'a@example.com' })), UniqueViolationError);
      assert.equal(duplicate.code, 'UNIQUE_VIOLATION');
      assert.ok(!duplicate.message.includes('a@example.com'), 'the message must not echo the value');
      await repo.create(account('n1', { email: null }));
      await repo.create(account('n2', { email: null }));
      assert.equal(await repo.get('b'), undefined);
    });

    it('delete reports whether something was deleted', async () => {
      await repo.create(account('a'));
      assert.equal(await repo.delete('a'), true);
      assert.equal(await repo.delete('a'), false);
      assert.equal(await repo.get('a'), undefined);
    });
  });

  describe('update', () => {
    it('catalogue defect: update changes only the named fields; unset ones are left untouched', async () => {
      const original = await repo.create(account('a', { nickname: 'ace', score: 7 }));
      // The catalogue copied every attribute of the passed entity, so the unset email and nickname would be wiped.
      const updated = await repo.update('a', { name: 'Renamed', email: undefined, nickname: undefined });
      assert.deepEqual(updated, { ...original, name: 'Renamed' });
      assert.deepEqual(await repo.get('a'), updated);
    });

    it('null clears a field', async () => {
      await repo.create(account('a', { nickname: 'ace' }));
      assert.equal((await repo.update('a', { nickname: null })).nickname, null);
    });

    it('an empty patch returns the entity unchanged', async () => {
      const original = await repo.create(account('a'));
      assert.deepEqual(await repo.update('a', {}), original);
    });

    it('catalogue defect: a missing id is a typed RecordNotFoundError, not a bare error', async () => {
      const error = await expectRejects(repo.update('ghost', { name: 'x' }), RecordNotFoundError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.id, 'ghost');
      await expectRejects(repo.update('ghost', {}), RecordNotFoundError);
    });

    it('catalogue defect: concurrent updates of different fields all survive (no read-then-write)', async () => {
      await repo.create(account('a'));
      // Read-modify-write of the whole row lets the last writer restore every other field it read.
      await Promise.all([
        repo.update('a', { name: 'N' }),
        repo.update('a', { score: 42 }),
        repo.update('a', { nickname: 'nick' }),
        repo.update('a', { email: 'new@example.com' }),
      ]);
      const row = await repo.get('a');
      assert.deepEqual(
        { name: row?.name, score: row?.score, nickname: row?.nickname, email: row?.email },
        { name: 'N', score: 42, nickname: 'nick', email: 'new@example.com' },
      );
    });

    it('rejects unknown fields and changing the id, changing nothing', async () => {
      const original = await repo.create(account('a'));
      await expectRejects(repo.update('a', { name: 'x', isAdmin: true } as never), InvalidQueryError);
      await expectRejects(repo.update('a', { id: 'b' }), InvalidQueryError);
      assert.deepEqual(await repo.get('a'), original);
    });

    it("taking another entity's unique value is a UniqueViolationError and changes nothing", async () => {
      await repo.create(account('a'));
      const b = await repo.create(account('b'));
      await expectRejects(repo.update('b', { email: 'a@example.com', name: 'x' }), UniqueViolationError);
      assert.deepEqual(await repo.get('b'), b);
    });
  });

  describe('list', () => {
    it('catalogue defect: limit/offset pages follow a stable order, even after rows change', async () => {
      for (const id of ['c', 'e', 'a', 'd', 'b']) await repo.create(account(id));
      // Updates move rows physically in PostgreSQL; without ORDER BY they would come back in heap order.
      await repo.update('a', { name: 'moved' });
      await repo.update('b', { name: 'moved' });
      const pages = [];
      for (let offset = 0; offset < 6; offset += 2) pages.push((await repo.list({ limit: 2, offset })).items.map((r) => r.id));
      assert.deepEqual(pages, [['a', 'b'], ['c', 'd'], ['e']]);
    });

    it('orders by a field with the id as tie-breaker, both directions, nulls last ascending', async () => {
      await repo.create(account('a', { score: 2, nickname: null }));
      await repo.create(account('b', { score: 1, nickname: 'x' }));
      await repo.create(account('c', { score: 2, nickname: 'w' }));
      await repo.create(account('d', { score: 1, nickname: null }));
      const ids = async (options: Parameters<AccountRepository['list']>[0]) => (await repo.list(options)).items.map((r) => r.id);
      assert.deepEqual(await ids({ orderBy: 'score' }), ['b', 'd', 'a', 'c']);
      assert.deepEqual(await ids({ orderBy: 'score', direction: 'desc' }), ['c', 'a', 'd', 'b']);
      assert.deepEqual(await ids({ orderBy: 'nickname' }), ['c', 'b', 'a', 'd']);
      assert.deepEqual(await ids({ orderBy: 'nickname', direction: 'desc' }), ['d', 'a', 'b', 'c']);
    });

    it('pages with a cursor through duplicates, nulls and dates, without repeating or skipping', async () => {
      const rows = [];
      for (let i = 0; i < 13; i++) {
        rows.push(await repo.create(account(`r${String(i).padStart(2, '0')}`, { score: i % 3, nickname: i % 4 === 0 ? null : `n${i % 5}` })));
      }
      for (const orderBy of ['score', 'nickname', 'createdAt', 'id'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const seen = await pageThrough(repo, { limit: 4, orderBy, direction });
          assert.deepEqual(
            seen.map((r) => r.id),
            expectedOrder(rows, orderBy, direction),
            `${orderBy} ${direction}`,
          );
        }
      }
      assert.equal((await repo.list({ limit: 13 })).nextCursor, undefined, 'an exactly full last page has no next cursor');
    });

    it('a cursor keeps its place when rows are inserted before it', async () => {
      for (const id of ['b', 'd', 'f']) await repo.create(account(id));
      const first = await repo.list({ limit: 2 });
      await repo.create(account('a'));
      await repo.create(account('c'));
      const second = await repo.list({ limit: 2, after: first.nextCursor });
      assert.deepEqual(
        second.items.map((r) => r.id),
        ['f'],
      );
    });

    it('a malformed or foreign cursor is a typed InvalidCursorError', async () => {
      await repo.create(account('a'));
      await repo.create(account('b'));
      const { nextCursor } = await repo.list({ limit: 1, orderBy: 'score' });
      assert.ok(nextCursor);
      const base64 = (text: string) => Buffer.from(text).toString('base64url');
      const bad = [
        'not a cursor!',
        '',
        base64('{not json'),
        base64('[1,2]'),
        base64('{"v":1,"o":"score","d":"asc","k":0}'),
        base64('{"v":1,"o":"score","d":"asc","k":{"$date":"yesterday"},"i":"a"}'),
        base64('{"v":1,"o":"score","d":"asc","k":{"$bigint":"1e99"},"i":"a"}'),
        base64('{"v":9,"o":"score","d":"asc","k":0,"i":"a"}'),
        'A'.repeat(10_000),
      ];
      for (const after of bad) await expectRejects(repo.list({ orderBy: 'score', after }), InvalidCursorError);
      const foreign = await expectRejects(repo.list({ orderBy: 'name', after: nextCursor }), InvalidCursorError);
      assert.match(foreign.message, /score asc/);
      await expectRejects(repo.list({ orderBy: 'score', direction: 'desc', after: nextCursor }), InvalidCursorError);
    });

    it('bad list options are a typed InvalidQueryError', async () => {
      for (const options of [
        { limit: 0 },
        { limit: 100_000 },
        { limit: 1.5 },
        { offset: -1 },
        { orderBy: 'name; DROP TABLE account' as never },
        { orderBy: 'toString' as never },
        { direction: 'sideways' as never },
      ]) {
        await expectRejects(repo.list(options), InvalidQueryError);
      }
      const { nextCursor } = await repo
        .create(account('a'))
        .then(() => repo.create(account('b')))
        .then(() => repo.list({ limit: 1 }));
      await expectRejects(repo.list({ after: nextCursor, offset: 1 }), InvalidQueryError);
      assert.equal((await repo.list()).items.length, 2, 'the table survived');
    });

    it('input errors are 400s by the http-errors convention (status, expose), with messages fit for the client', async () => {
      const cursor = await expectRejects(repo.list({ after: '!!!' }), InvalidCursorError);
      const query = await expectRejects(repo.list({ limit: 0 }), InvalidQueryError);
      for (const error of [cursor, query]) {
        const { status, expose, exposeMessage } = error as { status?: unknown; expose?: unknown; exposeMessage?: unknown };
        assert.deepEqual({ status, expose, exposeMessage }, { status: 400, expose: true, exposeMessage: true });
      }
    });

    it('text PostgreSQL cannot store as given (NUL, unpaired surrogates) is an InvalidQueryError before any write', async () => {
      await repo.create(account('a'));
      for (const bad of ['nul\u0000byte', 'lone \uD800 high', 'lone \uDC00 low', 'swapped \uDC00\uD800']) {
        await expectRejects(repo.create(account('b', { name: bad })), InvalidQueryError);
        await expectRejects(repo.update('a', { name: bad }), InvalidQueryError);
        await expectRejects(repo.get(bad), InvalidQueryError);
        await expectRejects(repo.delete(bad), InvalidQueryError);
      }
      await repo.update('a', { name: 'pair \uD83D\uDE00 ok' });
      assert.equal((await repo.get('a'))?.name, 'pair \uD83D\uDE00 ok');
      assert.deepEqual(
        (await repo.list()).items.map((row) => row.id),
        ['a'],
      );
    });

    it('cursor paging visits every row exactly once, in order (property)', async function () {
      this.timeout(120_000);
      const ids = fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { maxLength: 25 });
      // Few distinct values, so ties (equal dates too) and nulls are common.
      const row = fc.record({
        score: fc.integer({ min: -2, max: 2 }),
        nickname: fc.option(fc.stringMatching(/^[a-c]{1,3}$/)),
        createdAt: fc.integer({ min: 0, max: 2 }).map((second) => new Date(Date.UTC(2025, 0, 1, 0, 0, second))),
      });
      await fc.assert(
        fc.asyncProperty(
          ids.chain((keys) => fc.tuple(fc.constant(keys), fc.array(row, { minLength: keys.length, maxLength: keys.length }))),
          fc.integer({ min: 1, max: 7 }),
          fc.constantFrom('score', 'nickname', 'createdAt', 'id'),
          fc.constantFrom('asc', 'desc'),
          async ([keys, values], limit, orderBy, direction) => {
            repo = await fresh();
            const rows: Account[] = [];
            for (const [i, key] of keys.entries()) {
              rows.push(await repo.create(account(`k${String(key).padStart(3, '0')}`, values[i])));
            }
            const seen = await pageThrough(repo, { limit, orderBy, direction });
            assert.deepEqual(
              seen.map((r) => r.id),
              expectedOrder(rows, orderBy, direction),
            );
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
