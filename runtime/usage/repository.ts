// Usage examples for the repository pattern (snippets bw-repository, bw-repository-page).
import type { Page, Repository } from '../src/repository.js';
import { SqlRepository, type Queryable } from '../src/repository/sql.js';

export interface User {
  id: string;
  email: string;
  name: string;
  active: boolean;
  createdAt: Date;
}

/** What `create` needs: the database fills in the id, `active` and `createdAt`. */
export type NewUser = Pick<User, 'email' | 'name'> & Partial<User>;

export const CREATE_USERS_TABLE = `
  CREATE TABLE IF NOT EXISTS users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz(3) NOT NULL DEFAULT now()
  )`;

// @snippet bw-repository A PostgreSQL repository for one table (pg Pool/Client or PGlite), with a custom query
export class UserRepository extends SqlRepository<User, string, NewUser> {
  constructor(db: Queryable) {
    super(db, {
      entity: /*${1}*/'User'/*$*/,
      table: /*${2}*/'users'/*$*/,
      idField: 'id',
      columns: /*${3}*/{ id: 'id', email: 'email', name: 'name', active: 'active', createdAt: 'created_at' }/*$*/,
    });
  }

  async getByEmail(email: string): Promise<User | undefined> {
    const [user] = await this.run(`SELECT ${this.selectList} FROM ${this.table} WHERE ${this.column('email')} = $1`, [email]);
    return user;
  }/*$0*/
}
// @end

/** One page of users, newest first; pass the previous page's `nextCursor` to continue. */
export async function listUsers(users: Repository<User, string, NewUser>, cursor?: string): Promise<Page<User>> {
  // @snippet bw-repository-page Fetch one page in a stable order, continuing from an opaque cursor
  const page = await users.list({
    orderBy: /*${1}*/'createdAt'/*$*/,
    direction: /*${2|'desc','asc'}*/'desc'/*$*/,
    limit: /*${3}*/20/*$*/,
    after: cursor,
  });
  // @end
  return page;
}
