// "Bulwark: Add ESLint Rules to This Project": adds bulwark.configs.recommended to the folder's
// flat ESLint config (or creates eslint.config.mjs) as one undoable edit, then offers to install
// eslint and eslint-plugin-bulwark with the project's package manager.
import * as vscode from 'vscode';
import {
  configPackages,
  type ConfigEdit,
  findConfigFile,
  isTypeScriptProject,
  manualInstructions,
  NEW_CONFIG_FILE,
  newConfigText,
  planRecommendedConfig,
  verifyRecommendedConfig,
} from '../engine/eslint-config';
import { detectPackageManager, missingPackages, type PackageJson } from '../engine/project';
import { offerInstall } from './install-packages';
import type { LinterClient } from '../linter/worker-client';
import { BulwarkError } from '../engine/errors';
import { installCommand } from '../engine/project';
import { showError } from './show-error';
import { chooseWorkspaceFolder, fileNames, NoFolderError, readManifest } from './workspace-files';
import { workspaceProject } from './workspace-project';

export interface AddEslintConfigArgs {
  /** Workspace folder: its name, its path or its URI; default: the only (or the active editor's) folder. */
  readonly folder?: string;
  /** `true` installs missing packages without asking, `false` never offers; default: ask. */
  readonly install?: boolean;
}

export type AddEslintConfigResult =
  | {
      readonly ok: true;
      /** URI of the config file. */
      readonly file: string;
      readonly action: 'created' | 'updated' | 'unchanged';
      readonly message: string;
      readonly missingPackages: string[];
      readonly installCommands: string[];
    }
  | { readonly ok: false; readonly error: string };

function parseArgs(value: unknown): AddEslintConfigArgs | undefined {
  if (value === undefined || value === null) return undefined;
  const shape = 'expected { folder?: string, install?: boolean }';
  if (typeof value !== 'object' || Array.isArray(value)) throw new BulwarkError(`bulwark.addEslintConfig: ${shape}`);
  const { folder, install } = value as Record<string, unknown>;
  if (folder !== undefined && (typeof folder !== 'string' || folder.trim() === ''))
    throw new BulwarkError(`bulwark.addEslintConfig: "folder" must be a non-empty string; ${shape}`);
  if (install !== undefined && typeof install !== 'boolean') throw new BulwarkError(`bulwark.addEslintConfig: "install" must be true or false; ${shape}`);
  return { folder: folder as string | undefined, install };
}

function namedFolder(name: string): vscode.WorkspaceFolder {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new NoFolderError();
  const found = folders.find((folder) => folder.name === name || folder.uri.fsPath === name || folder.uri.toString() === name);
  if (!found) throw new BulwarkError(`no workspace folder "${name}"; open folders: ${folders.map((folder) => folder.name).join(', ')}`);
  return found;
}

/** ESLint's own parse (the TypeScript parser, on the linter thread) of a candidate config. */
async function parseError(linter: LinterClient, text: string, fileName: string): Promise<string | undefined> {
  const fatal = (await linter.call('lintText', text, fileName)).find((message) => message.fatal);
  return fatal ? `${fatal.message} at line ${fatal.line}, column ${fatal.column}` : undefined;
}

/** addRecommendedConfig, with its re-parse done on the linter thread, which answers asynchronously. */
async function planConfigEdit(linter: LinterClient, text: string, fileName: string): Promise<ConfigEdit> {
  const edit = planRecommendedConfig(text);
  return edit.kind === 'updated' ? verifyRecommendedConfig(edit, await parseError(linter, edit.text, fileName)) : edit;
}

