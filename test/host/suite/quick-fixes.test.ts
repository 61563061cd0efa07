// Every quick fix, in the real host, on real files: request code actions at the diagnostic,
// apply the fix, save, and check the text, the pattern files it created, and that tsc passes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { actionsAt, resetWorkspace, runtimeSource, typecheck, waitFor, workspacePath, writeWorkspaceFile } from './workspace';

const FILES = [
  'src/patterns',
  'src/qf-retry.ts',
  'src/qf-timeout.ts',
  'src/qf-fanout.ts',
  'src/qf-swallow.ts',
  'src/qf-truthy.ts',
  'src/qf-loop.ts',
  'src/qf-keys.ts',
  'src/qf-eslint.ts',
  'src/qf-thread.ts',
];

async function setMode(mode: 'auto' | 'on' | 'off'): Promise<void> {
  await vscode.workspace.getConfiguration('bulwark').update('diagnostics', mode, vscode.ConfigurationTarget.Workspace);
}

function bulwarkDiagnostic(uri: vscode.Uri, rule: string, source = 'bulwark'): vscode.Diagnostic | undefined {
  return vscode.languages
    .getDiagnostics(uri)
    .find((diagnostic) => diagnostic.source === source && typeof diagnostic.code === 'object' && diagnostic.code.value === `bulwark/${rule}`);
}

async function open(relative: string, text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(writeWorkspaceFile(relative, text)));
  await vscode.window.showTextDocument(document);
  return document;
}

