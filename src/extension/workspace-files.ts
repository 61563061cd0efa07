// Reading the user's workspace through workspace.fs, so virtual workspaces work too.
import * as vscode from 'vscode';
import { BulwarkError } from '../engine/errors';
import { parsePackageJson, type PackageJson } from '../engine/project';

const decoder = new TextDecoder();

export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** The document of `uri` if VS Code has it open (in an editor or not), else undefined. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === key);
}

export async function readManifest(folder: vscode.Uri): Promise<PackageJson | undefined> {
  const text = await readText(vscode.Uri.joinPath(folder, 'package.json'));
  return text === undefined ? undefined : parsePackageJson(text);
}

export async function fileNames(folder: vscode.Uri): Promise<string[]> {
  try {
    return (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);
  } catch {
    // An unreadable folder has no lockfile to detect; npm is the default.
    return [];
  }
}

export class NoFolderError extends BulwarkError {
  override readonly name = 'NoFolderError';
  constructor() {
    super('open a folder first. There is no workspace folder to insert patterns into (File > Open Folder…).');
  }
}

/**
 * The workspace folder to write into: the only one; with several, the user's pick, or (for
 * prompt-free calls) the one holding the active editor, else the first.
 */
export async function chooseWorkspaceFolder(interactive: boolean): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new NoFolderError();
  if (folders.length === 1) return folders[0];
  if (!interactive) {
    const active = vscode.window.activeTextEditor?.document.uri;
    return (active && vscode.workspace.getWorkspaceFolder(active)) || folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Insert the pattern into which folder?' });
}
