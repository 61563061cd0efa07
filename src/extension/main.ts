// Activation only registers: every command loads what it needs on first use.
import * as vscode from 'vscode';
import { CatalogLoader } from './catalog-loader';
import { insertPatternCommand } from './insert-pattern';
import { PROPOSED_SCHEME, ProposedContent } from './proposed-content';

export function activate(context: vscode.ExtensionContext): void {
  const catalog = new CatalogLoader(context.extensionUri);
  const proposed = new ProposedContent();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    vscode.commands.registerCommand('bulwark.insertPattern', (args?: unknown) => insertPatternCommand(catalog, proposed, args)),
  );
}

export function deactivate(): void {}
