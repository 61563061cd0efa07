// The prompts "Insert Pattern" raises, answered the way a user would: the Replace / Keep mine choice
// for an existing copy that differs, and the offer to install the npm packages a pattern needs.
// The window functions are replaced for the test: the extension and its tests share one API object.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { resetWorkspace, runtimeSource, setDependencies, workspacePath, writeWorkspaceFile } from './workspace';

interface InsertResult {
  ok: boolean;
  error?: string;
  differs?: string[];
  missingPackages?: string[];
}

const insert = (args: unknown) => vscode.commands.executeCommand<InsertResult>('bulwark.insertPattern', args);
type Window = { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
const window = vscode.window as Window;

async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(probe(), `timed out waiting for ${what}`);
}

describe('bulwark.insertPattern prompts', () => {
  const original = {
    showWarningMessage: window.showWarningMessage,
    showInformationMessage: window.showInformationMessage,
    createTerminal: window.createTerminal,
    showQuickPick: window.showQuickPick,
  };
  const asked: string[] = [];
  const answer = (reply: string | undefined) =>
    ((message: string) => {
      asked.push(message);
      return Promise.resolve(reply);
    }) as unknown as typeof vscode.window.showWarningMessage;

  beforeEach(async () => {
    asked.length = 0;
    await resetWorkspace('src/patterns', 'pnpm-lock.yaml');
  });
  afterEach(async () => {
    Object.assign(window, original);
    setDependencies({});
    await resetWorkspace('src/patterns', 'pnpm-lock.yaml');
  });

  for (const [choice, keeps] of [
    ['Replace', false],
    ['Keep mine', true],
  ] as const) {
    it(`"${choice}" on a copy that differs ${keeps ? 'keeps the user’s file' : 'writes the catalog version'}`, async () => {
      const mine = `${runtimeSource('log')}\nexport const mine = true;\n`;
      writeWorkspaceFile('src/patterns/log.ts', mine);
      window.showWarningMessage = answer(choice);
      const result = await insert({ pattern: 'log' });
      assert.deepEqual(result?.differs, ['log.ts'], result?.error);
      await until(() => asked.some((message) => message.includes('log.ts already exists and differs')), 'the Replace / Keep mine question');
      const logPath = workspacePath('src', 'patterns', 'log.ts');
      if (keeps) {
        // The answer is in; give a wrong Replace the time it would take to land, then check nothing did.
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(fs.readFileSync(logPath, 'utf8'), mine);
        assert.ok(
          vscode.workspace.textDocuments.every((document) => document.uri.fsPath !== logPath || !document.isDirty),
          'no pending edit either',
        );
      } else {
        // On disk, saved: Replace is the user's explicit choice.
        await until(() => fs.readFileSync(logPath, 'utf8').split('\n').slice(1).join('\n') === runtimeSource('log'), 'the catalog version saved to log.ts');
        await until(
          () => vscode.workspace.textDocuments.every((document) => document.uri.fsPath !== logPath || !document.isDirty),
          'log.ts saved in the editor',
        );
      }
    });
  }

  it('offers to install the packages the pattern needs with the lockfile’s package manager, in a terminal', async () => {
    setDependencies({});
    writeWorkspaceFile('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
    const sent: string[] = [];
    window.showInformationMessage = answer('Install') as unknown as typeof vscode.window.showInformationMessage;
    window.createTerminal = (() => ({
      show: () => undefined,
      sendText: (text: string) => sent.push(text),
      dispose: () => undefined,
    })) as unknown as typeof vscode.window.createTerminal;
    const result = await insert({ pattern: 'cache/redis' });
    assert.equal(result?.ok, true, result?.error);
    assert.ok(result?.missingPackages?.includes('ioredis'), `missing: ${result?.missingPackages?.join(', ')}`);
    await until(() => sent.length > 0, 'the install command in the terminal');
    assert.match(asked.find((message) => message.includes('Install with')) ?? '', /ioredis.*Install with pnpm\?/);
    assert.match(sent[0] ?? '', /^pnpm add (\S+ )*ioredis\b/);
  });

  describe('a project that depends on several frameworks', () => {
    let titles: string[];
    const pick = (label: string | undefined) =>
      ((items: readonly vscode.QuickPickItem[], options?: vscode.QuickPickOptions) => {
        titles.push(`${options?.title}: ${items.map((item) => item.label).join(', ')}`);
        return Promise.resolve(items.find((item) => item.label === label));
      }) as unknown as typeof vscode.window.showQuickPick;
    beforeEach(() => {
      titles = [];
      setDependencies({ express: '^5.0.0', hono: '^4.0.0' });
    });

    it('asks which framework, and inserts the adapter picked', async () => {
      window.showQuickPick = pick('hono');
      const result = await insert({ pattern: 'middleware' });
      assert.equal(result?.ok, true, result?.error);
      assert.deepEqual(titles, ['Bulwark: middleware for which framework?: express, fastify, hono, none']);
      assert.ok(fs.existsSync(workspacePath('src', 'patterns', 'middleware', 'hono.ts')));
      assert.ok(!fs.existsSync(workspacePath('src', 'patterns', 'middleware', 'express.ts')));
    });

    it('writes nothing when the question is dismissed', async () => {
      window.showQuickPick = pick(undefined);
      assert.equal(await insert({ pattern: 'middleware' }), undefined);
      assert.equal(titles.length, 1);
      assert.ok(!fs.existsSync(workspacePath('src', 'patterns')));
    });
  });
});
