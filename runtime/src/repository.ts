/**
 * Bulwark pattern: repository
 * The Repository contract (get, create, partial update, delete, stable keyset/offset listing), its typed errors and cursor codec.
 *
 * Patterns used: none
 * Packages used: none
 */

/** A value a list can be ordered by and a cursor can carry. */
export type SortValue = string | number | bigint | boolean | Date | null;

/** Fields to change; fields left out or set to `undefined` are not touched (pass `null` to clear one). */
export type Patch<T> = { readonly [F in keyof T]?: T[F] | undefined };

export interface ListOptions<T> {
  /** Page size, 1..`maxLimit` of the implementation. Default 50, or `maxLimit` when that is lower. */
  readonly limit?: number;
  /** Field to sort by; the id is always appended as the tie-breaker so the order is total. Default: the id field. */
  readonly orderBy?: keyof T & string;
  /** Default `'asc'`. `null` sorts after every value in `'asc'` (before in `'desc'`), as in PostgreSQL. */
  readonly direction?: 'asc' | 'desc';
  /** Opaque cursor from a previous page's `nextCursor`: the page starts right after that row. */
  readonly after?: string;
  /** Rows to skip (limit/offset paging). Cannot be combined with `after`. Default 0. */
  readonly offset?: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `after` to get the next page; `undefined` when this page is the last one. */
  readonly nextCursor: string | undefined;
}

/**
 * Persistence of one entity type. `Id` is the id's type; `New` is what `create` accepts
 * (default `T`; narrow it when the store fills in ids or defaults).
 */
export interface Repository<T, Id, New = T> {
  /** The entity, or `undefined` when there is none: absence is an expected answer, not an error. */
  get(id: Id): Promise<T | undefined>;
  /** @throws {UniqueViolationError} when the id or a unique field is already taken. */
  create(values: New): Promise<T>;
  /**
   * Changes only the named fields, atomically (no read-then-write), and returns the updated entity.
   * @throws {RecordNotFoundError} when there is no entity with this id.
   * @throws {UniqueViolationError} when a changed unique field is already taken.
   */
  update(id: Id, changes: Patch<T>): Promise<T>;
  /** `true` when an entity was deleted, `false` when there was none. */
  delete(id: Id): Promise<boolean>;
  /** A page in a stable, total order (`orderBy`, then id). */
  list(options?: ListOptions<T>): Promise<Page<T>>;
}

/**
 * Base class of every error a repository throws on purpose; `code` tells them apart.
 *
 * The input errors ({@link InvalidCursorError}, {@link InvalidQueryError}) also carry `status: 400` and
 * `expose: true`, the http-errors convention: the errors pattern (and Fastify's or Koa's default handler)
 * answers them with a 400 without importing this file. Their messages are written for the client (they
 * name fields and limits, never a stored value or the database's own message), which `exposeMessage`
 * tells the errors pattern: it then sends their code and message.
 */
export abstract class RepositoryError extends Error {
  abstract readonly code: 'NOT_FOUND' | 'UNIQUE_VIOLATION' | 'INVALID_CURSOR' | 'INVALID_QUERY';
}

export class RecordNotFoundError extends RepositoryError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly entity: string,
    readonly id: unknown,
  ) {
    super(`${entity} ${String(id)} not found`);
    this.name = 'RecordNotFoundError';
  }
}

export class UniqueViolationError extends RepositoryError {
  readonly code = 'UNIQUE_VIOLATION';
  /**
   * `constraint` is the violated constraint (SQL) or field (in-memory) when known.
   * The message never contains the conflicting value, which may be personal data.
   */
  constructor(
    readonly entity: string,
    readonly constraint: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${entity}: unique constraint ${constraint ? `"${constraint}" ` : ''}violated`, options);
    this.name = 'UniqueViolationError';
  }
}

/** A cursor that this API did not issue for this order. Cursors come from clients, so it is a 400. */
export class InvalidCursorError extends RepositoryError {
  readonly code = 'INVALID_CURSOR';
  readonly status = 400;
  readonly expose = true;
  readonly exposeMessage = true;
  constructor(reason: string) {
    super(`Invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

/**
 * A bad list option or patch (unknown field, limit out of range...) or a value the column cannot hold
 * (NUL in text, an out-of-range integer, 'abc' for a uuid): usually the caller's input, so a 400.
 */
export class InvalidQueryError extends RepositoryError {
  readonly code = 'INVALID_QUERY';
  readonly status = 400;
  readonly expose = true;
  readonly exposeMessage = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidQueryError';
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the implementations (repository/memory.ts, repository/sql.ts).

export const DEFAULT_LIMIT = 50;
export const DEFAULT_MAX_LIMIT = 500;

export interface ResolvedList {
  readonly limit: number;
  readonly offset: number;
  readonly orderBy: string;
  readonly direction: 'asc' | 'desc';
  readonly after: CursorPosition | undefined;
}

/** Validates list options against the entity's fields and fills in the defaults. */
export function resolveListOptions(options: ListOptions<any>, fields: ReadonlySet<string>, idField: string, maxLimit: number): ResolvedList {
  // A lower maxLimit caps the default: a client that names no limit has asked for nothing out of range.
  const { limit = Math.min(DEFAULT_LIMIT, maxLimit), offset = 0, orderBy = idField, direction = 'asc', after } = options;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${maxLimit}, got ${String(limit)}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidQueryError(`offset must be a non-negative integer, got ${String(offset)}`);
  }
  if (!fields.has(orderBy)) {
    throw new InvalidQueryError(`cannot order by unknown field ${JSON.stringify(orderBy)}`);
  }
  if (direction !== 'asc' && direction !== 'desc') {
    throw new InvalidQueryError(`direction must be 'asc' or 'desc', got ${JSON.stringify(direction)}`);
  }
  if (after !== undefined && offset !== 0) {
    throw new InvalidQueryError('use either a cursor (after) or an offset, not both');
  }
  const position = after === undefined ? undefined : decodeCursor(after, orderBy, direction);
  return { limit, offset, orderBy, direction, after: position };
}

/** Rejects patches naming unknown fields or the id, and drops `undefined` entries. */
export function resolvePatch(changes: Patch<any>, fields: ReadonlySet<string>, idField: string): Array<[string, unknown]> {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
    throw new InvalidQueryError('update changes must be an object of field values');
  }
  const entries: Array<[string, unknown]> = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!fields.has(field)) throw new InvalidQueryError(`cannot update unknown field ${JSON.stringify(field)}`);
    if (field === idField) throw new InvalidQueryError(`cannot update the id field ${JSON.stringify(field)}`);
    entries.push([field, value]);
  }
  return entries;
}

