// The quick fixes on the code that broke them (issue 11), in the real host: each fix is applied
// the way the light bulb does, then the workspace is type-checked with tsc (or the JavaScript
// file is run with node). The planning behind them is tested case by case in
// test/engine/import-plan.test.ts and test/engine/quick-fix-edits.test.ts.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { actionsAt, resetWorkspace, typecheck, waitFor, workspacePath, writeWorkspaceFile } from './workspace';

const FILES = ['src/patterns', 'src/safety', 'src/types'];

function bulwarkDiagnostic(uri: vscode.Uri, rule: string): vscode.Diagnostic | undefined {
  return vscode.languages
    .getDiagnostics(uri)
    .find((diagnostic) => diagnostic.source === 'bulwark' && typeof diagnostic.code === 'object' && diagnostic.code.value === `bulwark/${rule}`);
}

async function offered(relative: string, text: string, rule: string): Promise<{ document: vscode.TextDocument; actions: vscode.CodeAction[] }> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(writeWorkspaceFile(relative, text)));
  await vscode.window.showTextDocument(document);
  const diagnostic = await waitFor(() => bulwarkDiagnostic(document.uri, rule), `bulwark/${rule} on ${relative}`);
  return { document, actions: await actionsAt(document, diagnostic) };
}

async function fix(relative: string, text: string, rule: string, title: string): Promise<vscode.TextDocument> {
  const { document, actions } = await offered(relative, text, rule);
  const chosen = actions.find((action) => action.title === title);
  assert.ok(chosen, `"${title}" not offered; got ${actions.map((action) => action.title).join(' | ')}`);
  if (chosen.edit) assert.ok(await vscode.workspace.applyEdit(chosen.edit), `could not apply "${title}"`);
  if (chosen.command) await vscode.commands.executeCommand(chosen.command.command, ...(chosen.command.arguments ?? []));
  await document.save();
  await vscode.workspace.saveAll(false);
  return document;
}

function assertCompiles(): void {
  const result = typecheck();
  assert.ok(result.ok, result.output);
}

describe('quick fixes that never break the build', function () {
  this.timeout(180_000);
  before(async () => {
    await resetWorkspace(...FILES);
    await vscode.workspace.getConfiguration('bulwark').update('diagnostics', 'on', vscode.ConfigurationTarget.Workspace);
    writeWorkspaceFile(
      'src/types/p-retry.d.ts',
      "declare module 'p-retry' {\n  export default function pRetry<T>(fn: () => Promise<T>, options?: { retries?: number }): Promise<T>;\n}\n",
    );
  });
  after(async () => {
    await vscode.workspace.getConfiguration('bulwark').update('diagnostics', 'auto', vscode.ConfigurationTarget.Workspace);
    await resetWorkspace(...FILES);
  });

  it('"Wrap in retry()" beside a p-retry default import named retry: imports ours under a free name', async () => {
    const document = await fix(
      'src/safety/collide.ts',
      [
        "import retry from 'p-retry';",
        '',
        'export async function load(url: string): Promise<unknown> {',
        '  await retry(async () => 1, { retries: 2 });',
        '  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });',
        '  return response.json();',
        '}',
        '',
      ].join('\n'),
      'require-retry',
      'Wrap in retry()',
    );
    const text = document.getText();
    assert.match(text, /^import retry from 'p-retry';\nimport \{ retry as bulwarkRetry \} from '\.\.\/patterns\/retry\.js';\n/);
    assert.match(text, /await bulwarkRetry\(\(\) => fetch\(url/);
    assertCompiles();
  });

  it('"Limit concurrency" on a mapper that reads map\'s index and array: the array is passed on', async () => {
    const document = await fix(
      'src/safety/fanout.ts',
      [
        'export async function pages(users: string[]): Promise<Response[]> {',
        '  return Promise.all(users.map(async (u, i, list) => fetch(`/users/${u}?n=${i + 1}&of=${list.length}`, { signal: AbortSignal.timeout(1000) })));',
        '}',
        '',
      ].join('\n'),
      'no-unbounded-concurrency',
      'Limit concurrency',
    );
    assert.match(document.getText(), /mapWithConcurrency\(users, 8, \(item, index\) => \(async \(u, i, list\) => .*\)\(item, index, users\)\)/);
    assertCompiles();
  });

  it('an .mts file under nodenext, in a package without "type": the import ends in .js', async () => {
    const manifestPath = workspacePath('package.json');
    const manifest = fs.readFileSync(manifestPath, 'utf8');
    const withoutType = JSON.parse(manifest) as Record<string, unknown>;
    delete withoutType['type'];
    fs.writeFileSync(manifestPath, JSON.stringify(withoutType, null, 2));
    try {
      const document = await fix(
        'src/safety/module.mts',
        'export async function load(url: string): Promise<unknown> {\n  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });\n  return response.json();\n}\n',
        'require-retry',
        'Wrap in retry()',
      );
      assert.match(document.getText(), /^import \{ retry \} from '\.\.\/patterns\/retry\.js';$/m);
      assertCompiles();
    } finally {
      fs.writeFileSync(manifestPath, manifest);
    }
  });

  it("CRLF with 'use server': the directive stays first and the import gets its own CRLF line", async () => {
    const document = await fix(
      'src/safety/action.ts',
      [
        "'use server';",
        "import type { RetryOptions } from '../patterns/retry.js';",
        '',
        'export const options: RetryOptions = {};',
        'export async function act(url: string): Promise<number> {',
        '  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });',
        '  return response.status;',
        '}',
        '',
      ].join('\r\n'),
      'require-retry',
      'Wrap in retry()',
    );
    const text = document.getText();
    assert.ok(
      text.startsWith("'use server';\r\nimport type { RetryOptions } from '../patterns/retry.js';\r\nimport { retry } from '../patterns/retry.js';\r\n\r\n"),
      JSON.stringify(text.slice(0, 160)),
    );
    assert.ok(!/[^\r]\n/.test(text), 'a bare LF in a CRLF file');
    assertCompiles();
  });

  it('a .js file: no fix that needs a TypeScript pattern is offered, and the fixes it gets leave it running under node', async () => {
    const source = 'export async function load(url) {\n  const response = await fetch(url);\n  return response.status;\n}\n';
    const { actions } = await offered('src/safety/plain.js', source, 'require-retry');
    const titles = actions.map((action) => action.title);
    assert.ok(!titles.includes('Wrap in retry()'), titles.join(' | '));
    const document = await fix('src/safety/plain.js', source, 'require-request-timeout', 'Add a timeout');
    assert.match(document.getText(), /AbortSignal\.timeout\(/);
    assert.doesNotMatch(document.getText(), /patterns/);
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(workspacePath('src', 'safety', 'plain.js'))});`], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
  });
});
