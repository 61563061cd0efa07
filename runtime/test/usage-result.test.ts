import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AppError } from '../src/errors.js';
import { MemoryRepository } from '../src/repository/memory.js';
import { CREATE_USERS_TABLE, UserRepository, type NewUser, type User } from '../usage/repository.js';
import { OutboxMailer, UserService, deactivate, registerUser } from '../usage/result.js';
import { sqlTargets, type SqlTarget } from './fixtures/sql.js';

interface Backend {
  readonly name: string;
  /** A service over an empty users store. */
  open(): Promise<{ service: UserService; mailer: OutboxMailer }>;
  dispose(): Promise<void>;
}

const inMemory: Backend = {
  name: 'in-memory repository',
  async open() {
    const users = new MemoryRepository<User, string, NewUser>({
      entity: 'User',
      idField: 'id',
      fields: ['id', 'email', 'name', 'active', 'createdAt'],
      unique: ['email'],
      // The same defaults as the users table's columns.
      defaults: () => ({ id: randomUUID(), active: true, createdAt: new Date() }),
    });
    const mailer = new OutboxMailer();
    return { service: new UserService(users, mailer), mailer };
  },
  async dispose() {},
};

function onSql(target: SqlTarget): Backend {
  // One database per target for the whole suite (starting PGlite is the slow part), emptied per test.
  let database: ReturnType<SqlTarget['open']> | undefined;
  return {
    name: `SQL repository on ${target.name}`,
    async open() {
      database ??= target.open().then(async (opened) => {
        await opened.db.query(CREATE_USERS_TABLE);
        return opened;
      });
      const { db } = await database;
      await db.query('TRUNCATE users');
      const mailer = new OutboxMailer();
      return { service: new UserService(new UserRepository(db), mailer), mailer };
    },
    async dispose() {
      await (await database)?.close();
    },
  };
}

for (const backend of [inMemory, ...sqlTargets().map(onSql)]) {
  describe(`usage/result UserService with ${backend.name}`, function () {
    this.timeout(60_000);
    let env: Awaited<ReturnType<typeof backend.open>>;
    beforeEach(async () => {
      env = await backend.open();
    });
    after(async () => backend.dispose());

    it('bw-result: creates a user, normalising the email, and sends the welcome mail', async () => {
      const result = await env.service.createUser({ email: '  Ada@Example.com ', name: 'Ada' });
      assert.ok(result.ok);
      assert.equal(result.value.email, 'ada@example.com');
      assert.equal(result.value.active, true);
      assert.deepEqual(env.mailer.sent, ['ada@example.com']);
    });

    it('bw-result: expected failures are typed results, not exceptions', async () => {
      assert.deepEqual(await env.service.createUser({ email: 'not-an-email', name: 'X' }), {
        ok: false,
        error: { code: 'INVALID_EMAIL', message: 'Email address is not valid', details: { field: 'email' } },
      });
      await env.service.createUser({ email: 'ada@example.com', name: 'Ada' });
      const taken = await env.service.createUser({ email: 'ADA@example.com', name: 'Impostor' });
      assert.equal(taken.ok ? 'ok' : taken.error.code, 'EMAIL_TAKEN');
      assert.deepEqual(env.mailer.sent, ['ada@example.com']);
    });

    it('deactivates once, then reports ALREADY_INACTIVE; an unknown id is NOT_FOUND', async () => {
      const created = await env.service.createUser({ email: 'bob@example.com', name: 'Bob' });
      assert.ok(created.ok);
      const first = await env.service.deactivateUser(created.value.id);
      assert.ok(first.ok);
      assert.equal(first.value.active, false);
      assert.equal(first.value.name, 'Bob', 'other fields are untouched');
      const second = await env.service.deactivateUser(created.value.id);
      assert.equal(second.ok ? 'ok' : second.error.code, 'ALREADY_INACTIVE');
      const missing = await env.service.deactivateUser('00000000-0000-0000-0000-000000000000');
      assert.equal(missing.ok ? 'ok' : missing.error.code, 'NOT_FOUND');
    });

    it('bw-result-handle: the edge maps failure codes to AppErrors', async () => {
      const user = await registerUser(env.service, { email: 'cy@example.com', name: 'Cy' });
      assert.equal(user.email, 'cy@example.com');
      const expectAppError = (code: string, status: number) => (error: unknown) => error instanceof AppError && error.code === code && error.status === status;
      await assert.rejects(registerUser(env.service, { email: 'cy@example.com', name: 'Cy' }), expectAppError('CONFLICT', 409));
      await assert.rejects(registerUser(env.service, { email: 'nope', name: 'Cy' }), expectAppError('VALIDATION', 400));
      await deactivate(env.service, user.id);
      await assert.rejects(deactivate(env.service, user.id), expectAppError('CONFLICT', 409));
      await assert.rejects(deactivate(env.service, '00000000-0000-0000-0000-000000000000'), expectAppError('NOT_FOUND', 404));
    });
  });
}