// A NUL or an unpaired UTF-16 surrogate: PostgreSQL text cannot hold the first, and drivers encoding to
// UTF-8 silently turn the second into U+FFFD, so the row would hold something else than was written.
const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Rejects strings (also inside arrays) that a PostgreSQL text column cannot store as given. */
export function assertStorable(values: Iterable<unknown>, entity: string): void {
  for (const value of values) {
    if (typeof value === 'string' && UNSTORABLE_TEXT.test(value)) {
      throw new InvalidQueryError(`${entity}: a text value contains a NUL character or an unpaired surrogate`);
    }
    if (Array.isArray(value)) assertStorable(value, entity);
  }
}

// ---------------------------------------------------------------------------------------------
// Cursor: base64url JSON of the last row's sort value and id, plus the order it belongs to.
// It is opaque to clients but not secret or signed: forging one only moves where a page starts,
// and every value in it reaches SQL as a bound parameter.

export interface CursorPosition {
  readonly value: SortValue;
  readonly id: SortValue;
}

const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 4096;

type EncodedValue = string | number | boolean | null | { readonly $date: string } | { readonly $bigint: string };

function encodeValue(value: unknown): EncodedValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new InvalidQueryError(`cannot page by a non-finite number (${value})`);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new InvalidQueryError(`cannot page by a value of type ${typeof value}; sort by a scalar field`);
}

function decodeValue(encoded: unknown): SortValue {
  if (encoded === null || typeof encoded === 'string' || typeof encoded === 'boolean') return encoded;
  if (Number.isFinite(encoded)) return encoded as number;
  // Also arrays: their keys are indexes, never $date or $bigint.
  if (typeof encoded === 'object') {
    const tagged = encoded as Record<string, unknown>;
    const keys = Object.keys(tagged);
    if (keys.length === 1 && typeof tagged.$date === 'string') {
      const date = new Date(tagged.$date);
      if (!Number.isNaN(date.getTime())) return date;
    }
    if (keys.length === 1 && typeof tagged.$bigint === 'string' && /^-?\d{1,40}$/.test(tagged.$bigint)) {
      return BigInt(tagged.$bigint);
    }
  }
  throw new InvalidCursorError('unexpected value in cursor');
}

export function encodeCursor(orderBy: string, direction: 'asc' | 'desc', position: { value: unknown; id: unknown }): string {
  const payload = { v: CURSOR_VERSION, o: orderBy, d: direction, k: encodeValue(position.value), i: encodeValue(position.id) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} for the same order; anything else is an {@link InvalidCursorError}. */
export function decodeCursor(cursor: string, orderBy: string, direction: 'asc' | 'desc'): CursorPosition {
  if (typeof cursor !== 'string' || cursor.length === 0) throw new InvalidCursorError('expected a non-empty string');
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('too long');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('not base64url');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // Not JSON: refused below, like any payload without v.
  }
  // Any JSON but an object of this version (null, a number, an array) has no v of 1; a missing k or i is refused by decodeValue.
  const { v, o, d, k, i } = (payload ?? {}) as Record<string, unknown>;
  if (v !== CURSOR_VERSION) throw new InvalidCursorError('not a cursor issued by this API');
  if (o !== orderBy || d !== direction) {
    // A cursor only means something in the order it was issued for; reusing it elsewhere would skip rows silently.
    throw new InvalidCursorError(`issued for order ${String(o)} ${String(d)}, not ${orderBy} ${direction}`);
  }
  const id = decodeValue(i);
  if (id === null) throw new InvalidCursorError('missing id');
  return { value: decodeValue(k), id };
}

/** Builds a page from `limit + 1` fetched rows: the extra row only tells whether there is a next page. */
export function toPage<T>(rows: T[], list: ResolvedList, idField: string): Page<T> {
  if (rows.length <= list.limit) return { items: rows, nextCursor: undefined };
  const items = rows.slice(0, list.limit);
  const last = items[items.length - 1] as Record<string, unknown>;
  return { items, nextCursor: encodeCursor(list.orderBy, list.direction, { value: last[list.orderBy], id: last[idField] }) };
}
