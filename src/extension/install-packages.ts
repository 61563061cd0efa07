// After an insertion: offer to install the npm packages the inserted files need, with the
// package manager the project's lockfile shows, in a terminal the user can see.
import * as vscode from 'vscode';
import type { PackageNeed } from '../engine/header';
import type { PackageManager } from '../engine/project';

export interface InstallOffer {
  /** Completes the message "Bulwark: <reason> <package names>." */
  readonly reason: string;
  /** `ask` (default) offers, `run` installs without asking, `skip` only returns the commands. */
  readonly mode?: 'ask' | 'run' | 'skip';
  readonly manager: PackageManager;
}

/** Offers to run `commands` (the engine's, for `missing`) in a terminal; returns them. */
export async function offerInstall(
  folder: vscode.WorkspaceFolder,
  missing: readonly PackageNeed[],
  commands: readonly string[],
  { reason, mode = 'ask', manager }: InstallOffer,
): Promise<string[]> {
  if (missing.length === 0) return [];
  if (mode === 'skip') return [...commands];
  const names = missing.map((need) => need.name).join(', ');
  // Installing runs the packages' install scripts: only offer it where the user trusts the folder
  // and it is on a local disk a terminal can reach.
  if (!vscode.workspace.isTrusted || folder.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage(`Bulwark: ${reason} ${names}. Install them with: ${commands.join(' && ')}`);
    return [...commands];
  }
  const install = () => {
    const terminal = vscode.window.createTerminal({ name: 'Bulwark: install', cwd: folder.uri });
    terminal.show();
    terminal.sendText(commands.join(' && '));
  };
  if (mode === 'run') install();
  else
    void vscode.window
      .showInformationMessage(`Bulwark: ${reason} ${names}. Install with ${manager}?`, 'Install')
      .then((choice) => choice === 'Install' && install());
  return [...commands];
}
