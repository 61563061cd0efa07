// "Insert Pattern…" and the snippets, in a real extension host on real files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { resetWorkspace, runtimeSource, setDependencies, typecheck, workspacePath, writeWorkspaceFile } from './workspace';

interface InsertResult {
  ok: boolean;
  error?: string;
  created?: string[];
  identical?: string[];
  differs?: string[];
  missingPackages?: string[];
}

const insert = (args: unknown) => vscode.commands.executeCommand<InsertResult>('bulwark.insertPattern', args);
const PROVENANCE = /^\/\/ bulwark: (\S+)@\S+ sha256:[0-9a-f]{16} /;

function readPattern(relative: string): string {
  return fs.readFileSync(workspacePath('src', 'patterns', relative), 'utf8');
}

describe('bulwark.insertPattern', () => {
  beforeEach(() => resetWorkspace('src/patterns'));
  after(() => resetWorkspace('src/patterns', 'src/from-snippet.ts'));

  it('writes the pattern and every pattern it imports, byte for byte after the provenance line', async () => {
    const result = await insert({ pattern: 'retry' });
    assert.equal(result?.ok, true, result?.error);
    assert.deepEqual([...(result?.created ?? [])].sort(), ['log.ts', 'retry.ts']);
    for (const id of ['retry', 'log']) {
      const [first, ...rest] = readPattern(`${id}.ts`).split('\n');
      assert.match(first ?? '', PROVENANCE);
      assert.equal(PROVENANCE.exec(first ?? '')?.[1], id);
      assert.equal(rest.join('\n'), runtimeSource(id));
    }
  });

  it('leaves the workspace compiling with tsc --noEmit', async () => {
    for (const pattern of ['cache', 'rate-limit/redis', 'repository']) {
      const inserted = await insert({ pattern });
      assert.equal(inserted?.ok, true, inserted?.error);
    }
    assert.ok(fs.existsSync(workspacePath('src', 'patterns', 'rate-limit', 'redis.ts')));
    const result = typecheck();
    assert.ok(result.ok, result.output);
  });

  it('picks the framework adapter the package.json depends on', async () => {
    setDependencies({ fastify: '^5.0.0' });
    try {
      const result = await insert({ pattern: 'middleware' });
      assert.equal(result?.ok, true, result?.error);
      assert.ok(result?.created?.includes('middleware/fastify.ts'), JSON.stringify(result));
      assert.ok(!result?.created?.some((path) => path.includes('express') || path.includes('hono')));
    } finally {
      setDependencies({});
    }
  });

  it('writes into the patternsDir of the bulwark.json that the CLI shares', async () => {
    writeWorkspaceFile('bulwark.json', '{ "patternsDir": "lib/shared" }\n');
    try {
      const result = await insert({ pattern: 'log' });
      assert.equal(result?.ok, true, result?.error);
      assert.ok(fs.existsSync(workspacePath('lib', 'shared', 'log.ts')));
    } finally {
      await resetWorkspace('bulwark.json', 'lib');
    }
  });

  it('does not overwrite an edited file, and leaves an identical one alone', async () => {
    await insert({ pattern: 'retry' });
    const edited = `${readPattern('retry.ts')}\nexport const mine = true;\n`;
    writeWorkspaceFile('src/patterns/retry.ts', edited);
    const result = await insert({ pattern: 'retry' });
    assert.equal(result?.ok, true, result?.error);
    assert.deepEqual(result?.differs, ['retry.ts']);
    assert.deepEqual(result?.identical, ['log.ts']);
    assert.equal(readPattern('retry.ts'), edited);
  });

  it('answers an unknown pattern with an error naming the valid ones', async () => {
    const result = await insert({ pattern: 'singleton' });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /Unknown pattern "singleton"\. Valid names: .*repository.*retry/);
  });

  it('rejects malformed arguments with a clear error', async () => {
    const result = await insert({ pattern: 42 });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /"pattern" must be a non-empty string/);
  });

  it('can be undone as one edit', async () => {
    const result = await insert({ pattern: 'retry' });
    assert.equal(result?.ok, true);
    assert.ok(fs.existsSync(workspacePath('src', 'patterns', 'retry.ts')));
    await vscode.commands.executeCommand('undo');
    // File-creation undo goes through the workspace undo stack, not the editor's.
    for (let i = 0; i < 20 && fs.existsSync(workspacePath('src', 'patterns', 'retry.ts')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(!fs.existsSync(workspacePath('src', 'patterns', 'retry.ts')), 'undo left retry.ts behind');
    assert.ok(!fs.existsSync(workspacePath('src', 'patterns', 'log.ts')), 'undo left log.ts behind');
  });
});

describe('snippets in the editor', () => {
  after(async () => {
    // Revert the sample's own editor (not whichever is active), so no dirty document of the
    // deleted file is left for a later save to write back into the workspace.
    const sample = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === workspacePath('src', 'from-snippet.ts'));
    if (sample) {
      await vscode.window.showTextDocument(sample);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await resetWorkspace('src/from-snippet.ts');
  });

  it('offers the bulwark snippets in completion and inserts the runtime file byte for byte', async () => {
    const file = writeWorkspaceFile('src/from-snippet.ts', '');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(document);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(0, 0),
      undefined,
      500,
    );
    const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const expected of ['bulwark-retry', 'bulwark-cache', 'bw-retry', 'bw-cache', 'bw-app-error']) {
      assert.ok(labels.includes(expected), `${expected} not offered (got ${labels.filter((l) => l.startsWith('b')).join(', ')})`);
    }
    const item = list.items.find(
      (candidate) => candidate.label === 'bulwark-retry' || (candidate.label as vscode.CompletionItemLabel).label === 'bulwark-retry',
    );
    assert.ok(item?.insertText instanceof vscode.SnippetString, 'the completion inserts a snippet');
    await editor.insertSnippet(item.insertText, new vscode.Position(0, 0));
    assert.equal(document.getText(), runtimeSource('retry'));
  });
});
