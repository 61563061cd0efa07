/**
 * Bulwark pattern: repository/memory
 * An in-memory Repository with the same contract as the SQL one (order, cursors, unique fields), for tests and prototypes.
 *
 * Patterns used: repository
 * Packages used: none
 */
import {
  DEFAULT_MAX_LIMIT,
  InvalidQueryError,
  RecordNotFoundError,
  assertStorable,
  UniqueViolationError,
  resolveListOptions,
  resolvePatch,
  toPage,
  type CursorPosition,
  type ListOptions,
  type Page,
  type Patch,
  type Repository,
  type SortValue,
} from '../repository.js';

export interface MemoryRepositoryOptions<T, Id> {
  /** Name used in error messages, e.g. `'User'`. */
  readonly entity: string;
  /** The id field. */
  readonly idField: keyof T & string;
  /** Every field of `T`: the allow-list for `update` and `orderBy`. */
  readonly fields: ReadonlyArray<keyof T & string>;
  /** Fields that must be unique besides the id (several `null`s are allowed, as in SQL). Default none. */
  readonly unique?: ReadonlyArray<keyof T & string>;
  /**
   * Values for fields `create` leaves out, like column DEFAULTs, e.g. `() => ({ id: randomUUID(), createdAt: new Date() })`.
   * Called once per create. Default: none, so `create` needs every field, the id included.
   */
  readonly defaults?: () => Partial<T>;
  /** Largest page `list` serves. Default 500. */
  readonly maxLimit?: number;
}

/**
 * Stores structured clones, so callers mutating what they passed in or got back cannot change stored rows,
 * just like with a database.
 */
export class MemoryRepository<T extends object, Id extends SortValue, New extends object = T> implements Repository<T, Id, New> {
  readonly #rows = new Map<string, T>();
  readonly #fields: ReadonlySet<string>;
  readonly #unique: ReadonlyArray<string>;
  readonly #options: MemoryRepositoryOptions<T, Id>;

  constructor(options: MemoryRepositoryOptions<T, Id>) {
    this.#fields = new Set(options.fields);
    if (!this.#fields.has(options.idField)) throw new TypeError(`idField ${String(options.idField)} is not in fields`);
    this.#unique = options.unique ?? [];
    for (const field of this.#unique) {
      if (!this.#fields.has(field)) throw new TypeError(`unique field ${String(field)} is not in fields`);
    }
    this.#options = options;
  }

  async get(id: Id): Promise<T | undefined> {
    assertStorable([id], this.#options.entity);
    // structuredClone(undefined) is undefined.
    return structuredClone(this.#rows.get(keyOf(id)));
  }

  async create(values: New): Promise<T> {
    const { idField, defaults, entity } = this.#options;
    const row: Record<string, unknown> = {};
    assertStorable(Object.values(values), entity);
    for (const [field, value] of [...Object.entries(defaults?.() ?? {}), ...Object.entries(values)]) {
      if (!this.#fields.has(field)) throw new InvalidQueryError(`cannot create with unknown field ${JSON.stringify(field)}`);
      if (value !== undefined) row[field] = structuredClone(value);
    }
    if (row[idField] === undefined || row[idField] === null) {
      throw new InvalidQueryError(`${entity} needs an id: pass ${idField} or return one from the defaults option`);
    }
    const key = keyOf(row[idField] as Id);
    if (this.#rows.has(key)) throw new UniqueViolationError(entity, idField);
    this.#assertUnique(row, undefined);
    this.#rows.set(key, row as T);
    return structuredClone(row as T);
  }

  async update(id: Id, changes: Patch<T>): Promise<T> {
    const entries = resolvePatch(changes, this.#fields, this.#options.idField);
    // Same rule as the SQL repository, so tests on this one catch what PostgreSQL would refuse.
    assertStorable([id, ...entries.map(([, value]) => value)], this.#options.entity);
    const key = keyOf(id);
    const current = this.#rows.get(key);
    if (current === undefined) throw new RecordNotFoundError(this.#options.entity, id);
    const next = { ...current } as Record<string, unknown>;
    for (const [field, value] of entries) next[field] = structuredClone(value);
    this.#assertUnique(next, key);
    this.#rows.set(key, next as T);
    return structuredClone(next as T);
  }

  async delete(id: Id): Promise<boolean> {
    assertStorable([id], this.#options.entity);
    return this.#rows.delete(keyOf(id));
  }

  async list(options: ListOptions<T> = {}): Promise<Page<T>> {
    const { idField, maxLimit = DEFAULT_MAX_LIMIT } = this.#options;
    const list = resolveListOptions(options, this.#fields, idField, maxLimit);
    const sign = list.direction === 'asc' ? 1 : -1;
    const position = (row: T): CursorPosition => ({
      value: (row as Record<string, SortValue>)[list.orderBy] ?? null,
      id: (row as Record<string, SortValue>)[idField] ?? null,
    });
    const order = (a: CursorPosition, b: CursorPosition) => sign * (compareSortValues(a.value, b.value) || compareSortValues(a.id, b.id));
    let rows = [...this.#rows.values()].sort((a, b) => order(position(a), position(b)));
    if (list.after) {
      const after = list.after;
      rows = rows.filter((row) => order(position(row), after) > 0);
    }
    const window = rows.slice(list.offset, list.offset + list.limit + 1).map((row) => structuredClone(row));
    return toPage(window, list, idField);
  }

  #assertUnique(row: Record<string, unknown>, ownKey: string | undefined): void {
    for (const field of this.#unique) {
      // Absent counts as null, and several nulls are allowed.
      const value = row[field] ?? null;
      if (value === null) continue;
      for (const [key, other] of this.#rows) {
        if (key !== ownKey && compareSortValues((other as Record<string, SortValue>)[field] ?? null, value as SortValue) === 0) {
          throw new UniqueViolationError(this.#options.entity, field);
        }
      }
    }
  }
}

// Ids of different JS types must not collide as Map keys (1 vs '1'), and Dates/bigints need a value key.
function keyOf(id: SortValue): string {
  if (id instanceof Date) return `d:${id.toISOString()}`;
  return `${typeof id}:${String(id)}`;
}

/** PostgreSQL's default order: nulls after every value. Strings compare by UTF-16 code unit, like a `C` collation for ASCII. */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const left = a instanceof Date ? a.getTime() : a;
  const right = b instanceof Date ? b.getTime() : b;
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