/** Applies a code action the way the light bulb does: its edit, then its command. */
async function apply(action: vscode.CodeAction, document: vscode.TextDocument): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `could not apply "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  await document.save();
  await vscode.workspace.saveAll(false);
}

async function fix(relative: string, text: string, rule: string, title: string): Promise<{ document: vscode.TextDocument; actions: vscode.CodeAction[] }> {
  const document = await open(relative, text);
  const diagnostic = await waitFor(() => bulwarkDiagnostic(document.uri, rule), `bulwark/${rule} on ${relative}`);
  const actions = await actionsAt(document, diagnostic);
  const chosen = actions.find((action) => action.title === title);
  assert.ok(chosen, `"${title}" not offered; got ${actions.map((action) => action.title).join(' | ')}`);
  assert.ok(actions.some((action) => action.title === `Show documentation for bulwark/${rule}`));
  await apply(chosen, document);
  return { document, actions };
}

const patternFile = (relative: string) => workspacePath('src', 'patterns', relative);

describe('quick fixes', function () {
  this.timeout(120_000);
  before(async () => {
    await resetWorkspace(...FILES);
    await setMode('on');
  });
  after(async () => {
    await setMode('auto');
    await resetWorkspace(...FILES);
  });

  it('require-retry: "Wrap in retry()" inserts the pattern, imports it and wraps the call', async () => {
    const { document, actions } = await fix(
      'src/qf-retry.ts',
      'export async function load(url: string): Promise<unknown> {\n  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });\n  return response.json();\n}\n',
      'require-retry',
      'Wrap in retry()',
    );
    assert.ok(actions.find((action) => action.title === 'Wrap in retry()')?.isPreferred);
    assert.equal(
      document.getText(),
      "import { retry } from './patterns/retry.js';\n\nexport async function load(url: string): Promise<unknown> {\n  const response = await retry(() => fetch(url, { signal: AbortSignal.timeout(5000) }));\n  return response.json();\n}\n",
    );
    assert.equal(fs.readFileSync(patternFile('retry.ts'), 'utf8').split('\n').slice(1).join('\n'), runtimeSource('retry'));
    assert.ok(fs.existsSync(patternFile('log.ts')));
  });

  it('require-request-timeout: "Add a timeout" uses bulwark.timeoutMs', async () => {
    await vscode.workspace.getConfiguration('bulwark').update('timeoutMs', 2500, vscode.ConfigurationTarget.Workspace);
    try {
      const { document } = await fix(
        'src/qf-timeout.ts',
        "import { retry } from './patterns/retry.js';\nexport async function ping(url: string): Promise<number> {\n  const response = await retry(() => fetch(url));\n  return response.status;\n}\n",
        'require-request-timeout',
        'Add a timeout',
      );
      assert.match(document.getText(), /fetch\(url, \{ signal: AbortSignal\.timeout\(2500\) \}\)/);
    } finally {
      await vscode.workspace.getConfiguration('bulwark').update('timeoutMs', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('no-unbounded-concurrency: "Limit concurrency" rewrites to mapWithConcurrency', async () => {
    const { document } = await fix(
      'src/qf-fanout.ts',
      "import { retry } from './patterns/retry.js';\nexport async function loadAll(urls: string[]): Promise<Response[]> {\n  return Promise.all(urls.map((url) => retry(() => fetch(url, { signal: AbortSignal.timeout(1000) }))));\n}\n",
      'no-unbounded-concurrency',
      'Limit concurrency',
    );
    assert.match(document.getText(), /^import \{ mapWithConcurrency \} from '\.\/patterns\/concurrency\.js';$/m);
    assert.match(document.getText(), /return mapWithConcurrency\(urls, 8, \(url\) => retry\(/);
    assert.equal(fs.readFileSync(patternFile('concurrency.ts'), 'utf8').split('\n').slice(1).join('\n'), runtimeSource('concurrency'));
  });

  it('no-swallowed-error: "Rethrow the error"', async () => {
    const { document } = await fix(
      'src/qf-swallow.ts',
      // A catch that logs without the error (a fallback value is not reported any more).
      "export function save(write: () => void): void {\n  try {\n    write();\n  } catch (error) {\n    console.log('save failed');\n  }\n}\n",
      'no-swallowed-error',
      'Rethrow the error',
    );
    assert.match(document.getText(), /throw error;/);
  });

  it('no-truthy-cache-check: "Compare with null/undefined"', async () => {
    const { document } = await fix(
      'src/qf-truthy.ts',
      [
        'interface Store { get(key: string): Promise<number | undefined>; set(key: string, value: number): Promise<void> }',
        'export async function count(cache: Store, key: string, load: () => Promise<number>): Promise<number> {',
        '  const hit = await cache.get(key);',
        '  if (hit) return hit;',
        '  const fresh = await load();',
        '  await cache.set(key, fresh);',
        '  return fresh;',
        '}',
        '',
      ].join('\n'),
      'no-truthy-cache-check',
      'Compare with null/undefined',
    );
    // Without type information `hit` may be null (a Redis miss), so the fix keeps both out.
    assert.match(document.getText(), /if \(hit != null\) return hit;/);
  });

  it('no-hand-rolled-retry: "Insert the retry pattern" writes it and opens it beside', async () => {
    fs.rmSync(workspacePath('src', 'patterns', 'retry.ts'), { force: true });
    await fix(
      'src/qf-loop.ts',
      [
        'export async function load(url: string): Promise<Response> {',
        '  for (let attempt = 0; attempt < 3; attempt++) {',
        '    try {',
        '      return await fetch(url, { signal: AbortSignal.timeout(1000) });',
        '    } catch {',
        '      // try again',
        '    }',
        '  }',
        "  throw new Error('unreachable');",
        '}',
        '',
      ].join('\n'),
      'no-hand-rolled-retry',
      'Insert the retry pattern',
    );
    assert.ok(fs.existsSync(patternFile('retry.ts')));
    const visible = vscode.window.visibleTextEditors.map((editor) => editor.document.uri.fsPath);
    assert.ok(visible.includes(patternFile('retry.ts')), `retry.ts is not open (${visible.join(', ')})`);
  });

  it('no-redis-keys: "Insert the cache pattern" writes the Redis cache store and its dependencies', async () => {
    await fix(
      'src/qf-keys.ts',
      "interface RedisLike { keys(pattern: string): Promise<string[]> }\nexport async function sessions(redis: RedisLike): Promise<string[]> {\n  return redis.keys('session:*');\n}\n",
      'no-redis-keys',
      'Insert the cache pattern',
    );
    for (const relative of ['cache/redis.ts', 'cache.ts', 'log.ts']) assert.ok(fs.existsSync(patternFile(relative)), relative);
  });

  it('imports through the tsconfig alias that bulwark.importStyle names', async () => {
    const tsconfigPath = workspacePath('tsconfig.json');
    const original = fs.readFileSync(tsconfigPath, 'utf8');
    const config = JSON.parse(original) as { compilerOptions: Record<string, unknown> };
    config.compilerOptions['paths'] = { '@/*': ['./src/*'] };
    fs.writeFileSync(tsconfigPath, JSON.stringify(config, null, 2));
    await vscode.workspace.getConfiguration('bulwark').update('importStyle', '@/', vscode.ConfigurationTarget.Workspace);
    try {
      const { document } = await fix(
        'src/qf-alias.ts',
        "export async function head(url: string): Promise<number> {\n  const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(1000) });\n  return response.status;\n}\n",
        'require-retry',
        'Wrap in retry()',
      );
      assert.match(document.getText(), /^import \{ retry \} from '@\/patterns\/retry\.js';$/m);
    } finally {
      await vscode.workspace.getConfiguration('bulwark').update('importStyle', undefined, vscode.ConfigurationTarget.Workspace);
      fs.writeFileSync(tsconfigPath, original);
      await resetWorkspace('src/qf-alias.ts');
    }
  });

  it('lints on its own thread: the extension host, which every extension shares, never loads the linter', async () => {
    const document = await open('src/qf-thread.ts', 'export const load = (url: string) => fetch(url);\n');
    await waitFor(() => bulwarkDiagnostic(document.uri, 'require-request-timeout'), 'a diagnostic from the linter');
    const loaded = Object.keys(require.cache).filter((file) => /[\\/]dist[\\/]linter(-worker)?\.js$/.test(file));
    assert.deepEqual(loaded, []);
    assert.ok(
      Object.keys(require.cache).some((file) => /[\\/]dist[\\/]extension\.js$/.test(file)),
      'the check looks at the module cache the extension itself is in',
    );
  });

  it('leaves the workspace compiling with tsc --noEmit', () => {
    const result = typecheck();
    assert.ok(result.ok, result.output);
  });

  it('works on ESLint-sourced diagnostics with bulwark.diagnostics off, and one undo restores every file', async () => {
    await setMode('off');
    // Pattern files at paths no earlier test has touched, so their undo history is this fix's alone.
    await vscode.workspace.getConfiguration('bulwark').update('patternsDir', 'src/undo-patterns', vscode.ConfigurationTarget.Workspace);
    const patternFile = (relative: string) => workspacePath('src', 'undo-patterns', relative);
    const original = 'export async function load(url: string): Promise<Response> {\n  return fetch(url, { signal: AbortSignal.timeout(5000) });\n}\n';
    const document = await open('src/qf-eslint.ts', original);
    await waitFor(() => (bulwarkDiagnostic(document.uri, 'require-retry') ? undefined : true), 'bulwark diagnostics to clear');
    const eslint = vscode.languages.createDiagnosticCollection('eslint-test');
    try {
      const start = document.getText().indexOf('fetch');
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(document.positionAt(start), document.positionAt(start + 5)),
        'GET without retry',
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'eslint';
      diagnostic.code = { value: 'bulwark/require-retry', target: vscode.Uri.parse('https://example.invalid/require-retry') };
      eslint.set(document.uri, [diagnostic]);
      const actions = await actionsAt(document, diagnostic);
      const wrap = actions.find((action) => action.title === 'Wrap in retry()');
      assert.ok(wrap, actions.map((action) => action.title).join(' | '));
      // Applied the way the light bulb does, saving only what the fix saves (no saveAll: saving the
      // fixed file would close its undo group in some hosts).
      assert.ok(await vscode.workspace.applyEdit(wrap.edit!));
      if (wrap.command) await vscode.commands.executeCommand(wrap.command.command, ...(wrap.command.arguments ?? []));
      assert.match(document.getText(), /return retry\(\(\) => fetch\(url/);
      assert.ok(fs.existsSync(patternFile('retry.ts')));

      // One undo in the fixed file reverts the whole fix: its text and the pattern files it created.
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('undo');
      await waitFor(
        () => (document.getText() === original && !fs.existsSync(patternFile('retry.ts')) ? true : undefined),
        'undo to restore the file and remove the pattern files',
      ).catch((error: Error) => {
        throw new Error(`${error.message} (text restored: ${document.getText() === original}, retry.ts exists: ${fs.existsSync(patternFile('retry.ts'))})`);
      });
      assert.ok(!fs.existsSync(patternFile('log.ts')), 'undo left log.ts behind');
    } finally {
      eslint.dispose();
      await vscode.workspace.getConfiguration('bulwark').update('patternsDir', undefined, vscode.ConfigurationTarget.Workspace);
      await resetWorkspace('src/undo-patterns');
    }
  });
});
