// Shared by the host suites: the temporary TypeScript project the runner opened, and ways to
// check it the way a user would (tsc on disk).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

export function testWorkspace(): string {
  const folder = process.env['BULWARK_TEST_WORKSPACE'];
  assert.ok(folder, 'BULWARK_TEST_WORKSPACE is not set: start the tests through scripts/vscode-host/run.mjs or run-electron');
  return folder;
}

/** Links the repository's node_modules so the patterns' npm imports (pino, ioredis…) resolve for tsc. */
export function linkNodeModules(): void {
  const link = path.join(testWorkspace(), 'node_modules');
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(repoRoot, 'node_modules'), link, 'dir');
}

export function typecheck(): { ok: boolean; output: string } {
  linkNodeModules();
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', testWorkspace()], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export function workspacePath(...parts: string[]): string {
  return path.join(testWorkspace(), ...parts);
}

export function runtimeSource(id: string): string {
  return fs.readFileSync(path.join(repoRoot, 'runtime', 'src', `${id}.ts`), 'utf8');
}

/** Removes what a test wrote, and closes editors so the next test starts clean. */
export async function resetWorkspace(...relativePaths: string[]): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const relative of relativePaths) fs.rmSync(workspacePath(relative), { recursive: true, force: true });
}

export function writeWorkspaceFile(relative: string, text: string): string {
  const file = workspacePath(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

export function setDependencies(dependencies: Record<string, string>): void {
  const manifestPath = workspacePath('package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  manifest['dependencies'] = dependencies;
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The quick fixes VS Code's light bulb would list for `diagnostic`. */
export async function actionsAt(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
        50,
      );
    } catch (error) {
      // VS Code cancels a code-action request when the document's version moves while the provider
      // awaits its lint (here: the file just written is reloaded from disk); the light bulb asks again.
      if (!(error instanceof Error && error.name === 'Canceled') || attempt === 3) throw error;
    }
  }
}

/** Polls `probe` until it returns a value. */
export async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
