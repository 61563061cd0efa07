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
      const text = await readText(fileUri(patternsDir, path));
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

export async function updatePatternsCommand(loader: CatalogLoader, args: UpdatePatternsArgs = {}): Promise<UpdateSummary[] | undefined> {
  try {
    const found = await inspectWorkspace(loader, args.dir, args.preview !== false);
    if (!found) return undefined;
    const edit = new vscode.WorkspaceEdit();
    const outcomes: UpdateSummary[] = [];
    for (const report of found.reports) {
      const outcome = planUpdate(found.catalog, report, report.text);
      outcomes.push({ path: report.path, outcome: outcome.kind });
      if (outcome.kind === 'unchanged' || outcome.kind === 'no-base') continue;
      const uri = fileUri(found.patternsDir, report.path);
      if (outcome.kind === 'created') {
        edit.createFile(
          uri,
          { contents: new TextEncoder().encode(outcome.text), ignoreIfExists: true },
          { label: `${report.path}: added (needed by the new versions)`, needsConfirmation: args.preview !== false },
        );
        continue;
      }
      const lines = (report.text ?? '').split('\n').length;
      edit.replace(uri, new vscode.Range(0, 0, lines, 0), outcome.text, {
        label: `${report.path}: ${outcome.kind === 'conflicts' ? `merged with ${outcome.conflicts} conflict(s) to resolve` : outcome.kind}`,
        needsConfirmation: args.preview !== false,
      });
    }
    if (edit.size > 0 && (await vscode.workspace.applyEdit(edit))) {
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
  } catch (error) {
    void vscode.window.showErrorMessage(`Bulwark: ${(error as Error).message}`);
    return undefined;
  }
}
