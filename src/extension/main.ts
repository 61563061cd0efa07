// Activation only registers: the catalog and the linter load on first use.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LinterClient } from '../linter/worker-client';
import { addEslintConfigCommand } from './add-eslint-config';
import { CatalogLoader } from './catalog-loader';
import { BulwarkDiagnostics, LANGUAGES } from './diagnostics';
import { insertPatternCommand } from './insert-pattern';
import { LintFailures } from './lint-failures';
import { PROPOSED_SCHEME, ProposedContent } from './proposed-content';
import { BulwarkQuickFixes, FINISH_PATTERN_EDIT, finishPatternEdit } from './quick-fixes';
import { tryQuickFixCommand } from './try-quick-fix';
import { checkPatternsCommand, type CheckPatternsArgs } from './check-patterns';
import { updatePatternsCommand, type UpdatePatternsArgs } from './update-patterns';

export function activate(context: vscode.ExtensionContext): void {
  const catalog = new CatalogLoader(context.extensionUri);
  // The linter thread starts on the first lint, not here. It keeps V8's compiled code of the linter
  // in global storage, so later sessions' first lint skips compiling it.
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
}

export function deactivate(): void {}
