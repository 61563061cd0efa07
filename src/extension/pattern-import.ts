// Makes a catalog symbol usable in a document: inserts its pattern files when missing and adds
// the import in the document's own style (quotes, semicolons, `.js`, tsconfig alias).
import * as vscode from 'vscode';
import { resolveSelection, type Catalog } from '../engine/catalog';
import { aliasSpecifier, detectConventions, importInsertionOffset, importsSymbol, importStatement, relativeSpecifier } from '../engine/imports';
import { addMissingFiles, fileUri } from './pattern-writer';
import { patternsFolder, readManifest, readText } from './workspace-files';

export class NoPatternsFolderError extends Error {
  override readonly name = 'NoPatternsFolderError';
  constructor() {
    super('Bulwark: this file is not in a workspace folder, so there is no patterns folder to insert into.');
  }
}

async function specifierFor(document: vscode.TextDocument, folder: vscode.WorkspaceFolder, target: vscode.Uri, jsExtension: boolean): Promise<string> {
  const style = vscode.workspace.getConfiguration('bulwark', document.uri).get<string>('importStyle', 'relative');
  if (style !== 'relative' && style.trim()) {
    const tsconfig = await readText(vscode.Uri.joinPath(folder.uri, 'tsconfig.json'));
    const alias = tsconfig === undefined ? undefined : aliasSpecifier(tsconfig, folder.uri.path, style, target.path);
    if (alias) return jsExtension ? `${alias}.js` : alias;
  }
  return relativeSpecifier(document.uri.path, target.path, { quote: "'", semicolon: true, jsExtension });
}

/** Adds to `edit` the files of pattern `id` that are missing and `import { symbol }` from it. */
export async function addPatternImport(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, catalog: Catalog, id: string, symbol: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder) throw new NoPatternsFolderError();
  const patternsDir = await patternsFolder(folder);
  await addMissingFiles(catalog, resolveSelection(catalog, { names: [id] }), patternsDir, edit, 'text-edit');
  const target = fileUri(patternsDir, `${id}.ts`);
  const text = document.getText();
  if (!importsSymbol(text, symbol)) {
    const manifest = await readManifest(folder.uri).catch(() => /* the file's own imports decide the `.js` convention */ undefined);
    const conventions = detectConventions(text, manifest?.type);
    const specifier = await specifierFor(document, folder, target, conventions.jsExtension);
    edit.insert(document.uri, document.positionAt(importInsertionOffset(text)), importStatement(symbol, specifier, conventions));
  }
  return target;
}
