// Reads a patterns folder from disk for the engine's copyTargets: every TypeScript file in it,
// so a moved or renamed copy is still found by its provenance line or header.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UnknownPatternError, type Catalog, type CatalogFile } from '../engine/catalog';
import { copyTargets, type FoundCopy } from '../engine/copy-targets';
import { CliError, UsageError } from './output';

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`cannot read folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

export function readFolder(folder: string): FoundCopy[] {
  return sourceFiles(folder).map((absolute) => ({ path: relative(folder, absolute).split('\\').join('/'), text: readFileSync(absolute, 'utf8') }));
}

/** One catalog file to inspect, at the path where it was found or where it belongs. */
export interface Target {
  readonly file: CatalogFile;
  readonly absolute: string;
  /** Undefined when the copy is missing. */
  readonly text?: string;
  /** For a missing file: the copies that need it. */
  readonly neededBy?: readonly string[];
}

export interface Targets {
  readonly targets: Target[];
  /** Copies naming files this catalog does not have (removed or renamed patterns). */
  readonly unknown: Array<{ readonly id: string; readonly absolute: string }>;
}

/** What `diff` and `update` look at: see the engine's copyTargets. */
export function targetsOf(catalog: Catalog, folder: string, names: readonly string[]): Targets {
  let found;
  try {
    found = copyTargets(catalog, readFolder(folder), names);
  } catch (error) {
    if (error instanceof UnknownPatternError) throw new UsageError(error.message);
    throw error;
  }
  return {
    targets: found.targets.map(({ path, ...target }) => ({ ...target, absolute: join(folder, path) })),
    unknown: found.unknown.map((copy) => ({ id: copy.id, absolute: join(folder, copy.path) })),
  };
}

export function displayPath(cwd: string, absolute: string): string {
  return relative(cwd, absolute) || absolute;
}
