// `update` (`bulwark update`, "Update Inserted Patterns"): brings every copy to the current
// catalog without ever dropping a user's edit. Decided here once for both front-ends:
//   untouched older copy         → replaced
//   edited, base known           → three-way merge: merged, or conflicts (marked in the file)
//   edited, merge changes nothing→ kept (nothing written, not counted as updated)
//   edited, base unknown         → no-base (left alone)
//   still has conflict markers   → unresolved (left alone: merging again would nest markers)
//   needed but missing           → created
import type { Catalog } from '../catalog';
import { planUpdate } from '../copies';
import type { PlannedWrite, ProjectFs } from '../ports';
import { check, projectPath, type CheckedCopy, type UnknownCopy } from './check';

export type UpdateResultKind = 'unchanged' | 'replaced' | 'merged' | 'conflicts' | 'kept' | 'created' | 'no-base' | 'unresolved';

export interface FileUpdate {
  readonly copy: CheckedCopy;
  /** Relative to the patterns folder. */
  readonly path: string;
  readonly result: UpdateResultKind;
  /** What is written; undefined when nothing is. */
  readonly text?: string;
  /** For conflicts: how many regions are marked. */
  readonly conflicts?: number;
}

export interface UpdateResult {
  readonly files: readonly FileUpdate[];
  readonly unknown: readonly UnknownCopy[];
  /** What the front-end writes, paths relative to the project root. */
  readonly writes: readonly PlannedWrite[];
}

const CONFLICT_MARKERS = /^<{7} [^\n]*\n[\s\S]*?^>{7} /m;

/** Results that leave work for the user. */
export function needsAttention(result: UpdateResultKind): boolean {
  return result === 'conflicts' || result === 'unresolved' || result === 'no-base';
}

/** `patternsDir` names the copy in conflict markers by its path in the project. */
export function planFileUpdate(catalog: Catalog, copy: CheckedCopy, patternsDir = '.'): FileUpdate {
  const base = { copy, path: copy.path };
  if (copy.body !== undefined && CONFLICT_MARKERS.test(copy.body)) return { ...base, result: 'unresolved' };
  const outcome = planUpdate(catalog, { ...copy, path: projectPath(patternsDir, copy.path) }, copy.text);
  switch (outcome.kind) {
    case 'unchanged':
    case 'no-base':
      return { ...base, result: outcome.kind };
    case 'created':
    case 'replaced':
      return { ...base, result: outcome.kind, text: outcome.text };
    case 'merged':
      return outcome.text === copy.text ? { ...base, result: 'kept' } : { ...base, result: 'merged', text: outcome.text };
    case 'conflicts':
      return { ...base, result: 'conflicts', text: outcome.text, conflicts: outcome.conflicts };
  }
}

/** Plans the update; nothing needs asking (an edit is never dropped), so there is no prompter. */
export async function update(catalog: Catalog, fs: ProjectFs, patternsDir: string, names: readonly string[] = []): Promise<UpdateResult> {
  const { copies, unknown } = await check(catalog, fs, patternsDir, names);
  const files = copies.map((copy) => planFileUpdate(catalog, copy, patternsDir));
  const writes = files.flatMap((file): PlannedWrite[] =>
    file.text === undefined ? [] : [{ path: projectPath(patternsDir, file.path), text: file.text, exists: file.result !== 'created', label: file.result }],
  );
  return { files, unknown, writes };
}
