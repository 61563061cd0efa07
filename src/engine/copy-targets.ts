// Which catalog files a check or an update looks at, given the copies found in a patterns folder
// (by their provenance line or Bulwark header, wherever they are): the copies themselves, plus
// every catalog file they need that is missing — an update whose new code imports a new file
// must bring that file too. Pure: callers read the folder (node:fs, workspace.fs).
import {
  dependencyClosure,
  fileById,
  patternNames,
  relativePathOf,
  resolveSelection,
  selectableNames,
  UnknownPatternError,
  type Catalog,
  type CatalogFile,
} from './catalog';
import { parseHeader } from './header';
import { parseCopy } from './provenance';

export interface FoundCopy {
  /** Path relative to the patterns folder, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface CopyTarget {
  readonly file: CatalogFile;
  /** Where the copy is, or (when missing) where it belongs; relative to the patterns folder. */
  readonly path: string;
  /** Undefined when the copy is missing. */
  readonly text?: string;
  /** For a missing file: the ids of the files that need it. */
  readonly neededBy?: readonly string[];
}

export interface CopyTargets {
  readonly targets: CopyTarget[];
  /** Copies naming files this catalog does not have (removed or renamed patterns). */
  readonly unknown: Array<FoundCopy & { readonly id: string }>;
}

/** The catalog id a file names in its provenance line, else in its Bulwark header. */
export function copyIdOf(text: string): string | undefined {
  const copy = parseCopy(text);
  if (copy.provenance) return copy.provenance.id;
  try {
    return parseHeader(copy.body, 'copy').id;
  } catch {
    // No Bulwark header: not a copy of ours, which is an answer, not a failure.
    return undefined;
  }
}

/**
 * `names` (pattern names or file ids; empty for all) narrows the copies; a named pattern with no
 * copy is reported missing. Throws UnknownPatternError on a name the catalog does not have.
 */
export function copyTargets(catalog: Catalog, files: readonly FoundCopy[], names: readonly string[] = []): CopyTargets {
  const valid = selectableNames(catalog);
  for (const name of names) if (!valid.includes(name)) throw new UnknownPatternError(name, patternNames(catalog));

  const found = files.flatMap((file) => {
    const id = copyIdOf(file.text);
    return id === undefined ? [] : [{ ...file, id }];
  });
  const matches = (id: string, name: string) => id === name || (!name.includes('/') && id.split('/')[0] === name);
  const wanted = (id: string) => names.length === 0 || names.some((name) => matches(id, name));
  const known = found.filter((copy) => fileById(catalog, copy.id) && wanted(copy.id));
  const unknown = found.filter((copy) => !fileById(catalog, copy.id) && wanted(copy.id));

  const targets: CopyTarget[] = known.map((copy) => ({ file: fileById(catalog, copy.id) as CatalogFile, path: copy.path, text: copy.text }));
  const roots = targets.map((target) => target.file);
  for (const name of names) if (!known.some((copy) => matches(copy.id, name))) roots.push(...resolveSelection(catalog, { names: [name] }));

  for (const file of dependencyClosure(catalog, roots)) {
    if (found.some((copy) => copy.id === file.id)) continue;
    const neededBy = roots.filter((root) => root.id !== file.id && dependencyClosure(catalog, [root]).includes(file)).map((root) => root.id);
    targets.push({ file, path: relativePathOf(file), ...(neededBy.length ? { neededBy: [...new Set(neededBy)] } : {}) });
  }
  const order = (target: CopyTarget) => catalog.files.indexOf(target.file);
  targets.sort((a, b) => order(a) - order(b) || a.path.localeCompare(b.path));
  return { targets, unknown };
}
