// "Bulwark: Insert Pattern…": copies a pattern and every file it imports into the patterns
// folder as one undoable edit, never overwriting a different existing file without asking.
import * as vscode from 'vscode';
import { FRAMEWORKS, packagesOf, resolveSelection, type Catalog, type Framework } from '../engine/catalog';
import type { InsertAction } from '../engine/insert';
import type { CatalogLoader } from './catalog-loader';
import { offerToInstall } from './install-packages';
import { chooseFramework, pickPattern } from './pattern-picker';
import { addMissingFiles, fileUri } from './pattern-writer';
import type { ProposedContent } from './proposed-content';
import { chooseWorkspaceFolder, patternsFolder, readManifest } from './workspace-files';

export interface InsertPatternArgs {
  readonly pattern: string;
  /** Patterns folder, relative to the workspace folder (or absolute); default: `bulwark.patternsDir`. */
  readonly dir?: string;
  readonly framework?: Framework;
}

export type InsertPatternResult =
  | {
      readonly ok: true;
      readonly patternsDir: string;
      readonly created: string[];
      readonly identical: string[];
      /** Existing files that differ: left as they are, shown in a diff with Replace / Keep mine. */
      readonly differs: string[];
      readonly missingPackages: string[];
    }
  | { readonly ok: false; readonly error: string };

export function parseInsertArgs(value: unknown): InsertPatternArgs | undefined {
  if (value === undefined || value === null) return undefined;
  const shape = 'expected { pattern: string, dir?: string, framework?: "express" | "hono" | "fastify" }';
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`Bulwark: bulwark.insertPattern: ${shape}`);
  const { pattern, dir, framework } = value as Record<string, unknown>;
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new Error(`Bulwark: bulwark.insertPattern: "pattern" must be a non-empty string; ${shape}`);
  if (dir !== undefined && (typeof dir !== 'string' || dir.trim() === '')) throw new Error(`Bulwark: bulwark.insertPattern: "dir" must be a non-empty string; ${shape}`);
  if (framework !== undefined && !(FRAMEWORKS as readonly unknown[]).includes(framework)) {
    throw new Error(`Bulwark: bulwark.insertPattern: "framework" must be one of ${FRAMEWORKS.join(', ')}`);
  }
  return { pattern: pattern.trim(), dir, framework: framework as Framework | undefined };
}

async function offerReplace(action: Extract<InsertAction, { kind: 'differs' }>, uri: vscode.Uri, proposed: ProposedContent): Promise<void> {
  const proposedUri = proposed.uriFor(action.path, action.text);
  // Asked while the diff opens, not after: the question must not wait on an editor that is slow to show.
  Promise.resolve(vscode.commands.executeCommand('vscode.diff', uri, proposedUri, `${action.path}: yours ↔ Bulwark ${action.file.id}`)).catch((error: unknown) =>
    vscode.window.showWarningMessage(`Bulwark: could not show how ${action.path} differs from the catalog: ${(error as Error).message}`),
  );
  const choice = await vscode.window.showWarningMessage(
    `Bulwark: ${action.path} already exists and differs from the catalog version. Replace it?`,
    'Replace',
    'Keep mine',
  );
  if (choice !== 'Replace') return;
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), action.text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`${action.path} changed while you chose; nothing was replaced`);
  // Replacing is the user's explicit choice: the file on disk takes it at once, as an insertion would.
  if (!(await document.save())) throw new Error(`${action.path} was replaced in the editor but could not be saved`);
}

async function insert(catalog: Catalog, args: InsertPatternArgs | undefined, proposed: ProposedContent): Promise<InsertPatternResult | undefined> {
  const interactive = args === undefined;
  const folder = await chooseWorkspaceFolder(interactive);
  if (!folder) return undefined;
  const name = args?.pattern ?? (await pickPattern(catalog));
  if (!name) return undefined;
  const manifest = await readManifest(folder.uri).catch(() => /* no readable package.json: the picker asks instead */ undefined);
  const framework = await chooseFramework(catalog, name, manifest, args?.framework);
  if (framework === undefined) return undefined;
  const files = resolveSelection(catalog, { names: [name], framework: framework === 'none' ? undefined : framework });
  const patternsDir = await patternsFolder(folder, args?.dir);

  const edit = new vscode.WorkspaceEdit();
  const actions = await addMissingFiles(catalog, files, patternsDir, edit);
  // WorkspaceEdit.size counts only text edits, so decide from the plan.
  if (actions.some((action) => action.kind === 'create') && !(await vscode.workspace.applyEdit(edit))) {
    return { ok: false, error: `Bulwark: could not write to ${patternsDir.fsPath}` };
  }
  for (const action of actions) {
    if (action.kind === 'differs') {
      offerReplace(action, fileUri(patternsDir, action.path), proposed).then(undefined, (error: unknown) =>
        vscode.window.showWarningMessage(`Bulwark: could not replace ${action.path} with the catalog version: ${(error as Error).message}`),
      );
    }
  }
  const main = actions.find((action) => action.file.id === name) ?? actions.at(-1);
  if (main) {
    // Showing the file is a courtesy: the insertion has succeeded even if the editor cannot open it.
    vscode.window.showTextDocument(fileUri(patternsDir, main.path), { preview: false }).then(undefined, (error: unknown) =>
      vscode.window.showWarningMessage(`Bulwark: inserted ${main.path}, but could not open it: ${(error as Error).message}`),
    );
  }
  const missing = await offerToInstall(folder, packagesOf(files));
  const paths = (kind: InsertAction['kind']) => actions.filter((action) => action.kind === kind).map((action) => action.path);
  return {
    ok: true,
    patternsDir: patternsDir.toString(),
    created: paths('create'),
    identical: paths('identical'),
    differs: paths('differs'),
    missingPackages: missing.map((need) => need.name),
  };
}

/** The command handler: shows every failure as one clear message and returns it to callers. */
export async function insertPatternCommand(loader: CatalogLoader, proposed: ProposedContent, rawArgs: unknown): Promise<InsertPatternResult | undefined> {
  try {
    const args = parseInsertArgs(rawArgs);
    return await insert(await loader.load(), args, proposed);
  } catch (error) {
    // Engine errors (unknown pattern, malformed package.json or bulwark.json) already say what to fix.
    const text = error instanceof Error ? error.message : String(error);
    const message = text.startsWith('Bulwark:') ? text : `Bulwark: ${text}`;
    void vscode.window.showErrorMessage(message);
    return { ok: false, error: message };
  }
}
