// "Bulwark: Insert Pattern…": copies a pattern and every file it imports into the patterns
// folder as one undoable edit, never overwriting a different existing file without asking.
import * as vscode from 'vscode';
import { FRAMEWORKS, type Catalog, type Framework } from '../engine/catalog';
import { BulwarkError } from '../engine/errors';
import { add, type AddedFile } from '../engine/use-cases/add';
import type { CatalogLoader } from './catalog-loader';
import { offerInstall } from './install-packages';
import { pickPattern } from './pattern-picker';
import { applyWritesEdit } from './planned-writes';
import type { ProposedContent } from './proposed-content';
import { QuickPickPrompter } from './quick-pick-prompter';
import { showError } from './show-error';
import { chooseWorkspaceFolder } from './workspace-files';
import { workspaceProject } from './workspace-project';

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
      /** Untouched copies of an older version, brought up to date (nothing of the user's is lost). */
      readonly updated: string[];
      /** Existing files that differ: left as they are, shown in a diff with Replace / Keep mine. */
      readonly differs: string[];
      readonly missingPackages: string[];
    }
  | { readonly ok: false; readonly error: string };

export function parseInsertArgs(value: unknown): InsertPatternArgs | undefined {
  if (value === undefined || value === null) return undefined;
  const shape = 'expected { pattern: string, dir?: string, framework?: "express" | "hono" | "fastify" }';
  if (typeof value !== 'object' || Array.isArray(value)) throw new BulwarkError(`bulwark.insertPattern: ${shape}`);
  const { pattern, dir, framework } = value as Record<string, unknown>;
  if (typeof pattern !== 'string' || pattern.trim() === '') throw new BulwarkError(`bulwark.insertPattern: "pattern" must be a non-empty string; ${shape}`);
  if (dir !== undefined && (typeof dir !== 'string' || dir.trim() === ''))
    throw new BulwarkError(`bulwark.insertPattern: "dir" must be a non-empty string; ${shape}`);
  if (framework !== undefined && !(FRAMEWORKS as readonly unknown[]).includes(framework)) {
    throw new BulwarkError(`bulwark.insertPattern: "framework" must be one of ${FRAMEWORKS.join(', ')}`);
  }
  return { pattern: pattern.trim(), dir, framework: framework as Framework | undefined };
}

async function offerReplace(action: AddedFile & { readonly text: string }, uri: vscode.Uri, proposed: ProposedContent): Promise<void> {
  const proposedUri = proposed.uriFor(action.path, action.text);
  // Asked while the diff opens, not after: the question must not wait on an editor that is slow to show.
  Promise.resolve(vscode.commands.executeCommand('vscode.diff', uri, proposedUri, `${action.path}: yours ↔ Bulwark ${action.file.id}`)).catch(
    (error: unknown) => vscode.window.showWarningMessage(`Bulwark: could not show how ${action.path} differs from the catalog: ${(error as Error).message}`),
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
  const project = await workspaceProject(folder, args?.dir);
  const result = await add(
    catalog,
    project.fs,
    project.settings,
    { names: [name], ...(args?.framework ? { framework: args.framework } : {}) },
    new QuickPickPrompter(catalog),
  );
  if (result.kind === 'cancelled') return undefined;

  const fileUri = (file: AddedFile) => project.fs.uri(`${project.settings.patternsDir}/${file.path}`);
  if (result.writes.length && !(await applyWritesEdit(project.fs, result.writes, 'Insert Bulwark pattern'))) {
    return { ok: false, error: `Bulwark: could not write to ${project.patternsUri.fsPath}` };
  }
  for (const file of result.files) {
    if (file.verdict === 'edited' && !file.written && file.text !== undefined) {
      offerReplace({ ...file, text: file.text }, fileUri(file), proposed).then(undefined, (error: unknown) =>
        vscode.window.showWarningMessage(`Bulwark: could not replace ${file.path} with the catalog version: ${(error as Error).message}`),
      );
    }
  }
  const main = result.files.find((file) => file.file.id === name) ?? result.files.at(-1);
  if (main) {
    // Awaited, so the command ends with the file in front of the user (an Undo then undoes the
    // insertion); showing it is a courtesy, though: the insertion has succeeded even if it fails.
    await Promise.resolve(vscode.window.showTextDocument(fileUri(main), { preview: false })).catch((error: unknown) => {
      void vscode.window.showWarningMessage(`Bulwark: inserted ${main.path}, but could not open it: ${(error as Error).message}`);
    });
  }
  await offerInstall(folder, result.missingPackages, result.installCommands, { reason: 'the inserted files need', manager: project.settings.packageManager });
  const paths = (verdict: AddedFile['verdict']) => result.files.filter((file) => file.verdict === verdict).map((file) => file.path);
  return {
    ok: true,
    patternsDir: project.patternsUri.toString(),
    created: paths('create'),
    identical: paths('identical'),
    updated: paths('update'),
    differs: paths('edited'),
    missingPackages: result.missingPackages.map((need) => need.name),
  };
}

/** The command handler: shows every failure as one clear message and returns it to callers. */
export async function insertPatternCommand(loader: CatalogLoader, proposed: ProposedContent, rawArgs: unknown): Promise<InsertPatternResult | undefined> {
  try {
    const args = parseInsertArgs(rawArgs);
    return await insert(await loader.load(), args, proposed);
  } catch (error) {
    return { ok: false, error: showError(error, 'inserting the pattern failed') };
  }
}
