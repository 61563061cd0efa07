// "Bulwark: Check Inserted Patterns" and "Bulwark: Update Inserted Patterns": the same engine
// as `bulwark diff|update`, with the update shown as a refactor preview before it is applied.
import * as vscode from 'vscode';
import { inspectFolder, planUpdate, type CopyState } from '../engine/copies';
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

async function inspectWorkspace(loader: CatalogLoader, dir: string | undefined, interactive: boolean) {
  const catalog = await loader.load();
  const folder = await chooseWorkspaceFolder(interactive);
  if (!folder) return undefined;
  const patternsDir = patternsFolder(folder, dir);
  const reports = await inspectFolder(catalog, (path) => readText(fileUri(patternsDir, path)));
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
      if (outcome.kind === 'unchanged' || outcome.kind === 'no-base' || outcome.kind === 'created') continue;
      const uri = fileUri(found.patternsDir, report.path);
      const lines = (report.text ?? '').split('\n').length;
      edit.replace(uri, new vscode.Range(0, 0, lines, 0), outcome.text, {
        label: `${report.path}: ${outcome.kind === 'conflicts' ? `merged with ${outcome.conflicts} conflict(s) to resolve` : outcome.kind}`,
        needsConfirmation: args.preview !== false,
      });
    }
    if (edit.size > 0) await vscode.workspace.applyEdit(edit);
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
