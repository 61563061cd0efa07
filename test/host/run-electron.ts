// Runs the same suite in a downloaded desktop VS Code via @vscode/test-electron, for machines
// that can reach update.code.visualstudio.com. Offline machines use scripts/vscode-host/run.mjs.
//
// Usage (after `npm run build` and `tsc -p test/host`): node out/test/host/run-electron.js
// Env: BULWARK_VSCODE_VERSION (default 1.100.3, the same VS Code the offline host ships).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

/** Matches engines.vscode and the code-server build used offline, so both runs test the same API. */
const DEFAULT_VSCODE_VERSION = '1.100.3';

// out/test/host -> repository root
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const workspaceTemplate = path.join(repoRoot, 'scripts', 'vscode-host', 'workspace-template');

async function main(): Promise<number> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'bulwark-vscode-electron-'));
  const workspace = path.join(sandbox, 'workspace');
  fs.cpSync(workspaceTemplate, workspace, { recursive: true });
  try {
    return await runTests({
      version: process.env['BULWARK_VSCODE_VERSION'] ?? DEFAULT_VSCODE_VERSION,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index'),
      extensionTestsEnv: { BULWARK_TEST_WORKSPACE: workspace },
      // Built-in extensions stay enabled, as in the offline host, so the two runs behave alike.
      launchArgs: [workspace, '--user-data-dir', path.join(sandbox, 'user-data'), '--disable-workspace-trust', '--skip-welcome'],
    });
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    console.error(`[run-electron] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
