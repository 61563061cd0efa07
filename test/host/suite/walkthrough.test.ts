// The "Get started with Bulwark" walkthrough: every step completes on a command the extension
// really registers, its page ships, and the quick fix step opens a sample that Bulwark flags.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from './workspace';

interface Step {
  id: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

interface Manifest {
  publisher: string;
  name: string;
  contributes: { walkthroughs: Array<{ id: string; steps: Step[] }> };
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const extensionId = `${manifest.publisher}.${manifest.name}`;

async function setMode(mode: 'auto' | 'on' | 'off'): Promise<void> {
  await vscode.workspace.getConfiguration('bulwark').update('diagnostics', mode, vscode.ConfigurationTarget.Workspace);
}

async function closeSample(): Promise<void> {
  // The sample is an unsaved document: revert it so closing never prompts.
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document.uri.scheme !== 'untitled') continue;
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('walkthrough', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;

  it('has the three steps: insert a pattern, add the ESLint rules, try a quick fix', () => {
    assert.deepEqual(
      walkthrough?.steps.map((step) => step.id),
      ['insertPattern', 'addEslintRules', 'tryQuickFix'],
    );
  });

  it('completes each step on a registered command that its own button runs', async () => {
    await vscode.extensions.getExtension(extensionId)?.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough?.steps ?? []) {
      const [event] = step.completionEvents;
      const command = event?.replace(/^onCommand:/, '') ?? '';
      assert.ok(registered.has(command), `${step.id}: ${command} is not a registered command`);
      assert.ok(step.description.includes(`(command:${command})`), `${step.id}: its description has no button for ${command}`);
    }
  });

  it('has a markdown page for every step, beside the installed extension', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    for (const step of walkthrough?.steps ?? []) {
      assert.ok(step.media.markdown, `${step.id} has no markdown page`);
      const page = fs.readFileSync(path.join(extension.extensionPath, step.media.markdown), 'utf8');
      assert.match(page, /^# \S/, `${step.media.markdown} does not start with a heading`);
    }
  });

  it('opens in the Welcome editor', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${walkthrough?.id}`, false);
    const labels = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
    assert.ok(
      labels.some((label) => /welcome/i.test(label)),
      `open tabs: ${labels.join(', ')}`,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('bulwark.tryQuickFix', function () {
    this.timeout(60_000);
    afterEach(closeSample);
    after(() => setMode('auto'));

    it('opens an unsaved TypeScript sample that Bulwark flags, with "Add a timeout" at the cursor (under the default rule set too)', async () => {
      await setMode('auto');
      // The sandbox lints with every rule; a user has `recommended`, which leaves the sample's rule off.
      const bulwark = vscode.workspace.getConfiguration('bulwark');
      const ruleSet = bulwark.inspect('ruleSet')?.globalValue;
      await bulwark.update('ruleSet', 'recommended', vscode.ConfigurationTarget.Global);
      try {
        const result = await vscode.commands.executeCommand<{ uri: string; menuOpened: boolean }>('bulwark.tryQuickFix');
        assert.equal(result?.menuOpened, true);
        const editor = vscode.window.activeTextEditor;
        assert.ok(editor);
        assert.equal(editor.document.uri.toString(), result.uri);
        assert.equal(editor.document.uri.scheme, 'untitled');
        assert.equal(editor.document.languageId, 'typescript');
        const diagnostic = vscode.languages
          .getDiagnostics(editor.document.uri)
          .find((candidate) => typeof candidate.code === 'object' && candidate.code.value === 'bulwark/require-request-timeout');
        assert.ok(diagnostic, 'no bulwark/require-request-timeout diagnostic on the sample');
        assert.ok(diagnostic.range.contains(editor.selection.active), 'the cursor is not on the flagged call');

        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          editor.document.uri,
          diagnostic.range,
          vscode.CodeActionKind.QuickFix.value,
        );
        const timeout = actions.find((action) => action.title === 'Add a timeout');
        assert.ok(timeout?.edit, `no "Add a timeout"; got ${actions.map((action) => action.title).join(' | ')}`);
        assert.ok(await vscode.workspace.applyEdit(timeout.edit));
        assert.match(editor.document.getText(), /fetch\(`https:\/\/api\.example\.com\/users\/\$\{id\}`, \{ signal: AbortSignal\.timeout\(10000\) \}\)/);
      } finally {
        await bulwark.update('ruleSet', ruleSet, vscode.ConfigurationTarget.Global);
      }
    });

    it('says so, and opens no menu, when Bulwark diagnostics are off', async () => {
      await setMode('off');
      const result = await vscode.commands.executeCommand<{ uri: string; menuOpened: boolean }>('bulwark.tryQuickFix');
      assert.equal(result?.menuOpened, false);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), result?.uri);
    });
  });
});
