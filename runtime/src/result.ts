/**
 * Bulwark pattern: result
 * A service-layer Result: `{ ok: true, value } | { ok: false, error }` with typed error codes, and ok/fail/map/andThen/unwrapOr.
 *
 * Patterns used: none
 * Packages used: none
 */

/** An expected failure a caller should handle: a code from a closed set, a human message and optional details. */
export interface Failure<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

// `?: never` forbids the other branch's field outright, so no value of either type can carry both.
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
  readonly error?: never;
}

export interface Fail<Code extends string = string> {
  readonly ok: false;
  readonly error: Failure<Code>;
  readonly value?: never;
}

/** Success with a value, or a failure with one of the error codes `Code`; never both. */
export type Result<T, Code extends string = string> = Ok<T> | Fail<Code>;

/** The error codes a result type can fail with, e.g. `ErrorCodeOf<ReturnType<typeof createUser>>`. */
export type ErrorCodeOf<R> = R extends Fail<infer Code> ? Code : R extends Promise<infer Inner> ? ErrorCodeOf<Inner> : never;

/** A success. Results are frozen: success and failure cannot be mixed afterwards either. */
export function ok<T>(value: T): Ok<T>;
export function ok(): Ok<void>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return Object.freeze({ ok: true, value });
}

/**
 * A failure with a typed code. The code's literal type is kept (`fail('EMAIL_TAKEN', …)` is a
 * `Fail<'EMAIL_TAKEN'>`), so a function's return type lists exactly the failures it can produce.
 */
export function fail<const Code extends string>(code: Code, message: string, details?: Readonly<Record<string, unknown>>): Fail<Code> {
  if (typeof code !== 'string' || code.length === 0) throw new TypeError('fail() needs a non-empty error code');
  const error: Failure<Code> = details === undefined ? { code, message } : { code, message, details };
  return Object.freeze({ ok: false, error: Object.freeze(error) });
}

/** Transforms the value of a success; a failure passes through unchanged. */
export function map<T, U, Code extends string>(result: Result<T, Code>, transform: (value: T) => U): Result<U, Code> {
  return result.ok ? ok(transform(result.value)) : result;
}

/** Transforms the failure (e.g. to translate codes between layers); a success passes through unchanged. */
export function mapError<T, Code extends string, NextCode extends string>(
  result: Result<T, Code>,
  transform: (error: Failure<Code>) => Failure<NextCode>,
): Result<T, NextCode> {
  if (result.ok) return result;
  const { code, message, details } = transform(result.error);
  return fail(code, message, details);
}

/** Chains a step that can fail itself; the codes of both steps add up in the type. */
export function andThen<T, U, Code extends string, NextCode extends string>(
  result: Result<T, Code>,
  next: (value: T) => Result<U, NextCode>,
): Result<U, Code | NextCode> {
  return result.ok ? next(result.value) : result;
}

/** The value of a success, or `fallback` for any failure. */
export function unwrapOr<T, U = T>(result: Result<T, string>, fallback: U): T | U {
  return result.ok ? result.value : fallback;
}
