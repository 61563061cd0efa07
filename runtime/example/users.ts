// The users domain of the example service: table, repository and a service that returns Results.
import { randomUUID } from 'node:crypto';
import type { Transact } from '../src/outbox.js';
import { UniqueViolationError, type Page, type Repository } from '../src/repository.js';
import { SqlRepository, type Queryable } from '../src/repository/sql.js';
import { fail, ok, type Result } from '../src/result.js';

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

export type NewUser = Omit<User, 'createdAt'>;

export type UserRepository = Repository<User, string, NewUser>;

// timestamptz(3): JS Dates hold milliseconds, so cursors over created_at stay exact (see repository/sql).
export const USERS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now()
  )`;

export function createUserRepository(db: Queryable): UserRepository {
  return new SqlRepository<User, string, NewUser>(db, {
    entity: 'User',
    table: 'users',
    idField: 'id',
    columns: { id: 'id', email: 'email', name: 'name', createdAt: 'created_at' },
    maxLimit: 100,
  });
}

// No whitespace, control characters (NUL among them) or unpaired surrogates: PostgreSQL cannot store NUL,
// and the driver would silently store an unpaired surrogate as U+FFFD.
const EMAIL = /^[^\s@\p{Cc}\p{Cs}]{1,64}@[^\s@\p{Cc}\p{Cs}]{1,255}$/u;
const NAME = /^[^\p{Cc}\p{Cs}]{1,100}$/u;

export type UserInputError = 'INVALID_INPUT';
export type CreateUserError = UserInputError | 'EMAIL_TAKEN';

/** Application logic with expected failures as typed Results; HTTP mapping lives in the routes. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly transaction: Transact,
    /** Runs in the user's transaction: what it writes through `tx` commits or rolls back with the user. */
    private readonly onCreated: (user: User, tx: Queryable) => Promise<void>,
  ) {}

  async create(input: unknown): Promise<Result<User, CreateUserError>> {
    const parsed = parseUserInput(input, { partial: false });
    if (!parsed.ok) return parsed;
    const { email, name } = parsed.value;
    try {
      const user = await this.transaction(async (tx) => {
        const created = await createUserRepository(tx).create({ id: randomUUID(), email: email!, name: name! });
        await this.onCreated(created, tx);
        return created;
      });
      return ok(user);
    } catch (error) {
      if (error instanceof UniqueViolationError) return fail('EMAIL_TAKEN', 'a user with this email already exists');
      throw error;
    }
  }

  async rename(id: string, input: unknown): Promise<Result<User, UserInputError | 'EMAIL_TAKEN'>> {
    const parsed = parseUserInput(input, { partial: true });
    if (!parsed.ok) return parsed;
    try {
      return ok(await this.users.update(id, parsed.value));
    } catch (error) {
      if (error instanceof UniqueViolationError) return fail('EMAIL_TAKEN', 'a user with this email already exists');
      throw error;
    }
  }

  list(limit: number, after: string | undefined): Promise<Page<User>> {
    return this.users.list({ limit, orderBy: 'createdAt', ...(after === undefined ? {} : { after }) });
  }
}

function parseUserInput(input: unknown, { partial }: { partial: boolean }): Result<{ email?: string; name?: string }, UserInputError> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('INVALID_INPUT', 'expected a JSON object', { fields: { body: 'must be an object' } });
  }
  const { email, name } = input as Record<string, unknown>;
  const problems: Record<string, string> = {};
  if ((email !== undefined || !partial) && (typeof email !== 'string' || !EMAIL.test(email))) problems.email = 'must be an email address';
  if ((name !== undefined || !partial) && (typeof name !== 'string' || name.trim().length === 0 || !NAME.test(name))) {
    problems.name = 'must be 1 to 100 printable characters';
  }
  if (Object.keys(problems).length > 0) return fail('INVALID_INPUT', 'invalid user', { fields: problems });
  return ok({
    ...(typeof email === 'string' ? { email: email.toLowerCase() } : {}),
    ...(typeof name === 'string' ? { name: name.trim() } : {}),
  });
}
