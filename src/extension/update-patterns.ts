// "Bulwark: Update Inserted Patterns": the engine's `update` (as `bulwark update`), applied as one
// WorkspaceEdit shown in the refactor preview. What happens to each copy is the engine's decision;
// this file only keeps the edit safe against editors that change while it is planned.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';
import { projectPath } from '../engine/use-cases/check';
import { needsAttention, update, type UpdateResult, type UpdateResultKind } from '../engine/use-cases/update';
import type { CatalogLoader } from './catalog-loader';
import { addWrites } from './planned-writes';
import { showError } from './show-error';
import { chooseWorkspaceFolder, openDocument } from './workspace-files';
import { workspaceProject, type WorkspaceProject } from './workspace-project';

export interface UpdatePatternsArgs {
  readonly dir?: string;
  /** false: apply without the refactor preview (tests, automation). Default true. */
  readonly preview?: boolean;
}

export interface UpdateSummary {
  /** Relative to the patterns folder. */
  readonly path: string;
  readonly outcome: UpdateResultKind;
}

interface PlannedUpdate {
  readonly catalog: Catalog;
  readonly project: WorkspaceProject;
  readonly plan: UpdateResult;
}

const OUTCOME_LABELS: Record<UpdateResultKind, string> = {
  unchanged: 'up to date',
  replaced: 'replaced (it was untouched)',
  merged: 'your edits merged with the new version',
  conflicts: 'merged with conflicts to resolve',
  kept: 'kept (your edits, nothing new to merge)',
  created: 'added (needed by the new versions)',
  'no-base': 'kept (edited; the version it came from is unknown)',
  unresolved: 'left alone: resolve its conflict markers first',
};

/** Attempts for a prompt-free update whose edit VS Code refused because a file changed meanwhile. */
const UPDATE_ATTEMPTS = 3;

/**
 * How the editors differ from what the update was planned from. `changed`: text read from an
 * editor has changed since, or a file read from disk now has unsaved changes in an editor; a
 * replace planned from the older text would drop them. `unsynced`: an editor still shows an older
 * text of a file that was written outside VS Code, which VS Code has yet to reload.
 */
function editorDrift(found: PlannedUpdate): { changed: string[]; unsynced: string[] } {
  const changed: string[] = [];
  const unsynced: string[] = [];
  for (const file of found.plan.files) {
    const path = projectPath(found.project.settings.patternsDir, file.path);
    const open = openDocument(found.project.fs.uri(path));
    const text = file.copy.text;
    if (open === undefined || text === undefined) continue;
    const fromEditor = found.project.fs.fromEditor.has(path);
    if (fromEditor ? open.getText() !== text : open.isDirty) changed.push(file.path);
    else if (!fromEditor && open.getText() !== text) unsynced.push(file.path);
  }
  return { changed, unsynced };
}

async function planWorkspaceUpdate(catalog: Catalog, dir: string | undefined, interactive: boolean): Promise<PlannedUpdate | undefined> {
  const folder = await chooseWorkspaceFolder(interactive);
  if (!folder) return undefined;
  const project = await workspaceProject(folder, dir, { unsavedText: true });
  return { catalog, project, plan: await update(catalog, project.fs, project.settings.patternsDir) };
}

type Attempt =
  { readonly kind: 'applied'; readonly unsaved: string[] } | { readonly kind: 'plan-again' } | { readonly kind: 'refused'; readonly reason: string };

/** Applies one planned update, unless an editor makes the plan unsafe; `last`: no further plan follows. */
async function applyUpdate(found: PlannedUpdate, edit: vscode.WorkspaceEdit, preview: boolean, last: boolean): Promise<Attempt> {
  // Checked with no await before applyEdit: a whole-file replace planned from older text would drop
  // what was typed since the copy was read.
  const { changed, unsynced } = editorDrift(found);
  if (changed.length > 0) {
    return last
      ? { kind: 'refused', reason: `${changed.join(', ')} kept changing in the editor while the update was planned. Run it again.` }
      : { kind: 'plan-again' };
  }
  if (unsynced.length > 0) {
    if (last)
      return {
        kind: 'refused',
        reason: `the editor shows an older ${unsynced.join(', ')} than the disk holds. Revert it (File: Revert File), then run the update again.`,
      };
    // No unsaved changes, but older than the disk: VS Code has not reloaded an outside write (its file
    // watcher can miss one) and would refuse to save over it. Writing the disk's own text back
    // through VS Code's file service makes the editor reload.
    const encoder = new TextEncoder();
    const stale = found.plan.files.filter((file) => unsynced.includes(file.path));
    await Promise.all(
      stale.map((file) =>
        vscode.workspace.fs.writeFile(found.project.fs.uri(projectPath(found.project.settings.patternsDir, file.path)), encoder.encode(file.copy.text ?? '')),
      ),
    );
    return { kind: 'plan-again' };
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    // VS Code refuses the whole edit, applying nothing, when the user cancels the preview and when an
    // open document changed under it; only a prompt-free call can tell that it was the second.
    if (!preview && !last) return { kind: 'plan-again' };
    return {
      kind: 'refused',
      reason: preview
        ? 'the preview was cancelled, or a file changed meanwhile; run the update again.'
        : 'the files kept changing while the update was applied. Run it again.',
    };
  }
  // Write what was applied (the preview already asked), so the project compiles as it now reads.
  const touched = new Set(edit.entries().map(([uri]) => uri.toString()));
  const dirty = vscode.workspace.textDocuments.filter((document) => touched.has(document.uri.toString()) && document.isDirty);
  const saved = await Promise.all(dirty.map((document) => document.save()));
  return { kind: 'applied', unsaved: dirty.filter((_, i) => !saved[i]).map((document) => vscode.workspace.asRelativePath(document.uri)) };
}

export async function updatePatternsCommand(loader: CatalogLoader, args: UpdatePatternsArgs = {}): Promise<UpdateSummary[] | undefined> {
  const preview = args.preview !== false;
  try {
    const catalog = await loader.load();
    for (let attempt = 1; ; attempt++) {
      const found = await planWorkspaceUpdate(catalog, args.dir, preview);
      if (!found) return undefined;
      const edit = new vscode.WorkspaceEdit();
      await addWrites(edit, found.project.fs, found.plan.writes, {
        label: (write) => `${write.path}: ${OUTCOME_LABELS[write.label as UpdateResultKind] ?? write.label}`,
        needsConfirmation: preview,
      });
      const result: Attempt =
        found.plan.writes.length === 0 ? { kind: 'applied', unsaved: [] } : await applyUpdate(found, edit, preview, attempt === UPDATE_ATTEMPTS);
      if (result.kind === 'plan-again') {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      if (result.kind === 'refused') {
        void vscode.window.showWarningMessage(`Bulwark: no pattern was updated: ${result.reason}`);
        return undefined;
      }
      const outcomes = found.plan.files.map((file) => ({ path: file.path, outcome: file.result }));
      const written = found.plan.writes.length;
      const attention = outcomes.filter((outcome) => needsAttention(outcome.outcome));
      const show = attention.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(
        `Bulwark: ${written} file(s) updated to catalog ${catalog.version}` +
          (attention.length
            ? `; ${attention.length} need(s) your attention: ${attention.map((outcome) => `${outcome.path} (${OUTCOME_LABELS[outcome.outcome]})`).join(', ')}`
            : '') +
          (result.unsaved.length ? `; not saved yet: ${result.unsaved.join(', ')}` : ''),
      );
      return outcomes;
    }
  } catch (error) {
    showError(error, 'updating the patterns failed');
    return undefined;
  }
}
