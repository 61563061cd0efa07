// The catalog: every runtime file with its header facts and content, plus every released
// version of each file (the merge bases for updates). Built by scripts/build-catalog.ts.
import { BulwarkError } from './errors';
import type { PackageNeed } from './header';

export const FRAMEWORKS = ['express', 'hono', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export interface CatalogFile {
  /** `cache`, `cache/redis`, `middleware/express`… (path under runtime/src without `.ts`). */
  readonly id: string;
  /** The pattern it belongs to: the first segment of the id. */
  readonly pattern: string;
  /** Set on framework adapters (`middleware/express` → `express`). */
  readonly framework?: Framework;
  readonly summary: string;
  /** Ids of the catalog files it imports. */
  readonly uses: readonly string[];
  readonly packages: readonly PackageNeed[];
  readonly content: string;
  readonly sha256: string;
}

export interface ReleasedFile {
  readonly id: string;
  readonly version: string;
  readonly content: string;
}

export interface Catalog {
  readonly version: string;
  readonly files: readonly CatalogFile[];
  /** Every known content of every file, by sha256, current and released. */
  readonly history: Readonly<Record<string, ReleasedFile>>;
}

export class UnknownPatternError extends BulwarkError {
  override readonly name = 'UnknownPatternError';
  constructor(
    readonly requested: string,
    readonly valid: readonly string[],
  ) {
    super(`Unknown pattern "${requested}". Valid names: ${valid.join(', ')}`, 'usage');
  }
}

export function fileById(catalog: Catalog, id: string): CatalogFile | undefined {
  return catalog.files.find((file) => file.id === id);
}

/** Pattern names, in catalog order (core files first). */
export function patternNames(catalog: Catalog): string[] {
  return [...new Set(catalog.files.map((file) => file.pattern))];
}

/** Everything a user may ask for by name: pattern names and every file id. */
export function selectableNames(catalog: Catalog): string[] {
  return [...new Set([...patternNames(catalog), ...catalog.files.map((file) => file.id)])];
}

/** The core file of a pattern (`cache` → `cache.ts`), if it has one. */
export function coreFile(catalog: Catalog, pattern: string): CatalogFile | undefined {
  return fileById(catalog, pattern);
}

/** Framework adapters of a pattern, e.g. `middleware` → express, hono, fastify. */
export function frameworkVariants(catalog: Catalog, pattern: string): CatalogFile[] {
  return catalog.files.filter((file) => file.pattern === pattern && file.framework !== undefined);
}

/**
 * Optional, non-framework add-ons of a pattern, e.g. `cache/redis`: files of the pattern that its
 * core file does not already pull in (those are parts of the core, not choices).
 */
export function addOns(catalog: Catalog, pattern: string): CatalogFile[] {
  const core = coreFile(catalog, pattern);
  const partsOfCore = core ? dependencyClosure(catalog, [core]) : [];
  return catalog.files.filter((file) => file.pattern === pattern && file.id !== pattern && file.framework === undefined && !partsOfCore.includes(file));
}

export interface Selection {
  /** Pattern names or file ids (`retry`, `cache/redis`, `middleware/express`). */
  readonly names: readonly string[];
  /** Adds this framework's adapter of every selected pattern that has adapters. */
  readonly framework?: Framework;
}

/**
 * The files a selection needs, dependencies first, each once: the named files, the
 * framework adapters asked for, and the closure of what they import.
 */
export function resolveSelection(catalog: Catalog, selection: Selection): CatalogFile[] {
  const valid = selectableNames(catalog);
  const roots: CatalogFile[] = [];
  for (const name of selection.names) {
    const file = fileById(catalog, name);
    if (file) roots.push(file);
    else if (!valid.includes(name)) throw new UnknownPatternError(name, patternNames(catalog));
    if (selection.framework && !name.includes('/')) {
      const adapter = fileById(catalog, `${name}/${selection.framework}`);
      if (adapter) roots.push(adapter);
    }
  }
  return dependencyClosure(catalog, roots);
}

export function dependencyClosure(catalog: Catalog, roots: readonly CatalogFile[]): CatalogFile[] {
  const ordered: CatalogFile[] = [];
  const visiting = new Set<string>();
  const visit = (file: CatalogFile) => {
    if (ordered.includes(file) || visiting.has(file.id)) return;
    visiting.add(file.id);
    for (const used of file.uses) {
      const dependency = fileById(catalog, used);
      if (!dependency) throw new Error(`catalog: ${file.id} uses unknown file ${used}`);
      visit(dependency);
    }
    ordered.push(file);
  };
  roots.forEach(visit);
  return ordered;
}

/** npm packages the files need, runtime and dev, each once. */
export function packagesOf(files: readonly CatalogFile[]): PackageNeed[] {
  const byName = new Map<string, PackageNeed>();
  for (const need of files.flatMap((file) => file.packages)) {
    const known = byName.get(need.name);
    byName.set(need.name, { name: need.name, dev: (known?.dev ?? true) && need.dev });
  }
  return [...byName.values()];
}

/** The path of a catalog file inside the user's patterns folder. */
export function relativePathOf(file: CatalogFile): string {
  return `${file.id}.ts`;
}
