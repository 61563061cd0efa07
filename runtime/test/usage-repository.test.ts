import assert from 'node:assert/strict';
import { UniqueViolationError } from '../src/repository.js';
import { CREATE_USERS_TABLE, UserRepository, listUsers } from '../usage/repository.js';
import { schemaSqlTargets } from './fixtures/sql-schemas.js';

for (const target of schemaSqlTargets()) {
  describe(`usage/repository on ${target.name}`, function () {
    this.timeout(60_000);
    let db: Awaited<ReturnType<typeof target.open>>;
    before(async () => {
      db = await target.open();
      await db.db.query(CREATE_USERS_TABLE);
    });
    after(async () => db?.close());

    it('bw-repository: creates with database defaults, finds by email, enforces the unique email', async () => {
      const users = new UserRepository(db.db);
      const ada = await users.create({ email: 'ada@example.com', name: 'Ada' });
      assert.match(ada.id, /^[0-9a-f-]{36}$/);
      assert.equal(ada.active, true);
      assert.ok(ada.createdAt instanceof Date);
      assert.deepEqual(await users.getByEmail('ada@example.com'), ada);
      assert.equal(await users.getByEmail('nobody@example.com'), undefined);
      await assert.rejects(users.create({ email: 'ada@example.com', name: 'Other Ada' }), UniqueViolationError);
    });

    it('bw-repository-page: pages newest first with the cursor until the end', async () => {
      const users = new UserRepository(db.db);
      await db.db.query('TRUNCATE users');
      const base = Date.UTC(2025, 5, 1);
      for (let i = 0; i < 45; i++) {
        await users.create({ email: `u${i}@example.com`, name: `U${i}`, createdAt: new Date(base + (i % 9) * 1000) });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listUsers(users, cursor);
        seen.push(...page.items.map((u) => u.email));
        for (let i = 1; i < page.items.length; i++) {
          assert.ok(page.items[i - 1]!.createdAt >= page.items[i]!.createdAt, 'newest first');
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 45);
    });
  });
}
