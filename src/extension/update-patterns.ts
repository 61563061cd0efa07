// "Bulwark: Check Inserted Patterns" and "Bulwark: Update Inserted Patterns": the same engine
// as `bulwark diff|update`, with the update shown as a refactor preview before it is applied.
import * as vscode from 'vscode';
import { inspectCopy, planUpdate, type CopyState } from '../engine/copies';
import { copyTargets, type FoundCopy } from '../engine/copy-targets';
import type { CatalogLoader } from './catalog-loader';
import { fileUri } from './pattern-writer';
import { chooseWorkspaceFolder, patternsFolder, readText } from './workspace-files';

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
 * A copy as the user sees it: an open document with unsaved changes wins over the disk, so the
 * whole-file replace of an update cannot drop those changes; otherwise the disk is the truth.
 */
async function readCopyText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  return open?.isDirty ? open.getText() : readText(uri);
}

async function readCopies(patternsDir: vscode.Uri, relative = ''): Promise<FoundCopy[]> {
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
      if (type === vscode.FileType.Directory) return readCopies(patternsDir, path);
      if (!name.endsWith('.ts')) return [];
      const text = await readCopyText(fileUri(patternsDir, path));
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
  const { targets } = copyTargets(catalog, await readCopies(patternsDir));
  const reports = targets.map((target) => ({ ...inspectCopy(catalog, target.file, target.path, target.text), text: target.text }));
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

function updateEdit(found: NonNullable<Awaited<ReturnType<typeof inspectWorkspace>>>, needsConfirmation: boolean) {
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

export async function updatePatternsCommand(loader: CatalogLoader, args: UpdatePatternsArgs = {}): Promise<UpdateSummary[] | undefined> {
  const preview = args.preview !== false;
  try {
    for (let attempt = 1; ; attempt++) {
      const found = await inspectWorkspace(loader, args.dir, preview);
      if (!found) return undefined;
      const { edit, outcomes } = updateEdit(found, preview);
      if (edit.size > 0 && !(await vscode.workspace.applyEdit(edit))) {
        // VS Code refuses the whole edit, applying nothing, when the user cancels the preview or when
        // an open document changed after it was read (an outside write it has not synced yet). Only a
        // prompt-free call can tell the second apart, so only it plans again from fresh contents.
        if (!preview && attempt < UPDATE_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
          continue;
        }
        void vscode.window.showWarningMessage(
          preview ? 'Bulwark: no pattern was updated (the preview was cancelled, or a file changed meanwhile; run the update again).' : 'Bulwark: no pattern was updated: the files kept changing while the update was applied. Run it again.',
        );
        return undefined;
      }
      if (edit.size > 0) {
        // Write what was applied (the preview already asked), so the project compiles as it now reads.
        const touched = new Set(edit.entries().map(([uri]) => uri.toString()));
        await Promise.all(vscode.workspace.textDocuments.filter((document) => touched.has(document.uri.toString()) && document.isDirty).map((document) => document.save()));
      }
      const conflicts = outcomes.filter((outcome) => outcome.outcome === 'conflicts').length;
      const changed = outcomes.filter((outcome) => !['unchanged', 'no-base'].includes(outcome.outcome)).length;
      void vscode.window.showInformationMessage(
        `Bulwark: ${changed} file(s) updated to catalog ${found.catalog.version}` + (conflicts ? `, ${conflicts} with conflict markers to resolve` : ''),
      );
      return outcomes;
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Bulwark: ${(error as Error).message}`);
    return undefined;
  }
}
