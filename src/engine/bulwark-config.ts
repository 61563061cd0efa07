// bulwark.json: the project's own settings, read the same way by the CLI and the extension.
import { BulwarkError } from './errors';
import { RELATIVE_IMPORTS } from './import-style';
import type { PackageManager } from './project';

export const CONFIG_FILE = 'bulwark.json';
export const DEFAULT_PATTERNS_DIR = 'src/patterns';
export const PACKAGE_MANAGERS: readonly PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun'];

export interface BulwarkConfig {
  /** Folder the patterns are written to, relative to the project root. Default `src/patterns`. */
  readonly patternsDir?: string;
  /**
   * How code imports the patterns: `relative`, or a tsconfig `paths` alias prefix such as `@/`
   * (the VS Code setting `bulwark.importStyle` is the same concept and overrides it).
   */
  readonly importStyle?: string;
  /** Overrides the package manager the lockfile shows. */
  readonly packageManager?: PackageManager;
}

export class ConfigError extends BulwarkError {
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
  if ('importAlias' in record) {
    // Renamed in 0.2.0: nothing ever read it, while the extension read `importStyle`.
    throw new ConfigError(`${path}: "importAlias" is now "importStyle": "${RELATIVE_IMPORTS}" or a tsconfig paths prefix such as "@/"`);
  }
  const known = ['$schema', 'patternsDir', 'importStyle', 'packageManager'];
  const unknown = Object.keys(record).filter((key) => !known.includes(key));
  if (unknown.length) throw new ConfigError(`${path}: unknown setting "${unknown[0]}" (known: patternsDir, importStyle, packageManager)`);
  for (const key of ['patternsDir', 'importStyle'] as const) {
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
