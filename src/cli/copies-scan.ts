// Finds the catalog copies in a patterns folder: files whose provenance line or Bulwark header
// names a catalog file. Copies are found where they are, so a renamed or moved copy still counts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileById, relativePathOf, dependencyClosure, patternNames, selectableNames, resolveSelection, UnknownPatternError, type Catalog, type CatalogFile } from '../engine/catalog';
import { parseHeader } from '../engine/header';
import { parseCopy } from '../engine/provenance';
import { CliError, UsageError } from './output';

export interface FoundCopy {
  /** Catalog id the copy names (which may no longer be in the catalog). */
  readonly id: string;
  readonly absolute: string;
  readonly text: string;
}

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

function idOf(text: string): string | undefined {
  const copy = parseCopy(text);
  if (copy.provenance) return copy.provenance.id;
  try {
    return parseHeader(copy.body, 'copy').id;
  } catch {
    return undefined;
  }
}

export function scanCopies(folder: string): FoundCopy[] {
  return sourceFiles(folder).flatMap((absolute) => {
    const text = readFileSync(absolute, 'utf8');
    const id = idOf(text);
    return id === undefined ? [] : [{ id, absolute, text }];
  });
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
  readonly unknown: FoundCopy[];
}

/**
 * What `diff` and `update` look at: the copies found (all, or those of the named patterns),
 * plus every catalog file they need that is missing, so that an update whose new code
 * imports a new dependency also brings that dependency.
 */
export function targetsOf(catalog: Catalog, folder: string, names: readonly string[]): Targets {
  const valid = selectableNames(catalog);
  for (const name of names) if (!valid.includes(name)) throw new UsageError(new UnknownPatternError(name, patternNames(catalog)).message);

  const found = scanCopies(folder);
  const matches = (id: string, name: string) => id === name || (!name.includes('/') && id.split('/')[0] === name);
  const wanted = (id: string) => names.length === 0 || names.some((name) => matches(id, name));
  const known = found.filter((copy) => fileById(catalog, copy.id) && wanted(copy.id));
  const unknown = found.filter((copy) => !fileById(catalog, copy.id) && wanted(copy.id));

  const roots = known.map((copy) => fileById(catalog, copy.id) as CatalogFile);
  // A named pattern with no copy at all is reported missing: its file and what that needs.
  for (const name of names) if (!known.some((copy) => matches(copy.id, name))) roots.push(...resolveSelection(catalog, { names: [name] }));

  const targets: Target[] = known.map((copy) => ({ file: fileById(catalog, copy.id) as CatalogFile, absolute: copy.absolute, text: copy.text }));
  for (const file of dependencyClosure(catalog, roots)) {
    if (targets.some((target) => target.file.id === file.id) || found.some((copy) => copy.id === file.id)) continue;
    const neededBy = roots.filter((root) => root.id !== file.id && dependencyClosure(catalog, [root]).includes(file)).map((root) => root.id);
    targets.push({ file, absolute: join(folder, relativePathOf(file)), ...(neededBy.length ? { neededBy } : {}) });
  }
  const order = (target: Target) => catalog.files.indexOf(target.file);
  targets.sort((a, b) => order(a) - order(b) || a.absolute.localeCompare(b.absolute));
  return { targets, unknown };
}

export function displayPath(cwd: string, absolute: string): string {
  return relative(cwd, absolute) || absolute;
}
