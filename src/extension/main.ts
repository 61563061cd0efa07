// Activation only registers: every command loads what it needs on first use.
import * as vscode from 'vscode';
import { CatalogLoader } from './catalog-loader';
import { insertPatternCommand } from './insert-pattern';
import { PROPOSED_SCHEME, ProposedContent } from './proposed-content';
import { checkPatternsCommand, updatePatternsCommand, type CheckPatternsArgs, type UpdatePatternsArgs } from './update-patterns';

export function activate(context: vscode.ExtensionContext): void {
  const catalog = new CatalogLoader(context.extensionUri);
  const proposed = new ProposedContent();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.commands.registerCommand('bulwark.insertPattern', (args?: unknown) => insertPatternCommand(catalog, proposed, args)),
    vscode.commands.registerCommand('bulwark.checkPatterns', (args?: CheckPatternsArgs) => checkPatternsCommand(catalog, args)),
    vscode.commands.registerCommand('bulwark.updatePatterns', (args?: UpdatePatternsArgs) => updatePatternsCommand(catalog, args)),
  );
}

export function deactivate(): void {}
