// A workspace folder as the engine sees a project: its file system and its settings.
import * as vscode from 'vscode';
import { readProjectSettings, type ProjectSettings } from '../engine/project-settings';
import { WorkspaceProjectFs } from './workspace-project-fs';

export interface WorkspaceProject {
  readonly folder: vscode.WorkspaceFolder;
  readonly fs: WorkspaceProjectFs;
  readonly settings: ProjectSettings;
  /** The patterns folder as a URI. */
  readonly patternsUri: vscode.Uri;
}

/**
 * The folder's settings (engine/project-settings.ts), with the VS Code settings the user set
 * (`bulwark.patternsDir`, `bulwark.importStyle`) overriding bulwark.json, and `dir` (absolute, or
 * relative to the workspace folder) overriding both.
 */
export async function workspaceProject(
  folder: vscode.WorkspaceFolder,
  dir?: string,
  { unsavedText = false }: { readonly unsavedText?: boolean } = {},
): Promise<WorkspaceProject> {
  const fs = new WorkspaceProjectFs(folder.uri, unsavedText);
  const configuration = vscode.workspace.getConfiguration('bulwark', folder);
  const userValue = (key: string) => {
    const setting = configuration.inspect<string>(key);
    return setting?.workspaceFolderValue ?? setting?.workspaceValue ?? setting?.globalValue;
  };
  const patternsDir = dir !== undefined ? fs.projectPath(dir) : userValue('patternsDir');
  const importStyle = userValue('importStyle');
  const settings = await readProjectSettings(fs, {
    ...(patternsDir !== undefined ? { patternsDir } : {}),
    ...(importStyle !== undefined ? { importStyle } : {}),
  });
  return { folder, fs, settings, patternsUri: fs.uri(settings.patternsDir) };
}
