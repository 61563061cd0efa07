// Makes a catalog symbol usable in a document: adds its pattern files through the engine's `add`
// (missing files created, untouched older copies updated, edited copies kept) and the import the
// engine plans in the document's own style (quotes, semicolons, `.js`, the project's import style).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';
import { BulwarkError } from '../engine/errors';
import { planPatternImport, type ImportPlan } from '../engine/import-plan';
import type { Prompter } from '../engine/ports';
import { moduleOptions } from '../engine/tsconfig';
import { add } from '../engine/use-cases/add';
import { addWrites } from './planned-writes';
import { workspaceProject } from './workspace-project';

export class NoPatternsFolderError extends BulwarkError {
  override readonly name = 'NoPatternsFolderError';
  constructor() {
    super('this file is not in a workspace folder, so there is no patterns folder to insert into.');
  }
}

/** A quick fix asks nothing: the files it needs have no adapters, and a user's edited copy stays. */
const QUICK_FIX_ANSWERS: Prompter = {
  chooseFramework: async () => 'none',
  resolveEdited: async () => 'keep',
};

/** Adds to `edit` the files of pattern `id` that need writing; returns the pattern file's URI. */
export async function addPatternFiles(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, catalog: Catalog, id: string) {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder) throw new NoPatternsFolderError();
  const project = await workspaceProject(folder);
  const result = await add(catalog, project.fs, project.settings, { names: [id] }, QUICK_FIX_ANSWERS);
  if (result.kind === 'planned') {
    await addWrites(edit, project.fs, result.writes, { label: (write) => `Insert Bulwark pattern ${write.path}`, mode: 'text-edit' });
  }
  const targetFile = `${project.settings.patternsDir}/${id}.ts`;
  return { project, folder, targetFile, uri: project.fs.uri(targetFile) };
}

/**
 * Plans `import { symbol }` of pattern `id` in the document (engine/import-plan.ts) and, unless the
 * plan declines, adds to `edit` the pattern's missing files and the import. Returns the plan: the
 * caller writes the code under `plan.local`, the name the symbol is usable under.
 */
export async function addPatternImport(
  edit: vscode.WorkspaceEdit,
  document: vscode.TextDocument,
  catalog: Catalog,
  id: string,
  symbol: string,
): Promise<ImportPlan> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder) throw new NoPatternsFolderError();
  const project = await workspaceProject(folder);
  const targetFile = `${project.settings.patternsDir}/${id}.ts`;
  const options = await moduleOptions(project.fs);
  const plan = planPatternImport({
    documentText: document.getText(),
    documentPath: path.posix.relative(folder.uri.path, document.uri.path),
    symbol,
    targetFile,
    ...(project.settings.manifest?.type ? { packageType: project.settings.manifest.type } : {}),
    importStyle: project.settings.importStyle,
    ...(project.settings.tsconfigText !== undefined ? { tsconfigText: project.settings.tsconfigText } : {}),
    ...(options ? { moduleOptions: options } : {}),
  });
  if (plan.kind === 'declined') return plan;
  await addPatternFiles(edit, document, catalog, id);
  if (plan.insertion) edit.insert(document.uri, document.positionAt(plan.insertion.offset), plan.insertion.text);
  return plan;
}
