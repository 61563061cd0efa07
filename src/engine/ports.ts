// The two small interfaces the use cases (add, check, update) are written against. A front-end
// adapts them: the CLI to node:fs and readline, the extension to workspace.fs and QuickPicks.
import type { Framework } from './catalog';

export type EntryKind = 'file' | 'folder';

/**
 * Read access to the user's project. Paths are relative to the project root, `/`-separated, and
 * may climb out of it (`../shared/patterns`) when the user chose such a patterns folder.
 * Writing is not here: a use case returns what to write, and the front-end applies it its own
 * way (an atomic rename on disk, one undoable WorkspaceEdit in the editor).
 */
export interface ProjectFs {
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** The entries of a folder; empty when it does not exist. */
  list(path: string): Promise<ReadonlyArray<{ readonly name: string; readonly kind: EntryKind }>>;
}

export interface FrameworkQuestion {
  /** The patterns that have framework adapters and need a choice. */
  readonly patterns: readonly string[];
  /** Adapters every one of those patterns has. */
  readonly offered: readonly Framework[];
  /** The frameworks package.json depends on among `offered`: none, or several. */
  readonly inProject: readonly Framework[];
  /** Whether adding only the framework-neutral core is possible. */
  readonly coreOnlyPossible: boolean;
}

export interface EditedCopy {
  readonly path: string;
  readonly existing: string;
  /** What replacing it would write. */
  readonly proposed: string;
  /** The version it was edited from, when known. */
  readonly baseVersion?: string;
}

/** The decisions only the user can make. Each method may throw a BulwarkError to stop the command. */
export interface Prompter {
  /** Which adapter to add when package.json does not settle it; undefined: the user cancelled. */
  chooseFramework(question: FrameworkQuestion): Promise<Framework | 'none' | undefined>;
  /**
   * Copies with the user's edits that adding would overwrite: `overwrite` replaces them,
   * `keep` writes everything else and leaves them as they are.
   */
  resolveEdited(copies: readonly EditedCopy[]): Promise<'overwrite' | 'keep'>;
}
// Confirming a finished plan is not here: each front-end shows the plan its own way before it
// applies it (a [Y/n] question after the listing, the refactor preview of a WorkspaceEdit).

export interface PlannedWrite {
  /** Relative to the project root. */
  readonly path: string;
  readonly text: string;
  /** Whether the file exists (an edit of it) or is new. */
  readonly exists: boolean;
  /** Short label for previews and confirmations, e.g. `merged`. */
  readonly label: string;
}
