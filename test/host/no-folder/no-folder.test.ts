// A window with no folder open: every command that writes into a project says to open a folder
// first instead of failing obscurely; the diagnostics and the in-file quick fixes still work.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
const window = vscode.window as Window;
// Anchored: the product name once ("Bulwark: Bulwark: open…" was the old bug).
const OPEN_A_FOLDER = /^Bulwark: open a folder first/m;

describe('no folder open', () => {
  const original = window.showErrorMessage;
  const errors: string[] = [];
  before(() => {
    window.showErrorMessage = ((message: string) => {
      errors.push(message);
      return Promise.resolve(undefined);
    }) as typeof vscode.window.showErrorMessage;
  });
  beforeEach(() => (errors.length = 0));
  after(() => (window.showErrorMessage = original));

  it('has no workspace folder', () => assert.equal(vscode.workspace.workspaceFolders?.length ?? 0, 0));

  it('Insert Pattern says to open a folder first', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('bulwark.insertPattern', { pattern: 'log' });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', OPEN_A_FOLDER);
    assert.match(errors.join('\n'), OPEN_A_FOLDER);
  });

  it('Add ESLint Rules says to open a folder first', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('bulwark.addEslintConfig', { install: false });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', OPEN_A_FOLDER);
  });

  for (const command of ['bulwark.checkPatterns', 'bulwark.updatePatterns']) {
    it(`${command} says to open a folder first`, async () => {
      assert.equal(await vscode.commands.executeCommand(command, { show: false, preview: false }), undefined);
      assert.match(errors.join('\n'), OPEN_A_FOLDER);
    });
  }

  it('lints an untitled TypeScript document, and offers no fix that needs a folder for pattern files', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'export const load = (url: string) => fetch(url);\n' });
    await vscode.window.showTextDocument(document);
    let diagnostic: vscode.Diagnostic | undefined;
    for (let i = 0; i < 400 && !diagnostic; i++) {
      diagnostic = vscode.languages
        .getDiagnostics(document.uri)
        .find((candidate) => candidate.source === 'bulwark' && typeof candidate.code === 'object' && candidate.code.value === 'bulwark/require-retry');
      if (!diagnostic) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(diagnostic, 'bulwark/require-retry on the untitled document');
    const titles = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      )
    ).map((action) => action.title);
    assert.ok(titles.includes('Show documentation for bulwark/require-retry'), titles.join(' | '));
    assert.ok(!titles.includes('Wrap in retry()'), 'Wrap in retry() needs a folder to put the retry pattern in');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
