import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { InvalidQueryError, RecordNotFoundError, UniqueViolationError, decodeCursor, encodeCursor } from '../src/repository.js';
import { MemoryRepository } from '../src/repository/memory.js';
import { SqlRepository, quoteIdentifier, type Queryable } from '../src/repository/sql.js';
import { schemaSqlTargets } from './fixtures/sql-schemas.js';
import { account, accountFields, repositoryContract, type Account } from './repository-contract.js';

// Both real clients satisfy Queryable structurally; this fails to compile if either stops doing so.
const clients: Array<(q: PGlite | pg.Pool | pg.PoolClient) => Queryable> = [(q) => q];
void clients;

const ACCOUNT_TABLE = `
  CREATE TABLE account (
    id text PRIMARY KEY,
    email text UNIQUE,
    display_name text NOT NULL,
    score integer NOT NULL,
    nickname text,
    created_at timestamptz(3) NOT NULL
  )`;

const accountColumns = {
  id: 'id',
  email: 'email',
  name: 'display_name',
  score: 'score',
  nickname: 'nickname',
  createdAt: 'created_at',
} as const;

function accountRepository(db: Queryable): SqlRepository<Account, string> {
  return new SqlRepository<Account, string>(db, { entity: 'Account', table: 'account', idField: 'id', columns: accountColumns });
}

