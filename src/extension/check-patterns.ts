// "Bulwark: Check Inserted Patterns": the engine's `check` (as `bulwark diff`), shown in a QuickPick.
import * as vscode from 'vscode';
import type { CopyState } from '../engine/copies';
import { check } from '../engine/use-cases/check';
import type { CatalogLoader } from './catalog-loader';
import { showError } from './show-error';
import { chooseWorkspaceFolder } from './workspace-files';
import { workspaceProject } from './workspace-project';

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
  /** Relative to the patterns folder. */
  readonly path: string;
  readonly id: string;
  readonly state: CopyState;
  readonly baseVersion?: string;
}

export async function checkPatternsCommand(loader: CatalogLoader, args: CheckPatternsArgs = {}): Promise<CopySummary[] | undefined> {
  try {
    const catalog = await loader.load();
    const folder = await chooseWorkspaceFolder(args.show !== false);
    if (!folder) return undefined;
    const project = await workspaceProject(folder, args.dir, { unsavedText: true });
    const { copies } = await check(catalog, project.fs, project.settings.patternsDir);
    const summaries = copies.map((copy) => ({
      id: copy.file.id,
      path: copy.path,
      state: copy.state,
      ...(copy.baseVersion ? { baseVersion: copy.baseVersion } : {}),
    }));
    if (args.show !== false) {
      if (summaries.length === 0) {
        void vscode.window.showInformationMessage(`Bulwark: no inserted patterns in ${vscode.workspace.asRelativePath(project.patternsUri)}.`);
      } else {
        void vscode.window
          .showQuickPick(
            summaries.map((summary) => ({
              label: summary.path,
              description: STATE_LABELS[summary.state],
              detail: summary.baseVersion ? `from catalog ${summary.baseVersion}, current ${catalog.version}` : undefined,
            })),
            { title: `Bulwark: inserted patterns (catalog ${catalog.version})` },
          )
          .then((picked) => picked && vscode.window.showTextDocument(vscode.Uri.joinPath(project.patternsUri, ...picked.label.split('/'))));
      }
    }
    return summaries;
  } catch (error) {
    showError(error, 'checking the patterns failed');
    return undefined;
  }
}
