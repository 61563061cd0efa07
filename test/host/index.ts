// Entry point VS Code's extension host calls with --extensionTestsPath: runs every compiled
// `*.test.js` under ./suite in this host. Used by both runners (scripts/vscode-host/run.mjs
// through code-server, and run-electron.ts through @vscode/test-electron).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Generous per-test limit: the first file opened starts the built-in TypeScript extension, on busy 2-core machines. */
const TEST_TIMEOUT_MS = 60_000;

function findTestFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((relativePath) => relativePath.endsWith('.test.js'))
    .map((relativePath) => path.join(folder, relativePath))
    .sort();
}

/** The suites of each window layout scripts/vscode-host/run.mjs opens (BULWARK_HOST_LAYOUT). */
const SUITES: Record<string, string> = { folder: 'suite', 'multi-root': 'multi-root', 'no-folder': 'no-folder', untrusted: 'untrusted' };

export function run(): Promise<void> {
  const layout = process.env['BULWARK_HOST_LAYOUT'] ?? 'folder';
  const suite = SUITES[layout];
  if (!suite) return Promise.reject(new Error(`unknown BULWARK_HOST_LAYOUT "${layout}"; expected one of ${Object.keys(SUITES).join(', ')}`));
  const suiteFolder = path.join(__dirname, suite);
  const files = findTestFiles(suiteFolder);
  // Colors would arrive as raw escape codes: the output travels through the workbench's log hook.
  // BULWARK_TEST_GREP runs only the matching tests, for re-running one flaky suite many times.
  const grep = process.env['BULWARK_TEST_GREP'];
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: TEST_TIMEOUT_MS, ...(grep ? { grep } : {}) });
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
        console.log(`${passes} passed, ${failures} failed, ${pending} skipped`);
        if (failures > 0) {
          reject(new Error(`${failures} of the extension host tests failed`));
        } else if (passes === 0) {
          // A suite that silently ran nothing (a bad glob, stale out folder, every test skipped) must not pass.
          reject(new Error(`no extension host test ran (found ${files.length} test files under ${suiteFolder})`));
        } else {
          resolve();
        }
      });
    } catch (error) {
      // A test file that throws while loading lands here, before any test runs.
      reject(error);
    }
  });
}
