// After an insertion: offer to install the npm packages the inserted files need, with the
// package manager the project's lockfile shows, in a terminal the user can see.
import * as vscode from 'vscode';
import type { PackageNeed } from '../engine/header';
import { detectPackageManager, installCommand, missingPackages } from '../engine/project';
import { fileNames, readManifest } from './workspace-files';

/** Returns the packages the project lacks; the offer itself is not awaited. */
export async function offerToInstall(folder: vscode.WorkspaceFolder, needs: readonly PackageNeed[]): Promise<PackageNeed[]> {
  let manifest;
  try {
    manifest = await readManifest(folder.uri);
  } catch (error) {
    void vscode.window.showWarningMessage(`Bulwark: could not read package.json: ${(error as Error).message}`);
    return [];
  }
  const missing = missingPackages(manifest, needs);
  if (missing.length === 0) return missing;
  const manager = detectPackageManager(await fileNames(folder.uri), manifest);
  const commands = installCommand(manager, missing);
  const names = missing.map((need) => need.name).join(', ');
  // Installing runs the packages' install scripts: only offer it where the user trusts the folder
  // and it is on a local disk a terminal can reach.
  if (!vscode.workspace.isTrusted || folder.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage(`Bulwark: the inserted files need ${names}. Install them with: ${commands.join(' && ')}`);
    return missing;
  }
  void vscode.window
    .showInformationMessage(`Bulwark: the inserted files need ${names}. Install with ${manager}?`, 'Install')
    .then((choice) => {
      if (choice !== 'Install') return;
      const terminal = vscode.window.createTerminal({ name: 'Bulwark: install', cwd: folder.uri });
      terminal.show();
      terminal.sendText(commands.join(' && '));
    });
  return missing;
}
