// What state a user's copy of a catalog file is in, and what updating it would write.
// Shared by `bulwark diff|update` and the extension's check/update commands.
import type { Catalog, CatalogFile } from './catalog';
import { mergeThreeWay } from './merge';
import { baseOf, parseCopy, sameCode, withProvenance } from './provenance';

export type CopyState =
  /** Same code as the current catalog version. */
  | 'up-to-date'
  /** Unchanged since it was inserted from an older version: replacing it loses nothing. */
  | 'outdated'
  /** Edited by the user since it was inserted. */
  | 'edited'
  /** Not in the project. */
  | 'missing';

export interface CopyReport {
  readonly file: CatalogFile;
  readonly path: string;
  readonly state: CopyState;
  /** The version the copy came from, when known. */
  readonly baseVersion?: string;
  /** The content the copy came from (its merge base), when known. */
  readonly baseContent?: string;
  /** The copy's code without its provenance line. */
  readonly body?: string;
}

export function inspectCopy(catalog: Catalog, file: CatalogFile, path: string, text: string | undefined): CopyReport {
  if (text === undefined) return { file, path, state: 'missing' };
  const copy = parseCopy(text);
  const base = baseOf(catalog, copy, file.id);
  const common = { file, path, body: copy.body, baseVersion: base?.version, baseContent: base?.content };
  if (sameCode(copy.body, file.content)) return { ...common, state: 'up-to-date' };
  if (base && sameCode(copy.body, base.content)) return { ...common, state: 'outdated' };
  return { ...common, state: 'edited' };
}

export type UpdateOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'replaced'; readonly text: string }
  | { readonly kind: 'merged'; readonly text: string }
  | { readonly kind: 'conflicts'; readonly text: string; readonly conflicts: number }
  /** Edited, and the version it came from is unknown: nothing safe to do automatically. */
  | { readonly kind: 'no-base' }
  | { readonly kind: 'created'; readonly text: string };

/** What `update` writes for one copy. Never drops a user's edit: edits are merged or kept. */
export function planUpdate(catalog: Catalog, report: CopyReport, originalText?: string): UpdateOutcome {
  const eol = originalText !== undefined && originalText.includes('\r\n') ? '\r\n' : '\n';
  const fresh = withProvenance(report.file, catalog.version, eol);
  switch (report.state) {
    case 'missing':
      return { kind: 'created', text: fresh };
    case 'up-to-date':
      return { kind: 'unchanged' };
    case 'outdated':
      return { kind: 'replaced', text: fresh };
    case 'edited': {
      if (report.baseContent === undefined || report.body === undefined) return { kind: 'no-base' };
      const merged = mergeThreeWay(report.body, report.baseContent, report.file.content, {
        ours: `your copy (${report.path})`,
        base: `bulwark ${report.baseVersion ?? 'base'}`,
        theirs: `bulwark ${catalog.version}`,
      });
      const [record = ''] = fresh.split(eol);
      // The record goes back on the line it was on, so a license banner above it stays on top.
      const lines = merged.text.split('\n');
      const recordLine = originalText === undefined ? 0 : Math.min(parseCopy(originalText).recordLine ?? 0, lines.length);
      lines.splice(recordLine, 0, record);
      const text = lines.join(eol);
      return merged.conflicts > 0 ? { kind: 'conflicts', text, conflicts: merged.conflicts } : { kind: 'merged', text };
    }
  }
}
