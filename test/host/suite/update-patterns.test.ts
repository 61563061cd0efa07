// "Check Inserted Patterns" and "Update Inserted Patterns" on real copies in the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { resetWorkspace, runtimeSource, workspacePath, writeWorkspaceFile } from './workspace';

interface Summary {
  id: string;
  path: string;
  state: string;
}
interface Outcome {
  path: string;
  outcome: string;
}

describe('bulwark.checkPatterns / bulwark.updatePatterns', () => {
  before(() => resetWorkspace('src/patterns'));
  after(() => resetWorkspace('src/patterns'));

  // Three rounds: the copy is open in an editor while the test writes it on disk, and VS Code syncs
  // the editor at its own pace. An update planned from the disk before that sync was refused by VS
  // Code ("changed in the meantime") and reported as done; each round gives that race a chance.
  // Each round has its own folder: a document of a deleted and recreated folder can stay stale.
  for (let round = 1; round <= 3; round++) {
    const dir = `src/patterns-round-${round}`;
    it(`reports each copy’s state and updates without losing an edit, adding a missing dependency (round ${round})`, async () => {
      await resetWorkspace(dir);
      const inserted = await vscode.commands.executeCommand<{ ok: boolean }>('bulwark.insertPattern', { pattern: 'retry', dir });
      assert.equal(inserted?.ok, true);
      let states = await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false, dir });
      assert.deepEqual(states?.map((s) => `${s.path}:${s.state}`).sort(), ['log.ts:up-to-date', 'retry.ts:up-to-date']);

      const retryPath = workspacePath(dir, 'retry.ts');
      const edited = fs.readFileSync(retryPath, 'utf8').replace('export const MAX_TIMER_DELAY', '// tuned for our gateway\nexport const MAX_TIMER_DELAY');
      assert.notEqual(edited, fs.readFileSync(retryPath, 'utf8'), 'the edit applies');
      writeWorkspaceFile(`${dir}/retry.ts`, edited);
      fs.rmSync(workspacePath(dir, 'log.ts'));

      states = await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false, dir });
      assert.deepEqual(states?.map((s) => `${s.path}:${s.state}`).sort(), ['log.ts:missing', 'retry.ts:edited']);

      const outcomes = await vscode.commands.executeCommand<Outcome[]>('bulwark.updatePatterns', { preview: false, dir });
      // The edit has nothing new to merge with (same catalog): kept, not rewritten.
      assert.deepEqual(outcomes?.map((o) => `${o.path}:${o.outcome}`).sort(), ['log.ts:created', 'retry.ts:kept']);
      assert.equal(fs.readFileSync(retryPath, 'utf8'), edited, 'the user’s edit is kept');
      assert.equal(fs.readFileSync(workspacePath(dir, 'log.ts'), 'utf8').split('\n').slice(1).join('\n'), runtimeSource('log'));
      await resetWorkspace(dir);
    });
  }

  it('reads an open copy with unsaved changes as the user sees it, and keeps those changes', async () => {
    await resetWorkspace('src/patterns');
    const inserted = await vscode.commands.executeCommand<{ ok: boolean }>('bulwark.insertPattern', { pattern: 'retry' });
    assert.equal(inserted?.ok, true);
    const retryUri = vscode.Uri.file(workspacePath('src', 'patterns', 'retry.ts'));
    const document = await vscode.workspace.openTextDocument(retryUri);
    const anchor = document.getText().indexOf('export const MAX_TIMER_DELAY');
    assert.ok(anchor > 0, 'the anchor exists in retry.ts');
    const unsaved = new vscode.WorkspaceEdit();
    unsaved.insert(retryUri, document.positionAt(anchor), '// unsaved: tuned for our gateway\n');
    assert.equal(await vscode.workspace.applyEdit(unsaved), true);
    assert.equal(document.isDirty, true, 'the edit is unsaved');
    const seen = document.getText();

    const states = await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false });
    assert.deepEqual(states?.map((s) => `${s.path}:${s.state}`).sort(), ['log.ts:up-to-date', 'retry.ts:edited']);
    const onDisk = fs.readFileSync(retryUri.fsPath, 'utf8');
    const outcomes = await vscode.commands.executeCommand<Outcome[]>('bulwark.updatePatterns', { preview: false });
    // Nothing new to merge with: the copy is kept as the user has it, neither rewritten nor saved.
    assert.deepEqual(outcomes?.map((o) => `${o.path}:${o.outcome}`).sort(), ['log.ts:unchanged', 'retry.ts:kept']);
    assert.equal(document.getText(), seen, 'the unsaved change is still in the editor');
    // The update writes nothing. (VS Code itself may save a file a workspace edit changed,
    // files.refactoring.autoSave: the disk then holds the user's text, never a rewrite of it.)
    assert.ok([onDisk, seen].includes(fs.readFileSync(retryUri.fsPath, 'utf8')), 'the disk holds the inserted copy or the user’s text');
  });
});
