// "Bulwark: Check Inserted Patterns" and "Bulwark: Update Inserted Patterns": the same engine
// as `bulwark diff|update`, with the update shown as a refactor preview before it is applied.
import * as vscode from 'vscode';
import { inspectCopy, planUpdate, type CopyState } from '../engine/copies';
import { copyTargets, type FoundCopy } from '../engine/copy-targets';
import type { CatalogLoader } from './catalog-loader';
import { fileUri } from './pattern-writer';
import { chooseWorkspaceFolder, openDocument, patternsFolder, readText } from './workspace-files';

const STATE_LABELS: Record<CopyState, string> = {
  'up-to-date': 'up to date',
  outdated: 'older version, untouched: safe to update',
  edited: 'edited by you',
  missing: 'missing',
};

export interface CheckPatternsArgs {
  readonly dir?: string;
  /** false: return the states without showing a QuickPick (keybindings, tests). */
  readonly show?: boolean;
}

export interface CopySummary {
  readonly id: string;
  readonly path: string;
  readonly state: CopyState;
  readonly baseVersion?: string;
}

/**
 * The copies in the patterns folder as the user sees them: an open document with unsaved changes
 * wins over the disk (its path goes into `fromEditor`); otherwise the disk is the truth.
 */
async function readCopies(patternsDir: vscode.Uri, fromEditor: Set<string>, relative = ''): Promise<FoundCopy[]> {
  let entries: Array<[string, vscode.FileType]>;
  try {
    entries = await vscode.workspace.fs.readDirectory(relative ? fileUri(patternsDir, relative) : patternsDir);
  } catch {
    // A missing patterns folder simply holds no copies.
    return [];
  }
  const found = await Promise.all(
    entries.map(async ([name, type]): Promise<FoundCopy[]> => {
      const path = relative ? `${relative}/${name}` : name;
      if (type === vscode.FileType.Directory) return readCopies(patternsDir, fromEditor, path);
      if (!name.endsWith('.ts')) return [];
      const uri = fileUri(patternsDir, path);
      const open = openDocument(uri);
      if (open?.isDirty) {
        fromEditor.add(path);
        return [{ path, text: open.getText() }];
      }
      const text = await readText(uri);
      return text === undefined ? [] : [{ path, text }];
    }),
  );
  return found.flat();
}

async function inspectWorkspace(loader: CatalogLoader, dir: string | undefined, interactive: boolean) {
  const catalog = await loader.load();
  const folder = await chooseWorkspaceFolder(interactive);
  if (!folder) return undefined;
  const patternsDir = await patternsFolder(folder, dir);
  // The same selection as `bulwark diff|update`: copies wherever they are in the folder, plus the
  // files their current versions need that are missing.
  const fromEditor = new Set<string>();
  const { targets } = copyTargets(catalog, await readCopies(patternsDir, fromEditor));
  const reports = targets.map((target) => ({ ...inspectCopy(catalog, target.file, target.path, target.text), text: target.text, fromEditor: fromEditor.has(target.path) }));
  return { catalog, patternsDir, reports };
}

export async function checkPatternsCommand(loader: CatalogLoader, args: CheckPatternsArgs = {}): Promise<CopySummary[] | undefined> {
  try {
    const found = await inspectWorkspace(loader, args.dir, args.show !== false);
    if (!found) return undefined;
    const summaries = found.reports.map((report) => ({ id: report.file.id, path: report.path, state: report.state, baseVersion: report.baseVersion }));
    if (args.show !== false) {
      if (summaries.length === 0) {
        void vscode.window.showInformationMessage(`Bulwark: no inserted patterns in ${vscode.workspace.asRelativePath(found.patternsDir)}.`);
      } else {
        void vscode.window
          .showQuickPick(
            summaries.map((summary) => ({ label: summary.path, description: STATE_LABELS[summary.state], detail: summary.baseVersion ? `from catalog ${summary.baseVersion}, current ${found.catalog.version}` : undefined })),
            { title: `Bulwark: inserted patterns (catalog ${found.catalog.version})` },
          )
          .then((picked) => picked && vscode.window.showTextDocument(fileUri(found.patternsDir, picked.label)));
      }
    }
    return summaries;
  } catch (error) {
    void vscode.window.showErrorMessage(`Bulwark: ${(error as Error).message}`);
    return undefined;
  }
}

export interface UpdatePatternsArgs {
  readonly dir?: string;
  /** false: apply without the refactor preview (tests, automation). Default true. */
  readonly preview?: boolean;
}

export interface UpdateSummary {
  readonly path: string;
  readonly outcome: string;
}

/** Attempts for a prompt-free update whose edit VS Code refused because a file changed meanwhile. */
const UPDATE_ATTEMPTS = 3;

/**
 * How the editors differ from what the update was planned from. `changed`: text read from an
 * editor has changed since, or a file read from disk now has unsaved changes in an editor; a
 * replace planned from the older text would drop them. `unsynced`: an editor still shows an older
 * text of a file that was written outside VS Code, which VS Code has yet to reload.
 */
