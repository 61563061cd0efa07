// Option parsing for every command, on node:util parseArgs, with errors that name the command
// and point to its --help instead of parseArgs' generic wording.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BulwarkError } from '../engine/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed<T extends Options> {
  readonly values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  readonly positionals: string[];
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export function parseCommandArgs<T extends Options>(command: string, args: readonly string[], options: T): Parsed<T & typeof COMMON_OPTIONS> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed<T & typeof COMMON_OPTIONS>['values'], positionals };
  } catch (error) {
    throw new BulwarkError(`${describeParseError(error as Error & { code?: string })} (see \`bulwark ${command} --help\`)`, 'usage');
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^'\s]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (!option) return error.message;
      return /does not take an argument/.test(error.message) ? `option ${option} takes no value` : `option ${option} needs a value`;
    default:
      return error.message;
  }
}

/** Checks an option against its allowed values, naming them when it is not one. */
export function oneOf<V extends string>(option: string, value: string | undefined, allowed: readonly V[]): V | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as V;
  throw new BulwarkError(`--${option} must be one of ${allowed.join(', ')} (got "${value}")`, 'usage');
}
