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
): Promise<InsertAction[]> {
  const actions = await planInsert(catalog, files, (path) => readText(fileUri(patternsDir, path)));
  for (const action of actions) {
    if (action.kind !== 'create') continue;
    // An empty file plus a text insert, not createFile's `contents`: that edit crosses the
    // extension-host boundary (code actions, previews) and stays one undoable step.
    const uri = fileUri(patternsDir, action.path);
    const metadata = { label: `Insert Bulwark pattern ${action.file.id}`, needsConfirmation: false };
    edit.createFile(uri, { ignoreIfExists: true }, metadata);
    edit.insert(uri, new vscode.Position(0, 0), action.text, metadata);
  }
  return actions;
}
