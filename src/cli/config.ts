// The user's project as the CLI sees it: its root (the nearest package.json), and the settings
// the engine decides from it (see engine/project-settings.ts). Flags override bulwark.json.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { BulwarkError } from '../engine/errors';
import type { PackageManager } from '../engine/project';
import { readProjectSettings, type ProjectSettings } from '../engine/project-settings';
import { NodeProjectFs } from './node-project-fs';

export { CONFIG_FILE, DEFAULT_PATTERNS_DIR, PACKAGE_MANAGERS, type BulwarkConfig } from '../engine/bulwark-config';

export interface Project {
  readonly root: string;
  readonly fs: NodeProjectFs;
  readonly settings: ProjectSettings;
  readonly patterns: PatternsFolder;
}

export interface PatternsFolder {
  /** Relative to the project root, `/`-separated. */
  readonly path: string;
  readonly absolute: string;
  /** As shown to the user: relative to the current folder. */
  readonly display: string;
  /** Given by `--dir` (a typo there should fail, not create a stray folder tree). */
  readonly explicit: boolean;
}

/** The nearest folder at or above `from` that holds a package.json. */
export function findProjectRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface ProjectFlags {
  /** `--dir`, relative to the current folder. */
  readonly dir?: string;
  readonly packageManager?: PackageManager;
  readonly importStyle?: string;
}

export async function loadProject(cwd: string, flags: ProjectFlags = {}): Promise<Project> {
  if (!existsSync(cwd)) throw new BulwarkError(`folder ${cwd} does not exist`);
  const root = findProjectRoot(cwd);
  if (!root) {
    throw new BulwarkError(`no package.json in ${cwd} or any folder above it: run bulwark inside a project (create one with \`npm init -y\`)`);
  }
  const fs = new NodeProjectFs(root, cwd);
  const dir = flags.dir !== undefined ? toProjectPath(root, resolve(cwd, flags.dir)) : undefined;
  const settings = await readProjectSettings(fs, {
    ...(dir !== undefined ? { patternsDir: dir } : {}),
    ...(flags.packageManager ? { packageManager: flags.packageManager } : {}),
    ...(flags.importStyle !== undefined ? { importStyle: flags.importStyle } : {}),
  });
  return { root, fs, settings, patterns: patternsFolder(root, cwd, settings.patternsDir, flags.dir !== undefined) };
}

function toProjectPath(root: string, absolute: string): string {
  return relative(root, absolute).split('\\').join('/') || '.';
}

/** The patterns folder must lie inside the project, and must be a folder if it exists. */
function patternsFolder(root: string, cwd: string, path: string, explicit: boolean): PatternsFolder {
  const absolute = resolve(root, path);
  const display = relative(cwd, absolute) || '.';
  const inside = relative(root, absolute);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new BulwarkError(`patterns folder ${display} is outside the project at ${root}`);
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) throw new BulwarkError(`${display} exists and is not a folder`);
  return { path: toProjectPath(root, absolute), absolute, display, explicit };
}
