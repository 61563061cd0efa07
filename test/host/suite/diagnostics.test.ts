// Bulwark's own diagnostics for every rule, each with its documentation at hand, and the `auto`
// mode standing aside when the ESLint extension reports bulwark/* for a file itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { actionsAt, repoRoot, resetWorkspace, waitFor, writeWorkspaceFile } from './workspace';

const RULES_DOCS = path.join(repoRoot, 'eslint-plugin', 'docs', 'rules');
const FOLDER = 'src/diagnostics-probe';

const bulwarkDiagnostics = (uri: vscode.Uri, rule?: string) =>
  vscode.languages
    .getDiagnostics(uri)
    .filter(
      (diagnostic) =>
        diagnostic.source === 'bulwark' && typeof diagnostic.code === 'object' && (rule === undefined || diagnostic.code.value === `bulwark/${rule}`),
    );

/** The first ❌ example of a rule's docs page: code the rule reports under its recommended options. */
function incorrectExample(rule: string): string {
  const page = fs.readFileSync(path.join(RULES_DOCS, `${rule}.md`), 'utf8');
  const match = /❌[^\n]*\n+```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/.exec(page);
  assert.ok(match, `${rule}.md has a ❌ example`);
  return match[1]!;
}

async function open(relative: string, text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(writeWorkspaceFile(relative, text)));
  await vscode.window.showTextDocument(document);
  return document;
}

describe('Bulwark diagnostics', function () {
  before(() => resetWorkspace(FOLDER));
  after(() => resetWorkspace(FOLDER));

  const rules = fs
    .readdirSync(RULES_DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.replace(/\.md$/, ''))
    .sort();

  it('covers every rule of the plugin', () => assert.equal(rules.length, 12));

  for (const rule of rules) {
    it(`bulwark/${rule}: reported on its docs' ❌ example, with "Show documentation" opening its docs page`, async () => {
      const document = await open(`${FOLDER}/${rule}.ts`, incorrectExample(rule));
      const diagnostic = await waitFor(() => bulwarkDiagnostics(document.uri, rule)[0], `bulwark/${rule}`);
      const target = typeof diagnostic.code === 'object' ? diagnostic.code.target.toString() : '';
      assert.match(target, new RegExp(`/eslint-plugin/docs/rules/${rule}\\.md$`));
      const actions = await actionsAt(document, diagnostic);
      const docs = actions.find((action) => action.title === `Show documentation for bulwark/${rule}`);
      assert.ok(docs, `no "Show documentation"; got ${actions.map((action) => action.title).join(' | ')}`);
      // `vscode.open`, which reaches callers of the provider as the workbench's own open command.
      assert.match(docs.command?.command ?? '', /^(vscode|_workbench)\.open$/);
      assert.equal(String(docs.command?.arguments?.[0]), target);
    });
  }

  it('auto: stands aside for a file the ESLint extension reports bulwark/* for, and stays on elsewhere', async () => {
    await vscode.workspace.getConfiguration('bulwark').update('diagnostics', 'auto', vscode.ConfigurationTarget.Workspace);
    const eslint = vscode.languages.createDiagnosticCollection('eslint');
    try {
      const covered = await open(`${FOLDER}/auto-eslint.ts`, 'export const load = (url: string) => fetch(url);\n');
      const alone = await open(`${FOLDER}/auto-alone.ts`, 'export const load = (url: string) => fetch(url);\n');
      const ours = await waitFor(() => bulwarkDiagnostics(covered.uri, 'require-request-timeout')[0], 'Bulwark’s own diagnostic');
      await waitFor(() => bulwarkDiagnostics(alone.uri, 'require-request-timeout')[0], 'Bulwark’s own diagnostic on the other file');

      const fromEslint = new vscode.Diagnostic(ours.range, ours.message, vscode.DiagnosticSeverity.Error);
      fromEslint.source = 'eslint';
      fromEslint.code = { value: 'bulwark/require-request-timeout', target: vscode.Uri.parse('https://example.com/docs') };
      eslint.set(covered.uri, [fromEslint]);
      await waitFor(() => (bulwarkDiagnostics(covered.uri).length === 0 ? true : undefined), 'Bulwark to stand aside');
      assert.equal(vscode.languages.getDiagnostics(covered.uri).filter((diagnostic) => diagnostic.source === 'eslint').length, 1, 'ESLint’s diagnostic stays');
      assert.ok(bulwarkDiagnostics(alone.uri, 'require-request-timeout').length > 0, 'a file ESLint does not report keeps Bulwark’s');
    } finally {
      eslint.dispose();
      await vscode.workspace.getConfiguration('bulwark').update('diagnostics', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
