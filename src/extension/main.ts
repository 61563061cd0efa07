// Activation registers, and in a JS/TS project starts loading the linter on its own thread
// (linter-preload.ts); the catalog loads on first use.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LinterClient } from '../linter/worker-client';
import { addEslintConfigCommand } from './add-eslint-config';
import { CatalogLoader } from './catalog-loader';
import { BulwarkDiagnostics, LANGUAGES } from './diagnostics';
import { insertPatternCommand } from './insert-pattern';
import { LintFailures } from './lint-failures';
import { preloadLinter } from './linter-preload';
import { PROPOSED_SCHEME, ProposedContent } from './proposed-content';
import { BulwarkQuickFixes, FINISH_PATTERN_EDIT, finishPatternEdit } from './quick-fixes';
import { tryQuickFixCommand } from './try-quick-fix';
import { checkPatternsCommand, type CheckPatternsArgs } from './check-patterns';
import { updatePatternsCommand, type UpdatePatternsArgs } from './update-patterns';

/** What `activate()` returns (`vscode.extensions.getExtension(…).exports`); the benchmark waits on it. */
export interface BulwarkExtensionApi {
  /** Whether the linter was loaded and warmed up at activation (linter-preload.ts). */
  readonly linterPreloaded: Promise<boolean>;
}

export function activate(context: vscode.ExtensionContext): BulwarkExtensionApi {
  const catalog = new CatalogLoader(context.extensionUri);
  // The linter thread keeps V8's compiled code of the linter in global storage, so later sessions'
  // first lint skips compiling it.
  const storage = context.globalStorageUri;
  const linter = new LinterClient(path.join(context.extensionPath, 'dist', 'linter-worker.js'), {
    ...(storage.scheme === 'file' ? { codeCacheDir: path.join(storage.fsPath, 'code-cache') } : {}),
  });
  const proposed = new ProposedContent();
  const failures = new LintFailures();
  const diagnostics = new BulwarkDiagnostics(linter, failures);
  context.subscriptions.push(
    { dispose: () => linter.dispose() },
    failures,
    diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.languages.registerCodeActionsProvider(LANGUAGES, new BulwarkQuickFixes(diagnostics, catalog, linter), BulwarkQuickFixes.metadata),
    vscode.commands.registerCommand('bulwark.insertPattern', (args?: unknown) => insertPatternCommand(catalog, proposed, args)),
    vscode.commands.registerCommand('bulwark.checkPatterns', (args?: CheckPatternsArgs) => checkPatternsCommand(catalog, args)),
    vscode.commands.registerCommand(FINISH_PATTERN_EDIT, finishPatternEdit),
    vscode.commands.registerCommand('bulwark.updatePatterns', (args?: UpdatePatternsArgs) => updatePatternsCommand(catalog, args)),
    vscode.commands.registerCommand('bulwark.addEslintConfig', (args?: unknown) => addEslintConfigCommand(linter, args)),
    vscode.commands.registerCommand('bulwark.tryQuickFix', tryQuickFixCommand),
  );
  return { linterPreloaded: preloadLinter(linter) };
}

export function deactivate(): void {}
