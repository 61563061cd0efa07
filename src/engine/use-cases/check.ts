// `check` (`bulwark diff`, "Check Inserted Patterns"): the state of every copy in the patterns
// folder, plus the files those copies need that are missing, and copies of files this catalog
// no longer has.
import { posix } from 'node:path';
import type { Catalog } from '../catalog';
import { inspectCopy, type CopyReport } from '../copies';
import { readPatternsFolder } from '../copy-discovery';
import { copyTargets } from '../copy-targets';
import type { ProjectFs } from '../ports';

export interface CheckedCopy extends CopyReport {
  /** The copy's text as read (undefined when missing). */
  readonly text?: string;
  /** For a missing file: the ids of the copies that need it. */
  readonly neededBy?: readonly string[];
}

export interface UnknownCopy {
  /** Relative to the patterns folder. */
  readonly path: string;
  /** The id it names, which the catalog does not have. */
  readonly id: string;
}

export interface CheckResult {
  readonly copies: readonly CheckedCopy[];
  readonly unknown: readonly UnknownCopy[];
}

/** `names` narrows to patterns or file ids (empty: all); throws UnknownPatternError on a bad name. */
export async function check(catalog: Catalog, fs: ProjectFs, patternsDir: string, names: readonly string[] = []): Promise<CheckResult> {
  const found = await readPatternsFolder(fs, patternsDir);
  const { targets, unknown } = copyTargets(catalog, found, names);
  return {
    copies: targets.map((target) => ({
      ...inspectCopy(catalog, target.file, target.path, target.text),
      ...(target.text !== undefined ? { text: target.text } : {}),
      ...(target.neededBy ? { neededBy: target.neededBy } : {}),
    })),
    unknown: unknown.map((copy) => ({ path: copy.path, id: copy.id })),
  };
}

/** The path of a checked copy relative to the project root. */
export function projectPath(patternsDir: string, path: string): string {
  return posix.join(patternsDir, path);
}
