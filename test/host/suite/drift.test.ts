// The shared table of drifted behaviours (test/shared/drift-cases.ts) through the real extension:
// the same cases `bulwark` passes in test/front-ends/drift.test.ts, on the same catalog.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CURRENT, DRIFT_CASES } from '../../shared/drift-cases';
import { resetWorkspace, workspacePath, writeWorkspaceFile } from './workspace';

type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
const window = vscode.window as Window;

interface InsertResult {
  ok: boolean;
  error?: string;
  created?: string[];
  identical?: string[];
  updated?: string[];
  differs?: string[];
}

describe('issue 13 drift table: the extension in VS Code', () => {
  const original = {
    showWarningMessage: window.showWarningMessage,
    showQuickPick: window.showQuickPick,
    showErrorMessage: window.showErrorMessage,
    showInformationMessage: window.showInformationMessage,
  };
  const asked: string[] = [];
  const errors: string[] = [];
  let catalogFolder: string;
  const previousCatalog = process.env['BULWARK_CATALOG'];

  before(() => {
    catalogFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'bulwark-drift-'));
    const catalogPath = path.join(catalogFolder, 'catalog.json');
    fs.writeFileSync(catalogPath, JSON.stringify(CURRENT));
    process.env['BULWARK_CATALOG'] = catalogPath;
  });
  beforeEach(() => {
    asked.length = 0;
    errors.length = 0;
    const record = (kind: string) =>
      ((message: string) => {
        if (kind === 'error') errors.push(message);
        else if (kind !== 'info') asked.push(message);
        return Promise.resolve(undefined);
      }) as unknown as typeof vscode.window.showWarningMessage;
    window.showWarningMessage = record('question');
    window.showErrorMessage = record('error');
    window.showInformationMessage = record('info');
    window.showQuickPick = ((items: unknown, options?: vscode.QuickPickOptions) => {
      asked.push(`pick: ${options?.title}`);
      return Promise.resolve(undefined);
    }) as unknown as typeof vscode.window.showQuickPick;
  });
  afterEach(() => Object.assign(window, original));
  after(async () => {
    if (previousCatalog === undefined) delete process.env['BULWARK_CATALOG'];
    else process.env['BULWARK_CATALOG'] = previousCatalog;
    fs.rmSync(catalogFolder, { recursive: true, force: true });
    await resetWorkspace('src/drift');
  });

  DRIFT_CASES.forEach((testCase, index) => {
    it(testCase.name, async () => {
      const dir = `src/drift/case-${index + 1}`;
      await resetWorkspace(dir);
      for (const [file, text] of Object.entries(testCase.files)) writeWorkspaceFile(`${dir}/${file}`, text);
      const read = (file: string) => fs.readFileSync(workspacePath(dir, file), 'utf8');
      const before = Object.fromEntries((testCase.untouched ?? []).map((file) => [file, read(file)]));

      for (const [run, expected] of testCase.runs.entries()) {
        let outcome: Record<string, string> | { error: string };
        const command = testCase.command;
        if (command.kind === 'add') {
          const result = await vscode.commands.executeCommand<InsertResult>('bulwark.insertPattern', { pattern: command.pattern, dir });
          if (!result?.ok) {
            outcome = { error: (result?.error ?? 'cancelled').replace(/^Bulwark: /, '') };
            assert.deepEqual(errors, [result?.error], 'the error is shown once, named once');
            assert.ok(!result?.error?.startsWith('Bulwark: Bulwark:'));
          } else {
            const verdicts: Array<[keyof InsertResult, string]> = [
              ['created', 'create'],
              ['identical', 'identical'],
              ['updated', 'update'],
              ['differs', 'edited'],
            ];
            outcome = Object.fromEntries(verdicts.flatMap(([key, verdict]) => ((result[key] as string[] | undefined) ?? []).map((file) => [file, verdict])));
          }
        } else if (command.kind === 'update') {
          const outcomes = await vscode.commands.executeCommand<Array<{ path: string; outcome: string }>>('bulwark.updatePatterns', { preview: false, dir });
          outcome = Object.fromEntries((outcomes ?? []).map((o) => [o.path, o.outcome]));
        } else {
          const states = await vscode.commands.executeCommand<Array<{ path: string; state: string }>>('bulwark.checkPatterns', { show: false, dir });
          outcome = Object.fromEntries((states ?? []).map((s) => [s.path, s.state]));
        }
        assert.deepEqual(sortKeys(outcome), sortKeys(expected), `run ${run + 1}`);
      }
      for (const file of testCase.untouched ?? []) assert.equal(read(file), before[file], `${file} is left as it was`);
      if (testCase.asks === false) {
        // The Replace / Keep mine offer is not awaited by the command: give it time to appear.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.deepEqual(asked, []);
      }
      await resetWorkspace(dir);
    });
  });
});

function sortKeys<T extends object>(outcome: T): T {
  return Object.fromEntries(Object.entries(outcome).sort(([a], [b]) => a.localeCompare(b))) as T;
}
