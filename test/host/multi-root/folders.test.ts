// Insert Pattern and Add ESLint Rules in a window with two workspace folders ("api", "worker"):
// the folder comes from the active editor or the user's pick, never silently the wrong one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface InsertResult {
  ok: boolean;
  error?: string;
  patternsDir?: string;
}

type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
const window = vscode.window as Window;
const insert = (args?: unknown) => vscode.commands.executeCommand<InsertResult | undefined>('bulwark.insertPattern', args);

function folder(name: string): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === name);
  assert.ok(found, `no workspace folder "${name}"`);
  return found;
}
const patternFile = (name: string, file: string) => path.join(folder(name).uri.fsPath, 'src', 'patterns', file);

describe('two workspace folders', () => {
  const original = { showWorkspaceFolderPick: window.showWorkspaceFolderPick, showQuickPick: window.showQuickPick };

  afterEach(async () => {
    Object.assign(window, original);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of ['api', 'worker']) {
      fs.rmSync(path.join(folder(name).uri.fsPath, 'src', 'patterns'), { recursive: true, force: true });
      fs.rmSync(path.join(folder(name).uri.fsPath, 'eslint.config.mjs'), { force: true });
    }
  });

  it('opens the two folders of the .code-workspace', () => {
    assert.deepEqual(
      vscode.workspace.workspaceFolders?.map((candidate) => candidate.name),
      ['api', 'worker'],
    );
  });

  it('a prompt-free insert goes into the folder of the active editor', async () => {
    const file = path.join(folder('worker').uri.fsPath, 'src', 'job.ts');
    fs.writeFileSync(file, 'export const job = 1;\n');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const result = await insert({ pattern: 'log' });
    assert.equal(result?.ok, true, result?.error);
    assert.ok(fs.existsSync(patternFile('worker', 'log.ts')), 'written into worker');
    assert.ok(!fs.existsSync(patternFile('api', 'log.ts')), 'not into api');
  });

  it('a prompt-free insert with no editor open goes into the first folder', async () => {
    const result = await insert({ pattern: 'log' });
    assert.equal(result?.ok, true, result?.error);
    assert.ok(fs.existsSync(patternFile('api', 'log.ts')));
    assert.ok(!fs.existsSync(patternFile('worker', 'log.ts')));
  });

  it('the interactive command asks which folder, then which pattern, and writes there', async () => {
    const asked: string[] = [];
    window.showWorkspaceFolderPick = ((options?: vscode.WorkspaceFolderPickOptions) => {
      asked.push(`folder: ${options?.placeHolder}`);
      return Promise.resolve(folder('worker'));
    }) as typeof vscode.window.showWorkspaceFolderPick;
    window.showQuickPick = ((items: readonly vscode.QuickPickItem[], options?: vscode.QuickPickOptions) => {
      asked.push(`pattern: ${options?.title}`);
      return Promise.resolve(items.find((item) => item.label === 'log'));
    }) as unknown as typeof vscode.window.showQuickPick;
    const result = await insert();
    assert.equal(result?.ok, true, result?.error);
    assert.deepEqual(asked, ['folder: Insert the pattern into which folder?', 'pattern: Bulwark: Insert Pattern']);
    assert.ok(fs.existsSync(patternFile('worker', 'log.ts')));
    assert.ok(!fs.existsSync(patternFile('api', 'log.ts')));
  });

  it('dismissing the folder question writes nothing', async () => {
    window.showWorkspaceFolderPick = (() => Promise.resolve(undefined)) as typeof vscode.window.showWorkspaceFolderPick;
    assert.equal(await insert(), undefined);
    assert.ok(!fs.existsSync(patternFile('api', 'log.ts')) && !fs.existsSync(patternFile('worker', 'log.ts')));
  });

  it('Add ESLint Rules writes into the folder named by its argument', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; action?: string; error?: string }>('bulwark.addEslintConfig', {
      folder: 'worker',
      install: false,
    });
    assert.equal(result?.action, 'created', result?.error);
    assert.ok(fs.existsSync(path.join(folder('worker').uri.fsPath, 'eslint.config.mjs')));
    assert.ok(!fs.existsSync(path.join(folder('api').uri.fsPath, 'eslint.config.mjs')));
  });
});
