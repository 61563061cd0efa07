// "Check Inserted Patterns" and "Update Inserted Patterns" on real copies in the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { resetWorkspace, runtimeSource, workspacePath, writeWorkspaceFile } from './workspace';

interface Summary { id: string; path: string; state: string }
interface Outcome { path: string; outcome: string }

describe('bulwark.checkPatterns / bulwark.updatePatterns', () => {
  before(() => resetWorkspace('src/patterns'));
  after(() => resetWorkspace('src/patterns'));

  it('reports each copy’s state and updates without losing an edit, adding a missing dependency', async () => {
    const inserted = await vscode.commands.executeCommand<{ ok: boolean }>('bulwark.insertPattern', { pattern: 'retry' });
    assert.equal(inserted?.ok, true);
    let states = await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false });
    assert.deepEqual(states?.map((s) => `${s.path}:${s.state}`).sort(), ['log.ts:up-to-date', 'retry.ts:up-to-date']);

    const retryPath = workspacePath('src', 'patterns', 'retry.ts');
    const edited = fs.readFileSync(retryPath, 'utf8').replace('export const MAX_TIMER_DELAY', '// tuned for our gateway\nexport const MAX_TIMER_DELAY');
    assert.notEqual(edited, fs.readFileSync(retryPath, 'utf8'), 'the edit applies');
    writeWorkspaceFile('src/patterns/retry.ts', edited);
    fs.rmSync(workspacePath('src', 'patterns', 'log.ts'));

    states = await vscode.commands.executeCommand<Summary[]>('bulwark.checkPatterns', { show: false });
    assert.deepEqual(states?.map((s) => `${s.path}:${s.state}`).sort(), ['log.ts:missing', 'retry.ts:edited']);

    const outcomes = await vscode.commands.executeCommand<Outcome[]>('bulwark.updatePatterns', { preview: false });
    assert.deepEqual(outcomes?.map((o) => `${o.path}:${o.outcome}`).sort(), ['log.ts:created', 'retry.ts:merged']);
    assert.equal(fs.readFileSync(retryPath, 'utf8'), edited, 'the user’s edit is kept');
    assert.equal(fs.readFileSync(workspacePath('src', 'patterns', 'log.ts'), 'utf8').split('\n').slice(1).join('\n'), runtimeSource('log'));
  });
});
