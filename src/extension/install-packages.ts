// After an insertion: offer to install the npm packages the inserted files need, with the
// package manager the project's lockfile shows, in a terminal the user can see.
import * as vscode from 'vscode';
import type { PackageNeed } from '../engine/header';
import { detectPackageManager, installCommand, missingPackages, type PackageJson } from '../engine/project';
import type { BulwarkConfig } from '../engine/bulwark-config';
import { fileNames, projectConfig, readManifest } from './workspace-files';

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
  await offerInstall(folder, missing, { reason: 'the inserted files need', manifest });
  return missing;
}

export interface InstallOffer {
  /** Completes the message "Bulwark: <reason> <package names>." */
  readonly reason: string;
  /** `ask` (default) offers, `run` installs without asking, `skip` only works out the commands. */
  readonly mode?: 'ask' | 'run' | 'skip';
  /** The folder's package.json, whose `packageManager` field picks the package manager. */
  readonly manifest: PackageJson | undefined;
}

/** Offers to install `missing` in a terminal; returns the install commands. */
export async function offerInstall(folder: vscode.WorkspaceFolder, missing: readonly PackageNeed[], { reason, mode = 'ask', manifest }: InstallOffer): Promise<string[]> {
  if (missing.length === 0) return [];
  const config = await projectConfig(folder.uri).catch(() => /* a malformed bulwark.json was reported by the insertion */ ({}) as BulwarkConfig);
  const manager = config.packageManager ?? detectPackageManager(await fileNames(folder.uri), manifest);
  const commands = installCommand(manager, missing);
  if (mode === 'skip') return commands;
  const names = missing.map((need) => need.name).join(', ');
  // Installing runs the packages' install scripts: only offer it where the user trusts the folder
  // and it is on a local disk a terminal can reach.
  if (!vscode.workspace.isTrusted || folder.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage(`Bulwark: ${reason} ${names}. Install them with: ${commands.join(' && ')}`);
    return commands;
  }
  const install = () => {
    const terminal = vscode.window.createTerminal({ name: 'Bulwark: install', cwd: folder.uri });
    terminal.show();
    terminal.sendText(commands.join(' && '));
  };
  if (mode === 'run') install();
  else void vscode.window.showInformationMessage(`Bulwark: ${reason} ${names}. Install with ${manager}?`, 'Install').then((choice) => choice === 'Install' && install());
  return commands;
}
