// Turns an insertion plan into workspace edits. Shared by "Insert Pattern…" and the quick
// fixes that need a pattern file to exist.
import * as vscode from 'vscode';
import type { Catalog, CatalogFile } from '../engine/catalog';
import { planInsert, type InsertAction } from '../engine/insert';
import { readText } from './workspace-files';

export function fileUri(patternsDir: vscode.Uri, relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(patternsDir, ...relativePath.split('/'));
}

/** Plans the files against what is on disk and adds a create operation for each missing one. */
export async function addMissingFiles(
  catalog: Catalog,
  files: readonly CatalogFile[],
  patternsDir: vscode.Uri,
  edit: vscode.WorkspaceEdit,
  /**
   * `contents` writes each file at once, for edits applied here; `text-edit` fills an empty new
   * file with a text edit, the form that survives crossing the extension-host boundary (code
   * actions, previews), after which the caller saves the files.
   */
  mode: 'contents' | 'text-edit' = 'contents',
): Promise<InsertAction[]> {
  const actions = await planInsert(catalog, files, (path) => readText(fileUri(patternsDir, path)));
  for (const action of actions) {
    if (action.kind !== 'create') continue;
    const uri = fileUri(patternsDir, action.path);
    const metadata = { label: `Insert Bulwark pattern ${action.file.id}`, needsConfirmation: false };
    if (mode === 'contents') {
      edit.createFile(uri, { contents: new TextEncoder().encode(action.text), ignoreIfExists: true }, metadata);
    } else {
      edit.createFile(uri, { ignoreIfExists: true }, metadata);
      edit.insert(uri, new vscode.Position(0, 0), action.text, metadata);
    }
  }
  return actions;
}
