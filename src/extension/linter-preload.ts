// Loading the linter before the first document asks for it. Bulwark activates at startup in a
// folder that looks like a JS/TS project (activation events `workspaceContains:package.json`,
// `tsconfig.json`, `jsconfig.json`); it then starts the linter thread and lints a small warm-up file
// (../linter/warm-up.ts). Loading the 5 MB bundle and compiling the parser's and the rules' functions
// is most of a first lint, and the user is not waiting for it yet: the first file they open is
// linted by a linter already warm. Skipped when a JS/TS document is already open (its own lint
// starts the thread at once; a warm-up would only queue ahead of it) and where diagnostics are off.
import * as vscode from 'vscode';
import type { LinterClient } from '../linter/worker-client';
import { diagnosticsLintSettings, LANGUAGES, type DiagnosticsMode } from './diagnostics';

/** Resolves true once the thread has loaded the linter and linted the warm-up file; false when it did not run or failed. */
export function preloadLinter(linter: LinterClient): Promise<boolean> {
  const documentOpen = vscode.workspace.textDocuments.some((document) => LANGUAGES.includes(document.languageId));
  const mode = vscode.workspace.getConfiguration('bulwark').get<DiagnosticsMode>('diagnostics', 'auto');
  if (documentOpen || mode === 'off' || linter.started) return Promise.resolve(false);
  // A warm-up that fails costs nothing but its speed-up: the first real lint loads again and reports.
  return linter.call('warmUp', diagnosticsLintSettings()).then(
    () => true,
    () => false,
  );
}
