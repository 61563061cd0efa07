// The folder in restricted mode (workspace trust declined): Bulwark still inserts patterns and
// lints, but never runs a package manager there; it shows the install command instead.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
const window = vscode.window as Window;

describe('an untrusted folder', () => {
  const original = { showInformationMessage: window.showInformationMessage, createTerminal: window.createTerminal };
  after(() => Object.assign(window, original));

  it('is open in restricted mode', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('inserts a pattern, and shows the install command instead of running it', async () => {
    const shown: string[] = [];
    let terminals = 0;
    window.showInformationMessage = ((message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    }) as typeof vscode.window.showInformationMessage;
    window.createTerminal = (() => {
      terminals++;
      throw new Error('no terminal may be created in an untrusted folder');
    }) as unknown as typeof vscode.window.createTerminal;
    const result = await vscode.commands.executeCommand<{ ok: boolean; error?: string; missingPackages?: string[] }>('bulwark.insertPattern', {
      pattern: 'cache/redis',
    });
    assert.equal(result?.ok, true, result?.error);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(fs.existsSync(path.join(folder, 'src', 'patterns', 'cache', 'redis.ts')));
    assert.ok(result?.missingPackages?.includes('ioredis'));
    assert.match(shown.join('\n'), /Install them with: npm install [^\n]*ioredis/);
    assert.equal(terminals, 0);
  });

  it('still lints', async () => {
    const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'src', 'restricted.ts');
    fs.writeFileSync(file, 'export const load = (url: string) => fetch(url);\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    let found = false;
    for (let i = 0; i < 400 && !found; i++) {
      found = vscode.languages.getDiagnostics(document.uri).some((diagnostic) => diagnostic.source === 'bulwark');
      if (!found) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(found, 'Bulwark diagnostics in restricted mode');
  });
});
