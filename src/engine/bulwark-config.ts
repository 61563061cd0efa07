// bulwark.json: the project's own settings, read the same way by the CLI and the extension.
import type { PackageManager } from './project';

export const CONFIG_FILE = 'bulwark.json';
export const DEFAULT_PATTERNS_DIR = 'src/patterns';
export const PACKAGE_MANAGERS: readonly PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun'];

export interface BulwarkConfig {
  /** Folder the patterns are written to, relative to the project root. Default `src/patterns`. */
  readonly patternsDir?: string;
  /** The import specifier prefix that reaches the patterns folder, e.g. `@/patterns`. */
  readonly importAlias?: string;
  /** Overrides the package manager the lockfile shows. */
  readonly packageManager?: PackageManager;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseBulwarkConfig(text: string, path: string): BulwarkConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${path} must contain a JSON object`);
  const record = value as Record<string, unknown>;
  const known = ['$schema', 'patternsDir', 'importAlias', 'packageManager'];
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  if (unknown.length) throw new ConfigError(`${path}: unknown setting "${unknown[0]}" (known: patternsDir, importAlias, packageManager)`);
  for (const key of ['patternsDir', 'importAlias'] as const) {
    if (record[key] !== undefined && (typeof record[key] !== 'string' || record[key] === '')) {
      throw new ConfigError(`${path}: "${key}" must be a non-empty string`);
    }
  }
  const manager = record.packageManager;
  if (manager !== undefined && !(PACKAGE_MANAGERS as readonly unknown[]).includes(manager)) {
    throw new ConfigError(`${path}: "packageManager" must be one of ${PACKAGE_MANAGERS.join(', ')}`);
  }
  return record as BulwarkConfig;
}