function editorDrift(found: InspectedWorkspace): { changed: string[]; unsynced: string[] } {
  const changed: string[] = [];
  const unsynced: string[] = [];
  for (const report of found.reports) {
    const open = openDocument(fileUri(found.patternsDir, report.path));
    if (open === undefined || report.text === undefined) continue;
    if (report.fromEditor ? open.getText() !== report.text : open.isDirty) changed.push(report.path);
    else if (!report.fromEditor && open.getText() !== report.text) unsynced.push(report.path);
  }
  return { changed, unsynced };
}

type InspectedWorkspace = NonNullable<Awaited<ReturnType<typeof inspectWorkspace>>>;

function updateEdit(found: InspectedWorkspace, needsConfirmation: boolean) {
  const edit = new vscode.WorkspaceEdit();
  const outcomes: UpdateSummary[] = [];
  for (const report of found.reports) {
    const outcome = planUpdate(found.catalog, report, report.text);
    outcomes.push({ path: report.path, outcome: outcome.kind });
    if (outcome.kind === 'unchanged' || outcome.kind === 'no-base') continue;
    const uri = fileUri(found.patternsDir, report.path);
    if (outcome.kind === 'created') {
      edit.createFile(uri, { contents: new TextEncoder().encode(outcome.text), ignoreIfExists: true }, { label: `${report.path}: added (needed by the new versions)`, needsConfirmation });
      continue;
    }
    const lines = (report.text ?? '').split('\n').length;
    edit.replace(uri, new vscode.Range(0, 0, lines, 0), outcome.text, {
      label: `${report.path}: ${outcome.kind === 'conflicts' ? `merged with ${outcome.conflicts} conflict(s) to resolve` : outcome.kind}`,
      needsConfirmation,
    });
  }
  return { edit, outcomes };
}

type Attempt = { readonly kind: 'applied'; readonly unsaved: string[] } | { readonly kind: 'plan-again' } | { readonly kind: 'refused'; readonly reason: string };

/** Applies one planned update, unless an editor makes the plan unsafe; `last`: no further plan follows. */
async function applyUpdate(found: InspectedWorkspace, edit: vscode.WorkspaceEdit, preview: boolean, last: boolean): Promise<Attempt> {
  // Checked with no await before applyEdit: a whole-file replace planned from older text would drop
  // what was typed since the copy was read.
  const { changed, unsynced } = editorDrift(found);
  if (changed.length > 0) {
    return last ? { kind: 'refused', reason: `${changed.join(', ')} kept changing in the editor while the update was planned. Run it again.` } : { kind: 'plan-again' };
  }
  if (unsynced.length > 0) {
    if (last) return { kind: 'refused', reason: `the editor shows an older ${unsynced.join(', ')} than the disk holds. Revert it (File: Revert File), then run the update again.` };
    // No unsaved changes, but older than the disk: VS Code has not reloaded an outside write (its file
    // watcher can miss one) and would refuse to save over it. Writing the disk's own text back
    // through VS Code's file service makes the editor reload.
    const encoder = new TextEncoder();
    await Promise.all(found.reports.filter((report) => unsynced.includes(report.path)).map((report) => vscode.workspace.fs.writeFile(fileUri(found.patternsDir, report.path), encoder.encode(report.text ?? ''))));
    return { kind: 'plan-again' };
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    // VS Code refuses the whole edit, applying nothing, when the user cancels the preview and when an
    // open document changed under it; only a prompt-free call can tell that it was the second.
    if (!preview && !last) return { kind: 'plan-again' };
    return { kind: 'refused', reason: preview ? 'the preview was cancelled, or a file changed meanwhile; run the update again.' : 'the files kept changing while the update was applied. Run it again.' };
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
    for (let attempt = 1; ; attempt++) {
      const found = await inspectWorkspace(loader, args.dir, preview);
      if (!found) return undefined;
      const { edit, outcomes } = updateEdit(found, preview);
      const result: Attempt = edit.size === 0 ? { kind: 'applied', unsaved: [] } : await applyUpdate(found, edit, preview, attempt === UPDATE_ATTEMPTS);
      if (result.kind === 'plan-again') {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      if (result.kind === 'refused') {
        void vscode.window.showWarningMessage(`Bulwark: no pattern was updated: ${result.reason}`);
        return undefined;
      }
      const conflicts = outcomes.filter((outcome) => outcome.outcome === 'conflicts').length;
      const changed = outcomes.filter((outcome) => !['unchanged', 'no-base'].includes(outcome.outcome)).length;
      void vscode.window.showInformationMessage(
        `Bulwark: ${changed} file(s) updated to catalog ${found.catalog.version}` +
          (conflicts ? `, ${conflicts} with conflict markers to resolve` : '') +
          (result.unsaved.length ? `; not saved yet: ${result.unsaved.join(', ')}` : ''),
      );
      return outcomes;
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Bulwark: ${(error as Error).message}`);
    return undefined;
  }
}
