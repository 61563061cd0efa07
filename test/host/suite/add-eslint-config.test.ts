// "Bulwark: Add ESLint Rules to This Project", in the real host on real files: the configs it
// writes are loaded by the real ESLint CLI, which must then report bulwark/* rules.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { linkNodeModules, repoRoot, resetWorkspace, testWorkspace, workspacePath, writeWorkspaceFile } from './workspace';

interface AddEslintConfigResult {
  ok: boolean;
  error?: string;
  file?: string;
  action?: 'created' | 'updated' | 'unchanged';
  missingPackages?: string[];
  installCommands?: string[];
}

const CONFIG_FILES = [
  'eslint.config.mjs',
  'eslint.config.js',
  'eslint.config.cjs',
  'eslint.config.ts',
  '.eslintrc.json',
  'pnpm-lock.yaml',
  'src/eslint-probe.ts',
  'src/eslint-probe.js',
];

const addRules = (args: unknown = { install: false }) => vscode.commands.executeCommand<AddEslintConfigResult>('bulwark.addEslintConfig', args);
const read = (relative: string) => fs.readFileSync(workspacePath(relative), 'utf8');

/** Runs the real ESLint CLI in the workspace and returns the bulwark rules it reports for `file`. */
function eslintRules(file: string): string[] {
  linkNodeModules();
  const cli = path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const result = spawnSync(process.execPath, [cli, '--format', 'json', file], { cwd: testWorkspace(), encoding: 'utf8' });
  assert.ok(result.stdout.startsWith('['), `ESLint did not report JSON (exit ${result.status}): ${result.stdout}${result.stderr}`);
  const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string | null; fatal?: boolean; message: string }> }>;
  assert.ok(report);
  assert.deepEqual(
    report.messages.filter((message) => message.fatal),
    [],
  );
  return report.messages.flatMap((message) => (message.ruleId?.startsWith('bulwark/') ? [message.ruleId] : []));
}

/**
 * Writes a config behind the editor's back, as another tool would, and waits until a document
 * still open from an earlier test has reloaded it (VS Code does so on its file watcher's event).
 */
async function writeConfig(relative: string, text: string): Promise<string> {
  const file = writeWorkspaceFile(relative, text);
  const open = () => vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file);
  const until = Date.now() + 10_000;
  while (open() && open()?.getText() !== text) {
    if (Date.now() > until) throw new Error(`the open document of ${relative} never reloaded from disk`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return file;
}

// A finding of a rule in `recommended` (the rules below its precision target are in `all` only).
const REDIS_KEYS = "import { Redis } from 'ioredis';\nconst redis = new Redis();\nexport const sessions = () => redis.keys('session:*');\n";

describe('bulwark.addEslintConfig', function () {
  this.timeout(120_000);
  beforeEach(() => resetWorkspace(...CONFIG_FILES));
  after(() => resetWorkspace(...CONFIG_FILES));

  it('creates eslint.config.mjs in a TypeScript project, and ESLint then reports bulwark rules on .ts files', async () => {
    const result = await addRules();
    assert.equal(result?.ok, true, result?.error);
    assert.equal(result?.action, 'created');
    assert.equal(vscode.Uri.parse(result?.file ?? '').fsPath, workspacePath('eslint.config.mjs'));
    assert.match(read('eslint.config.mjs'), /parser: tsParser/);
    // The template project has no lockfile and none of these packages: npm, all three missing.
    assert.deepEqual(result?.missingPackages, ['eslint', 'eslint-plugin-bulwark', '@typescript-eslint/parser']);
    assert.deepEqual(result?.installCommands, ['npm install -D eslint eslint-plugin-bulwark @typescript-eslint/parser']);
    writeWorkspaceFile('src/eslint-probe.ts', REDIS_KEYS);
    assert.ok(eslintRules('src/eslint-probe.ts').includes('bulwark/no-redis-keys'));
  });

  it('run again, it says the config already has the rules and changes nothing', async () => {
    assert.equal((await addRules())?.action, 'created');
    const before = read('eslint.config.mjs');
    const again = await addRules();
    assert.equal(again?.ok, true, again?.error);
    assert.equal(again?.action, 'unchanged');
    assert.equal(read('eslint.config.mjs'), before);
  });

  it('adds the rules to an existing CommonJS config in its own style, saved for ESLint', async () => {
    await writeConfig('eslint.config.cjs', "const globals = require('globals')\n\nmodule.exports = [\n  { languageOptions: { globals: globals.node } },\n]\n");
    const result = await addRules();
    assert.equal(result?.ok, true, result?.error);
    assert.equal(result?.action, 'updated');
    assert.deepEqual(result?.missingPackages, ['eslint', 'eslint-plugin-bulwark']);
    assert.equal(
      read('eslint.config.cjs'),
      "const globals = require('globals')\nconst bulwark = require('eslint-plugin-bulwark').default\n\nmodule.exports = [\n  { languageOptions: { globals: globals.node } },\n  bulwark.configs.recommended,\n]\n",
    );
    writeWorkspaceFile('src/eslint-probe.js', REDIS_KEYS);
    assert.ok(eslintRules('src/eslint-probe.js').includes('bulwark/no-redis-keys'));
  });

  it('keeps unsaved edits of an open config document', async () => {
    const file = await writeConfig('eslint.config.js', 'export default [\n];\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(1, 0), "  { ignores: ['build/**'] },\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(document.isDirty);
    const result = await addRules();
    assert.equal(result?.action, 'updated', result?.error);
    assert.equal(
      read('eslint.config.js'),
      "import bulwark from 'eslint-plugin-bulwark';\n\nexport default [\n  { ignores: ['build/**'] },\n  bulwark.configs.recommended,\n];\n",
    );
    assert.equal(document.isDirty, false);
  });

  it('refuses a config it cannot edit safely, naming the file and the reason, and leaves it alone', async () => {
    const original = "import { makeConfig } from './tools/eslint.js';\nexport default makeConfig({ strict: true });\n";
    await writeConfig('eslint.config.mjs', original);
    const result = await addRules();
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /could not add the rules to eslint\.config\.mjs safely: it exports the result of `makeConfig\(…\)`/);
    assert.match(result?.error ?? '', /Nothing was changed\. Add them yourself: import bulwark from 'eslint-plugin-bulwark';/);
    assert.equal(read('eslint.config.mjs'), original);
  });

  it('does not create a flat config beside a legacy .eslintrc, and says how to migrate', async () => {
    writeWorkspaceFile('.eslintrc.json', '{ "root": true }\n');
    const result = await addRules();
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /\.eslintrc\.json, which ESLint 9 and later no longer read.*@eslint\/migrate-config/);
    assert.equal(fs.existsSync(workspacePath('eslint.config.mjs')), false);
  });

  it('offers the install with the package manager the lockfile shows', async () => {
    writeWorkspaceFile('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
    const result = await addRules();
    assert.deepEqual(result?.installCommands, ['pnpm add -D eslint eslint-plugin-bulwark @typescript-eslint/parser']);
  });

  it('rejects bad arguments and unknown folders with a clear message', async () => {
    assert.match((await addRules({ install: 'yes' }))?.error ?? '', /"install" must be true or false/);
    assert.match((await addRules({ folder: 'no-such-folder', install: false }))?.error ?? '', /no workspace folder "no-such-folder"; open folders: /);
    const byPath = await addRules({ folder: testWorkspace(), install: false });
    assert.equal(byPath?.action, 'created', byPath?.error);
  });
});
