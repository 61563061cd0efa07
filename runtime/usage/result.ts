// Usage examples for the result pattern (snippets bw-result, bw-result-handle): a UserService on the
// repository pattern that returns typed results for expected failures instead of throwing.
import { logger } from '../src/log.js';
import { conflict, notFound, validation } from '../src/errors.js';
import { fail, ok, type Result } from '../src/result.js';
import { RecordNotFoundError, UniqueViolationError, type Repository } from '../src/repository.js';
import type { NewUser, User } from './repository.js';

export interface WelcomeMailer {
  sendWelcome(user: User): Promise<void>;
}

/** A mailer that keeps messages in memory: the default for development and tests. */
export class OutboxMailer implements WelcomeMailer {
  readonly sent: string[] = [];
  async sendWelcome(user: User): Promise<void> {
    this.sent.push(user.email);
  }
}

// Deliberately loose: the point is rejecting obvious garbage, not RFC 5322.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class UserService {
  constructor(
    private readonly users: Repository<User, string, NewUser>,
    private readonly mailer: WelcomeMailer,
  ) {}

  // @snippet bw-result A service method returning a typed Result for expected failures
  async createUser(input: { email: string; name: string }): Promise<Result<User, /*${1}*/'INVALID_EMAIL' | 'EMAIL_TAKEN'/*$*/>> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) return fail('INVALID_EMAIL', 'Email address is not valid', { field: 'email' });
    try {
      // No "does this email exist?" read first: two concurrent sign-ups would both pass it. The unique
      // constraint decides, atomically.
      const user = await this.users.create({ email, name: input.name });
      await this.mailer.sendWelcome(user).catch((error: unknown) => logger.warn({ err: error, userId: user.id }, 'welcome mail failed'));
      return ok(user);
    } catch (error) {
      if (error instanceof UniqueViolationError) return fail('EMAIL_TAKEN', 'Email address is already registered');
      throw error;
    }
  }
  // @end

  async deactivateUser(id: string): Promise<Result<User, 'NOT_FOUND' | 'ALREADY_INACTIVE'>> {
    const user = await this.users.get(id);
    if (user === undefined) return fail('NOT_FOUND', 'User not found', { id });
    if (!user.active) return fail('ALREADY_INACTIVE', 'User is already deactivated', { id });
    try {
      // Only the named field is written, so a concurrent profile edit is not overwritten.
      return ok(await this.users.update(id, { active: false }));
    } catch (error) {
      if (error instanceof RecordNotFoundError) return fail('NOT_FOUND', 'User not found', { id });
      throw error;
    }
  }
}

/** At the HTTP edge: unwrap the result or turn each failure code into the matching AppError. */
export async function registerUser(service: UserService, input: { email: string; name: string }): Promise<User> {
  // @snippet bw-result-handle Unwrap a Result at the edge, mapping each error code to an HTTP error
  const result = await service.createUser(input);
  if (!result.ok) {
    switch (result.error.code) {
      case 'INVALID_EMAIL': throw validation(result.error.message, result.error.details);
      case 'EMAIL_TAKEN': throw conflict(result.error.message);
    }
  }
  const user = result.value;
  // @end
  return user;
}

export async function deactivate(service: UserService, id: string): Promise<User> {
  const result = await service.deactivateUser(id);
  if (!result.ok) {
    switch (result.error.code) {
      case 'NOT_FOUND': throw notFound('User', id);
      case 'ALREADY_INACTIVE': throw conflict(result.error.message, result.error.details);
    }
  }
  return result.value;
}
