/**
 * Bulwark pattern: repository/sql
 * A PostgreSQL Repository over any `query(text, params)` client (pg Pool/Client, PGlite): quoted identifiers, bound values, one-statement updates.
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
  type ListOptions,
  type Page,
  type Patch,
  type Repository,
} from '../repository.js';

/**
 * The one method the repository needs. `pg.Pool`, `pg.Client`, a checked-out `PoolClient` (to run
 * inside your transaction) and PGlite all satisfy it without an adapter.
 */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface SqlRepositoryOptions<T> {
  /** Name used in error messages, e.g. `'User'`. */
  readonly entity: string;
  /** Table name, optionally schema-qualified (`'app.users'`). Quoted, so it is case-sensitive. */
  readonly table: string;
  /** The primary-key field. */
  readonly idField: keyof T & string;
  /**
   * Column name of every field, e.g. `{ id: 'id', createdAt: 'created_at' }`. Required for every
   * field so a forgotten one is a compile error; it is also the allow-list for `update` and `orderBy`.
   */
  readonly columns: { readonly [F in keyof T & string]-?: string };
  /** Largest page `list` serves. Default 500. */
  readonly maxLimit?: number;
}

// Plain identifiers only: anything else in a table or column name is a configuration mistake,
// and refusing it here means no identifier can ever carry SQL.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a validated identifier (`schema.table` allowed); quoting also makes reserved words like `user` usable. */
export function quoteIdentifier(name: string): string {
  const parts = typeof name === 'string' ? name.split('.') : [];
  if (parts.length === 0 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TypeError(`invalid SQL identifier ${JSON.stringify(name)}: use letters, digits and _ (optionally schema.name)`);
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/**
 * There is no AbortSignal: pg cannot cancel a running query from a signal, so bound query time on the
 * server instead (`SET statement_timeout`, or per role/database).
 *
 * Ordering by a timestamp column? Make it `timestamptz(3)`: JS Dates hold milliseconds, so a cursor
 * taken from a microsecond timestamp would point slightly before its row and repeat it.
 */
export class SqlRepository<T extends object, Id, New extends object = T> implements Repository<T, Id, New> {
  protected readonly db: Queryable;
  protected readonly entity: string;
  /** The quoted table name, ready to interpolate. */
  protected readonly table: string;
  /** `"col" AS "field", ...` for every field, ready to interpolate after SELECT or RETURNING. */
  protected readonly selectList: string;
  readonly #columns: ReadonlyMap<string, string>;
  readonly #fields: ReadonlySet<string>;
  readonly #idField: string;
  readonly #maxLimit: number;

  constructor(db: Queryable, options: SqlRepositoryOptions<T>) {
    this.db = db;
    this.entity = options.entity;
    this.table = quoteIdentifier(options.table);
    const columns = new Map<string, string>();
    for (const [field, column] of Object.entries(options.columns) as Array<[string, string]>) {
      if (field.includes('"')) throw new TypeError(`invalid field name ${JSON.stringify(field)}`);
      columns.set(field, quoteIdentifier(column));
    }
    if (!columns.has(options.idField)) throw new TypeError(`idField ${options.idField} has no column`);
    this.#columns = columns;
    this.#fields = new Set(columns.keys());
    this.#idField = options.idField;
    this.#maxLimit = options.maxLimit ?? DEFAULT_MAX_LIMIT;
    this.selectList = [...columns].map(([field, column]) => `${column} AS "${field}"`).join(', ');
  }

  /** The quoted column of a field, for custom queries in subclasses. */
  protected column(field: keyof T & string): string {
    const column = this.#columns.get(field);
    if (column === undefined) throw new InvalidQueryError(`unknown field ${JSON.stringify(field)}`);
    return column;
  }

  /** Runs a statement, turning unique violations and bad values into typed errors. Use it in subclasses too. */
  protected async run(text: string, params: unknown[]): Promise<T[]> {
    assertStorable(params, this.entity);
    try {
      const { rows } = await this.db.query(text, params);
      return rows as T[];
    } catch (error) {
      throw this.translate(error);
    }
  }

  protected translate(error: unknown): unknown {
    const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
    if (code === '23505') {
      return new UniqueViolationError(this.entity, typeof constraint === 'string' ? constraint : undefined, { cause: error });
    }
    // Class 22 (data exception): a value that does not fit its column, e.g. 'abc' for a uuid id.
    if (typeof code === 'string' && code.startsWith('22')) {
      // The database's message quotes the value and names types; it stays in `cause`, for the logs.
      return new InvalidQueryError(`${this.entity}: a value does not fit its column`, { cause: error });
    }
    // PGlite serializes parameters by the column's type before PostgreSQL sees them, and its boolean, date
    // and bytea serializers throw a plain Error (no SQLSTATE) for a value PostgreSQL would refuse with 22P02.
    if (code === undefined && error instanceof Error && /^Invalid input for \w+ type$/.test(error.message)) {
      return new InvalidQueryError(`${this.entity}: a value does not fit its column`, { cause: error });
    }
    return error;
  }

  async get(id: Id): Promise<T | undefined> {
    const rows = await this.run(`SELECT ${this.selectList} FROM ${this.table} WHERE ${this.#idColumn} = $1`, [id]);
    return rows[0];
  }

  async create(values: New): Promise<T> {
    const columns: string[] = [];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const column = this.#columns.get(field);
      if (column === undefined) throw new InvalidQueryError(`cannot create with unknown field ${JSON.stringify(field)}`);
      columns.push(column);
      params.push(value);
    }
    const text =
      columns.length === 0
        ? `INSERT INTO ${this.table} DEFAULT VALUES RETURNING ${this.selectList}`
        : `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${this.selectList}`;
    const [row] = await this.run(text, params);
    if (row === undefined) throw new Error(`${this.entity}: INSERT returned no row`);
    return row;
  }

  async update(id: Id, changes: Patch<T>): Promise<T> {
    const entries = resolvePatch(changes, this.#fields, this.#idField);
    if (entries.length === 0) {
      const current = await this.get(id);
      if (current === undefined) throw new RecordNotFoundError(this.entity, id);
      return current;
    }
    // One statement: the row is locked, changed and returned atomically, so concurrent updates of
    // different fields cannot overwrite each other the way read-modify-write of the whole row does.
    const assignments = entries.map(([field], i) => `${this.#columns.get(field)} = $${i + 1}`);
    const params = [...entries.map(([, value]) => value), id];
    const [row] = await this.run(
      `UPDATE ${this.table} SET ${assignments.join(', ')} WHERE ${this.#idColumn} = $${params.length} RETURNING ${this.selectList}`,
      params,
    );
    if (row === undefined) throw new RecordNotFoundError(this.entity, id);
    return row;
  }

  async delete(id: Id): Promise<boolean> {
    const rows = await this.run(`DELETE FROM ${this.table} WHERE ${this.#idColumn} = $1 RETURNING 1 AS deleted`, [id]);
    return rows.length > 0;
  }

  async list(options: ListOptions<T> = {}): Promise<Page<T>> {
    const list = resolveListOptions(options, this.#fields, this.#idField, this.#maxLimit);
    const id = this.#idColumn;
    const asc = list.direction === 'asc';
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    // Cursor values are client input: a forged cursor may put a number where the column holds timestamps,
    // which PGlite would serialize as milliseconds since 1970 and page from there. As text PostgreSQL parses
    // it by the column's type and refuses a mismatch (class 22, a 400). Forged booleans and bigints already
    // fail that way (or as PGlite's serializer errors, see translate). Dates stay Dates so the driver keeps
    // its own time-zone handling.
    const cursorParam = (value: unknown) => param(typeof value === 'number' ? String(value) : value);
    const sortColumn = list.orderBy === this.#idField ? undefined : this.#columns.get(list.orderBy);
    // NULLS LAST ascending / NULLS FIRST descending is PostgreSQL's default, spelled out because the
    // cursor conditions below depend on it.
    const orderBy =
      sortColumn === undefined
        ? `${id} ${asc ? 'ASC' : 'DESC'}`
        : `${sortColumn} ${asc ? 'ASC NULLS LAST' : 'DESC NULLS FIRST'}, ${id} ${asc ? 'ASC' : 'DESC'}`;
    let where = '';
    if (list.after) {
      const { value, id: lastId } = list.after;
      const beyond = asc ? '>' : '<';
      if (sortColumn === undefined) {
        where = `WHERE ${id} ${beyond} ${cursorParam(lastId)}`;
      } else if (value === null) {
        where = asc ? `WHERE ${sortColumn} IS NULL AND ${id} > ${cursorParam(lastId)}` : `WHERE (${sortColumn} IS NOT NULL OR ${id} < ${cursorParam(lastId)})`;
      } else {
        const v = cursorParam(value);
        const tie = `(${sortColumn} = ${v} AND ${id} ${beyond} ${cursorParam(lastId)})`;
        where = asc ? `WHERE (${sortColumn} > ${v} OR ${tie} OR ${sortColumn} IS NULL)` : `WHERE (${sortColumn} < ${v} OR ${tie})`;
      }
    }
    const rows = await this.run(
      `SELECT ${this.selectList} FROM ${this.table} ${where} ORDER BY ${orderBy} LIMIT ${param(list.limit + 1)} OFFSET ${param(list.offset)}`,
      params,
    );
    return toPage(rows, list, this.#idField);
  }

  get #idColumn(): string {
    return this.#columns.get(this.#idField) as string;
  }
}