describe('repository', () => {
  describe('in-memory', () => {
    repositoryContract(async () => new MemoryRepository<Account, string>({ entity: 'Account', idField: 'id', fields: accountFields, unique: ['email'] }));

    it('stores copies: mutating what was passed in or returned changes nothing stored', async () => {
      const repo = new MemoryRepository<Account, string>({ entity: 'Account', idField: 'id', fields: accountFields });
      const input = account('a');
      const created = await repo.create(input);
      input.name = 'mutated input';
      created.name = 'mutated output';
      (await repo.list()).items[0]!.name = 'mutated list';
      assert.equal((await repo.get('a'))?.name, 'Name a');
    });

    it('fills left-out fields from defaults (like column DEFAULTs), and otherwise requires an id', async () => {
      let next = 0;
      type Note = { id: number; text: string; pinned: boolean };
      const notes = new MemoryRepository<Note, number, { text: string; pinned?: boolean }>({
        entity: 'Note',
        idField: 'id',
        fields: ['id', 'text', 'pinned'],
        defaults: () => ({ id: ++next, pinned: false }),
      });
      assert.deepEqual(await notes.create({ text: 'hi' }), { id: 1, text: 'hi', pinned: false });
      assert.deepEqual(await notes.create({ text: 'top', pinned: true }), { id: 2, text: 'top', pinned: true });
      const strict = new MemoryRepository<Note, number>({ entity: 'Note', idField: 'id', fields: ['id', 'text', 'pinned'] });
      await assert.rejects(strict.create({ text: 'x' } as Note), (error: Error) => error instanceof InvalidQueryError && /needs an id/.test(error.message));
    });

    it('rejects a misconfigured repository at construction', () => {
      assert.throws(() => new MemoryRepository<Account, string>({ entity: 'A', idField: 'id', fields: ['name'] }), /idField id is not in fields/);
      assert.throws(
        () => new MemoryRepository<Account, string>({ entity: 'A', idField: 'id', fields: ['id', 'name'], unique: ['email'] }),
        /unique field email is not in fields/,
      );
    });

    it('keeps ids of different types and Dates a millisecond apart distinct, as a primary key would', async () => {
      type Event = { at: Date; label: string };
      const events = new MemoryRepository<Event, Date>({ entity: 'Event', idField: 'at', fields: ['at', 'label'] });
      const at = new Date('2025-01-01T00:00:00.000Z');
      await events.create({ at, label: 'first' });
      await events.create({ at: new Date(at.getTime() + 1), label: 'one ms later' });
      await assert.rejects(events.create({ at: new Date(at), label: 'same instant' }), UniqueViolationError);
      assert.equal((await events.get(new Date(at)))?.label, 'first');
      type Tag = { id: string | number; label: string };
      const tags = new MemoryRepository<Tag, string | number>({ entity: 'Tag', idField: 'id', fields: ['id', 'label'] });
      await tags.create({ id: 1, label: 'number' });
      await tags.create({ id: '1', label: 'string' });
      assert.equal((await tags.get(1))?.label, 'number');
      assert.equal((await tags.get('1'))?.label, 'string');
    });

    it('refuses a null id and an unknown field at create; an undefined value leaves the default in place', async () => {
      type Note = { id: number; text: string; pinned?: boolean };
      const notes = new MemoryRepository<Note, number, { id?: number | null; text: string; pinned?: boolean }>({
        entity: 'Note',
        idField: 'id',
        fields: ['id', 'text', 'pinned'],
        defaults: () => ({ id: 7 }),
      });
      await assert.rejects(notes.create({ id: null, text: 'x' }), (error: Error) => error instanceof InvalidQueryError && /needs an id/.test(error.message));
      await assert.rejects(notes.create({ text: 'x', color: 'red' } as never), /cannot create with unknown field "color"/);
      assert.deepEqual(await notes.create({ id: undefined, text: 'kept', pinned: undefined }), { id: 7, text: 'kept' });
    });

    it('pages by a field some rows leave out as if it were null (nulls last)', async () => {
      type Item = { id: number; rank?: number };
      const items = new MemoryRepository<Item, number>({ entity: 'Item', idField: 'id', fields: ['id', 'rank'] });
      for (const item of [{ id: 1 }, { id: 2, rank: 5 }, { id: 3 }, { id: 4, rank: 1 }]) await items.create(item);
      const seen: number[] = [];
      let after: string | undefined;
      do {
        const page = await items.list({ orderBy: 'rank', limit: 1, after });
        seen.push(...page.items.map((item) => item.id));
        after = page.nextCursor;
      } while (after);
      assert.deepEqual(seen, [4, 2, 1, 3]);
    });
  });

  for (const target of schemaSqlTargets()) {
    describe(`SQL on ${target.name}`, function () {
      this.timeout(60_000);
      let db: Queryable;
      let close: () => Promise<void>;
      before(async () => {
        ({ db, close } = await target.open());
        await db.query(ACCOUNT_TABLE);
      });
      after(async () => close?.());

      describe('contract', () => {
        repositoryContract(async () => {
          await db.query('TRUNCATE account');
          return accountRepository(db);
        });
      });

      describe('SQL specifics', () => {
        beforeEach(async () => db.query('TRUNCATE account'));

        it('update is a single UPDATE … RETURNING statement', async () => {
          const statements: string[] = [];
          const recording: Queryable = {
            query: (text, params) => {
              statements.push(text);
              return db.query(text, params);
            },
          };
          const repo = accountRepository(recording);
          await repo.create(account('a'));
          statements.length = 0;
          const updated = await repo.update('a', { name: 'One statement', score: 5 });
          assert.equal(statements.length, 1);
          assert.match(statements[0]!, /^UPDATE "account" SET "display_name" = \$1, "score" = \$2 WHERE "id" = \$3 RETURNING /);
          assert.equal(updated.name, 'One statement');
        });

        it('values are bound parameters: hostile strings are stored verbatim', async () => {
          const repo = accountRepository(db);
          const hostile = `x'); DROP TABLE account; --`;
          await repo.create(account('a', { name: hostile }));
          assert.equal((await repo.update('a', { nickname: hostile })).nickname, hostile);
          assert.equal(await repo.get(hostile), undefined);
          assert.equal((await repo.get('a'))?.name, hostile);
        });

        it('quotes identifiers, so reserved words and mixed case work', async () => {
          await db.query('CREATE TABLE "user" ("order" integer PRIMARY KEY, "Group" text)');
          type Row = { position: number; group: string | null };
          const repo = new SqlRepository<Row, number>(db, {
            entity: 'User',
            table: 'user',
            idField: 'position',
            columns: { position: 'order', group: 'Group' },
          });
          await repo.create({ position: 2, group: 'b' });
          await repo.create({ position: 1, group: null });
          assert.deepEqual((await repo.list({ orderBy: 'group' })).items, [
            { position: 2, group: 'b' },
            { position: 1, group: null },
          ]);
        });

        it('rejects identifiers that are not plain names at construction', () => {
          for (const name of ['account; DROP TABLE account', 'a"b', '', 'a.b.c', '1abc', 'x'.repeat(64), 'a.', '.a', 'a b', 'ü']) {
            assert.throws(() => quoteIdentifier(name), /^TypeError: invalid SQL identifier/, name);
          }
          // A JavaScript caller (or a config file) can pass anything.
          for (const name of [undefined, 5, ['account']]) {
            assert.throws(() => quoteIdentifier(name as never), /^TypeError: invalid SQL identifier/, String(name));
          }
          assert.equal(quoteIdentifier('app.users'), '"app"."users"');
          for (const name of ['a', '_', 'Z9_z', `a${'9'.repeat(62)}`]) assert.equal(quoteIdentifier(name), `"${name}"`);
          assert.throws(
            () =>
              new SqlRepository<Account, string>(db, {
                entity: 'A',
                table: 'account',
                idField: 'id',
                columns: { ...accountColumns, ['na"me' as 'name']: 'name' },
              }),
            /^TypeError: invalid field name "na\\"me"$/,
          );
          assert.throws(
            () => new SqlRepository<Account, string>(db, { entity: 'A', table: 'account', idField: 'key' as 'id', columns: accountColumns }),
            /^TypeError: idField key has no column$/,
          );
          assert.throws(
            () => new SqlRepository<Account, string>(db, { entity: 'A', table: 'account', idField: 'id', columns: { ...accountColumns, name: 'name--' } }),
            /invalid SQL identifier "name--"/,
          );
        });

        it('maps SQLSTATE 23505 to UniqueViolationError with the constraint, keeping the driver error as cause', async () => {
          const repo = accountRepository(db);
          await repo.create(account('a'));
          const error = await repo.create(account('b', { email: 'a@example.com' })).then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(error instanceof UniqueViolationError);
          assert.equal(error.constraint, 'account_email_key');
          assert.equal((error.cause as { code?: string }).code, '23505');
        });

        it('a value that does not fit its column is an InvalidQueryError, not a driver crash', async () => {
          await db.query('CREATE TABLE doc (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), title text NOT NULL)');
          type Doc = { id: string; title: string };
          const docs = new SqlRepository<Doc, string, { title: string }>(db, {
            entity: 'Doc',
            table: 'doc',
            idField: 'id',
            columns: { id: 'id', title: 'title' },
          });
          const created = await docs.create({ title: 'generated id' });
          assert.match(created.id, /^[0-9a-f-]{36}$/);
          await assert.rejects(docs.get('not-a-uuid'), InvalidQueryError);
          await assert.rejects(docs.list({ after: encodeCursor('id', 'asc', { value: 'x', id: 'not-a-uuid' }) }), InvalidQueryError);
          await assert.rejects(docs.update('00000000-0000-0000-0000-000000000000', { title: 'x' }), RecordNotFoundError);
          // Integer ids from a URL: out of range for the column (SQLSTATE 22003) or not an integer at all (22P02).
          await db.query('CREATE TABLE counter (id integer PRIMARY KEY, n bigint NOT NULL)');
          type Counter = { id: number; n: bigint };
          const counters = new SqlRepository<Counter, number | string>(db, {
            entity: 'Counter',
            table: 'counter',
            idField: 'id',
            columns: { id: 'id', n: 'n' },
          });
          for (const id of [2 ** 31, -(2 ** 31) - 1, 1e300, '99999999999999999999', '1.5', 'abc']) {
            const error = await counters.get(id).then(
              () => undefined,
              (e: unknown) => e,
            );
            assert.ok(error instanceof InvalidQueryError, String(id));
            assert.equal(error.status, 400);
            assert.equal(error.message, 'Counter: a value does not fit its column');
            assert.match(String((error.cause as { code?: string }).code), /^22/, 'the driver error stays in cause, for the logs');
            assert.ok(!/SQLSTATE|integer|syntax|out of range/i.test(error.message), `the database's message stays in cause: ${error.message}`);
          }
          await assert.rejects(counters.create({ id: 1, n: 2n ** 70n }), InvalidQueryError);
          // A forged cursor putting another JSON type where the sort column holds timestamps.
          const accounts = accountRepository(db);
          await accounts.create(account('a'));
          for (const k of [1e300, 12, true, { $bigint: '99999999999999999999' }, 'not a date']) {
            const forged = Buffer.from(JSON.stringify({ v: 1, o: 'createdAt', d: 'asc', k, i: 'a' })).toString('base64url');
            const error = await accounts.list({ orderBy: 'createdAt', after: forged }).then(
              () => undefined,
              (e: unknown) => e,
            );
            assert.ok(error instanceof InvalidQueryError, `${JSON.stringify(k)}: ${String(error)}`);
          }
          // The same on a boolean sort column, where PGlite's own serializer refused before PostgreSQL saw the value.
          await db.query('CREATE TABLE flag (id integer PRIMARY KEY, pinned boolean NOT NULL)');
          type Flag = { id: number; pinned: boolean };
          const flags = new SqlRepository<Flag, number>(db, { entity: 'Flag', table: 'flag', idField: 'id', columns: { id: 'id', pinned: 'pinned' } });
          await flags.create({ id: 1, pinned: true });
          for (const k of ['maybe', 3, { $date: '2020-01-01T00:00:00Z' }, { $bigint: '5' }]) {
            const forged = Buffer.from(JSON.stringify({ v: 1, o: 'pinned', d: 'asc', k, i: 1 })).toString('base64url');
            const error = await flags.list({ orderBy: 'pinned', after: forged }).then(
              () => undefined,
              (e: unknown) => e,
            );
            assert.ok(error instanceof InvalidQueryError, `${JSON.stringify(k)}: ${String(error)}`);
          }
          const maybe = await flags.update(1, { pinned: 'maybe' as unknown as boolean }).then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(maybe instanceof InvalidQueryError, String(maybe));
          assert.equal(maybe.message, 'Flag: a value does not fit its column');
          assert.ok(maybe.cause instanceof Error, 'the driver error stays in cause, for the logs');
        });

        it('create leaves out undefined values so column DEFAULTs apply, and inserts DEFAULT VALUES for an empty object', async () => {
          await db.query("CREATE TABLE tick (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label text NOT NULL DEFAULT 'none')");
          type Tick = { id: string; label: string };
          const ticks = new SqlRepository<Tick, string, Partial<Tick>>(db, {
            entity: 'Tick',
            table: 'tick',
            idField: 'id',
            columns: { id: 'id', label: 'label' },
          });
          const empty = await ticks.create({});
          assert.equal(empty.label, 'none');
          const undefinedId = await ticks.create({ id: undefined, label: 'given' });
          assert.match(undefinedId.id, /^[0-9a-f-]{36}$/);
          assert.equal(undefinedId.label, 'given');
          await assert.rejects(ticks.create({ label: 'x', color: 'red' } as never), /cannot create with unknown field "color"/);
        });

        it('an INSERT a trigger suppresses is an error, not an undefined entity', async () => {
          await db.query('CREATE TABLE muted (id integer PRIMARY KEY)');
          await db.query('CREATE FUNCTION mute() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$');
          await db.query('CREATE TRIGGER mute BEFORE INSERT ON muted FOR EACH ROW EXECUTE FUNCTION mute()');
          const muted = new SqlRepository<{ id: number }, number>(db, { entity: 'Muted', table: 'muted', idField: 'id', columns: { id: 'id' } });
          await assert.rejects(muted.create({ id: 1 }), /^Error: Muted: INSERT returned no row$/);
        });

        it('serves pages up to its maxLimit option', async () => {
          const repo = new SqlRepository<Account, string>(db, { entity: 'Account', table: 'account', idField: 'id', columns: accountColumns, maxLimit: 2 });
          for (const id of ['a', 'b', 'c']) await repo.create(account(id));
          assert.equal((await repo.list()).items.length, 2);
          await assert.rejects(repo.list({ limit: 3 }), /limit must be an integer from 1 to 2, got 3/);
          assert.equal((await accountRepository(db).list({ limit: 500 })).items.length, 3, 'the default maxLimit is 500');
          await assert.rejects(accountRepository(db).list({ limit: 501 }), InvalidQueryError);
        });

        it('column() gives subclasses the quoted column of a known field only', async () => {
          class Accounts extends SqlRepository<Account, string> {
            constructor() {
              super(db, { entity: 'Account', table: 'account', idField: 'id', columns: accountColumns });
            }
            async byName(name: string): Promise<Account[]> {
              return this.run(`SELECT ${this.selectList} FROM ${this.table} WHERE ${this.column('name')} = $1`, [name]);
            }
            unknownColumn(): string {
              return this.column('password' as never);
            }
          }
          const repo = new Accounts();
          await repo.create(account('a', { name: 'Ada' }));
          assert.deepEqual(
            (await repo.byName('Ada')).map((row) => row.id),
            ['a'],
          );
          assert.throws(
            () => repo.unknownColumn(),
            (error: Error) => error instanceof InvalidQueryError && error.message === 'unknown field "password"',
          );
        });

        it('only input errors become 400s: a broken statement or a closed database stays the error it was', async () => {
          const repo = accountRepository(db);
          // NOT NULL (23502) on a column the caller's code must always fill is a bug, not client input.
          const notNull = await repo.create(account('a', { name: null as never })).then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(!(notNull instanceof InvalidQueryError) && !(notNull instanceof UniqueViolationError), String(notNull));
          assert.equal((notNull as { code?: string }).code, '23502');
          const closed = new PGlite();
          await closed.close();
          const error = await accountRepository(closed)
            .get('a')
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          assert.ok(error instanceof Error && error.constructor === Error, String(error));
          assert.equal(error.message, 'PGlite is closed');
        });

        it('stores binary values with zero bytes (a NUL is only refused in text)', async () => {
          await db.query('CREATE TABLE blob (id integer PRIMARY KEY, data bytea NOT NULL)');
          type Blob = { id: number; data: Uint8Array };
          const blobs = new SqlRepository<Blob, number>(db, { entity: 'Blob', table: 'blob', idField: 'id', columns: { id: 'id', data: 'data' } });
          // A Buffer, as file contents arrive: its String() holds the NULs, so a check on anything but strings would refuse it.
          await blobs.create({ id: 1, data: Buffer.from([0, 1, 0]) });
          assert.deepEqual([...(await blobs.get(1))!.data], [0, 1, 0]);
        });

        it("works inside the caller's transaction", async () => {
          const run = async (inTransaction: (tx: Queryable) => Promise<void>) => {
            if (db instanceof PGlite) {
              await db.transaction(async (tx) => {
                await inTransaction(tx);
                await tx.rollback();
              });
            } else {
              const client = await (db as pg.Pool).connect();
              try {
                await client.query('BEGIN');
                await inTransaction(client);
              } finally {
                await client.query('ROLLBACK');
                client.release();
              }
            }
          };
          await run(async (tx) => {
            await accountRepository(tx).create(account('rolled-back'));
            assert.ok(await accountRepository(tx).get('rolled-back'));
          });
          assert.equal(await accountRepository(db).get('rolled-back'), undefined);
        });
      });
    });
  }

  describe('cursor codec', () => {
    it('round-trips dates and bigints exactly', () => {
      const value = new Date('2025-03-04T05:06:07.890Z');
      const cursor = encodeCursor('createdAt', 'desc', { value, id: 12345678901234567890n });
      assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeCursor(cursor, 'createdAt', 'desc'), { value, id: 12345678901234567890n });
    });
  });
});
