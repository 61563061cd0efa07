// The user's project as the CLI sees it: its root (nearest package.json), its manifest, its
// bulwark.json, and the settings that follow from them. Precedence: flags > bulwark.json >
// defaults.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { detectPackageManager, parsePackageJson, type PackageJson, type PackageManager } from '../engine/project';
import { CONFIG_FILE, ConfigError, DEFAULT_PATTERNS_DIR, parseBulwarkConfig, type BulwarkConfig } from '../engine/bulwark-config';
import { CliError } from './output';

export { CONFIG_FILE, DEFAULT_PATTERNS_DIR, PACKAGE_MANAGERS, type BulwarkConfig } from '../engine/bulwark-config';

export interface Project {
  readonly root: string;
  readonly manifest: PackageJson;
  readonly config: BulwarkConfig;
  /** Whether `bulwark.json` exists (its values are in `config`). */
  readonly hasConfig: boolean;
  /** bulwark.json's package manager, else the detected one. */
  readonly packageManager: PackageManager;
  /** The one the lockfile (or package.json "packageManager") shows. */
  readonly detectedPackageManager: PackageManager;
}

/** The nearest folder at or above `from` that holds a package.json. */
export function findProjectRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function loadProject(cwd: string): Project {
  if (!existsSync(cwd)) throw new CliError(`folder ${cwd} does not exist`);
  const root = findProjectRoot(cwd);
  if (!root) {
    throw new CliError(`no package.json in ${cwd} or any folder above it: run bulwark inside a project (create one with \`npm init -y\`)`);
  }
  const manifest = parsePackageJsonFile(join(root, 'package.json'));
  const configPath = join(root, CONFIG_FILE);
  const hasConfig = existsSync(configPath);
  const config = hasConfig ? parseConfig(readFileSync(configPath, 'utf8'), configPath) : {};
  const detectedPackageManager = detectPackageManager(readdirSync(root), manifest);
  return { root, manifest, config, hasConfig, packageManager: config.packageManager ?? detectedPackageManager, detectedPackageManager };
}

function parsePackageJsonFile(path: string): PackageJson {
  try {
    return parsePackageJson(readFileSync(path, 'utf8'), path);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export function parseConfig(text: string, path: string): BulwarkConfig {
  try {
    return parseBulwarkConfig(text, path);
  } catch (error) {
    throw error instanceof ConfigError ? new CliError(error.message) : error;
  }
}

export interface PatternsFolder {
  readonly absolute: string;
  /** As shown to the user: relative to the current folder. */
  readonly display: string;
  /** Given by `--dir` (a typo there should fail, not create a stray folder tree). */
  readonly explicit: boolean;
}

/**
 * The patterns folder: `--dir` (relative to the current folder), else bulwark.json's
 * `patternsDir` (relative to the project root), else `src/patterns`. It must lie inside the
 * project, and must be a folder if it exists.
 */
export function patternsFolder(project: Project, cwd: string, flag: string | undefined): PatternsFolder {
  const absolute = flag !== undefined ? resolve(cwd, flag) : resolve(project.root, project.config.patternsDir ?? DEFAULT_PATTERNS_DIR);
  const display = relative(cwd, absolute) || '.';
  const inside = relative(project.root, absolute);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new CliError(`patterns folder ${display} is outside the project at ${project.root}`);
  }
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) throw new CliError(`${display} exists and is not a folder`);
  return { absolute, display, explicit: flag !== undefined };
}