async function writeConfig(folder: vscode.WorkspaceFolder, manifest: PackageJson | undefined, names: string[], linter: LinterClient) {
  const choice = findConfigFile(names, manifest);
  if (choice.kind === 'legacy') {
    throw new BulwarkError(
      `Bulwark: this project configures ESLint with ${choice.file}, which ESLint 9 and later no longer read. ` +
        'Migrate it to a flat eslint.config.mjs (npx @eslint/migrate-config <file>), then run this command again.',
    );
  }
  if (choice.kind === 'none') {
    const uri = vscode.Uri.joinPath(folder.uri, NEW_CONFIG_FILE);
    const typescript = isTypeScriptProject(names, manifest);
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(
      uri,
      { contents: new TextEncoder().encode(newConfigText(typescript, manifest)) },
      { label: 'Add Bulwark ESLint config', needsConfirmation: false },
    );
    if (!(await vscode.workspace.applyEdit(edit))) throw new BulwarkError(`could not create ${uri.fsPath}`);
    return { uri, action: 'created' as const, typescript, message: `Bulwark: created ${NEW_CONFIG_FILE} with the bulwark recommended rules.` };
  }
  const uri = vscode.Uri.joinPath(folder.uri, choice.file);
  // The open document, so unsaved edits are kept rather than overwritten from disk.
  const document = await vscode.workspace.openTextDocument(uri);
  // The parse awaits the linter thread; typing meanwhile would be replaced by an edit planned from
  // the older text, so a plan only counts for the version it was made from.
  let result: ConfigEdit;
  for (let attempt = 1; ; attempt++) {
    const version = document.version;
    result = await planConfigEdit(linter, document.getText(), choice.file);
    if (document.version === version) break;
    if (attempt === 3) throw new BulwarkError(`${choice.file} kept changing while the rules were being added; nothing was changed. Run the command again.`);
  }
  if (result.kind === 'unsupported') {
    void vscode.window.showTextDocument(document, { preview: false });
    throw new BulwarkError(
      `could not add the rules to ${choice.file} safely: ${result.reason}. Nothing was changed. Add them yourself: ${manualInstructions(choice.file, document.getText())}.`,
    );
  }
  if (result.kind === 'unchanged')
    return { uri, action: 'unchanged' as const, typescript: false, message: `Bulwark: ${choice.file} already uses eslint-plugin-bulwark; nothing to change.` };
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(new vscode.Position(0, 0), document.positionAt(document.getText().length)), result.text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new BulwarkError(`could not edit ${uri.fsPath}`);
  // ESLint reads the file from disk.
  await document.save();
  return { uri, action: 'updated' as const, typescript: false, message: `Bulwark: added bulwark.configs.recommended to ${result.target} in ${choice.file}.` };
}

async function addEslintConfig(linter: LinterClient, args: AddEslintConfigArgs | undefined): Promise<AddEslintConfigResult | undefined> {
  const folder = args?.folder ? namedFolder(args.folder) : await chooseWorkspaceFolder(args === undefined);
  if (!folder) return undefined;
  const manifest = await readManifest(folder.uri).catch((error: unknown) => {
    // The config can still be written; only the install offer needs package.json.
    void vscode.window.showWarningMessage(`Bulwark: could not read package.json (${(error as Error).message}); every ESLint package counts as missing.`);
    return undefined;
  });
  const names = await fileNames(folder.uri);
  const written = await writeConfig(folder, manifest, names, linter);
  await vscode.window.showTextDocument(written.uri, { preview: false });
  const missing = missingPackages(manifest, configPackages(written.typescript, manifest));
  const mode = args?.install === true ? 'run' : args?.install === false ? 'skip' : 'ask';
  // One notification: what was done, and the install offer when packages are missing.
  const done = written.message.replace(/\.$/, '');
  const manager =
    (await workspaceProject(folder).catch(() => /* a malformed bulwark.json does not stop this command: the lockfile picks the manager */ undefined))?.settings
      .packageManager ?? detectPackageManager(names, manifest);
  const installCommands = await offerInstall(folder, missing, installCommand(manager, missing), {
    reason: `${done.replace(/^Bulwark: /, '')}; it needs`,
    mode,
    manager,
  });
  if (missing.length === 0 || mode === 'skip') void vscode.window.showInformationMessage(written.message);
  return {
    ok: true,
    file: written.uri.toString(),
    action: written.action,
    message: written.message,
    missingPackages: missing.map((need) => need.name),
    installCommands,
  };
}

/** The command handler: every failure becomes one clear message, also returned to callers. */
export async function addEslintConfigCommand(linter: LinterClient, rawArgs: unknown): Promise<AddEslintConfigResult | undefined> {
  try {
    return await addEslintConfig(linter, parseArgs(rawArgs));
  } catch (error) {
    return { ok: false, error: showError(error, 'adding the ESLint rules failed') };
  }
}
