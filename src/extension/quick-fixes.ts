// Quick fixes for bulwark/* diagnostics, from Bulwark itself or from the ESLint extension.
// Actions are listed cheaply; the ones that insert pattern files compute their edit only when
// chosen (resolveCodeAction), so the light bulb stays fast.
import * as vscode from 'vscode';
import type { LintMessage } from '../linter/lint';
import type { LinterClient } from '../linter/worker-client';
import type { CatalogLoader } from './catalog-loader';
import { BulwarkCodeAction, suggestionEdit } from './code-action';
import { ruleOf, type BulwarkDiagnostics } from './diagnostics';
import { isFixedRule, QUICK_FIXES } from './quick-fix-table';
import { openDocument } from './workspace-files';

/** Internal command run after a pattern-inserting fix: saves the created files, opens one beside. */
export const FINISH_PATTERN_EDIT = 'bulwark.finishPatternEdit';

export async function finishPatternEdit(args: { save?: vscode.Uri[]; open?: vscode.Uri } = {}): Promise<void> {
  for (const uri of args.save ?? []) {
    const document = openDocument(uri);
    if (document?.isDirty) await document.save();
  }
  if (args.open) await vscode.window.showTextDocument(args.open, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

export class BulwarkQuickFixes implements vscode.CodeActionProvider<BulwarkCodeAction> {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly diagnostics: BulwarkDiagnostics,
    private readonly catalog: CatalogLoader,
    private readonly linter: LinterClient,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<BulwarkCodeAction[]> {
    const actions: BulwarkCodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const rule = ruleOf(diagnostic);
      if (!rule) continue;
      const message = await this.messageFor(document, diagnostic, rule);
      const fixes = this.fixesFor(rule, document, diagnostic, message);
      const own = [...fixes, ...this.otherSuggestions(rule, document, message, fixes), this.docsAction(rule, diagnostic)];
      for (const action of own) action.diagnostics = [diagnostic];
      actions.push(...own);
    }
    return actions;
  }

  async resolveCodeAction(action: BulwarkCodeAction): Promise<BulwarkCodeAction> {
    if (action.resolver && !action.edit) {
      const edit = new vscode.WorkspaceEdit();
      const declined = await action.resolver(edit, await this.catalog.load());
      if (declined !== undefined) {
        void vscode.window.showInformationMessage(`Bulwark: "${action.title}" does not apply here: ${declined}`);
        action.edit = new vscode.WorkspaceEdit();
        return action;
      }
      if (edit.size === 0) {
        void vscode.window.showInformationMessage(
          `Bulwark: "${action.title}" found nothing to change here any more (the code changed since the fix was offered). Choose it again from the light bulb.`,
        );
      }
      action.edit = edit;
      // Pattern files are created by text edits; the follow-up command writes them to disk so the
      // project compiles at once (and opens the pattern when the action says so).
      const created = edit
        .entries()
        .map(([uri]) => uri)
        .filter((uri) => uri.toString() !== action.document?.toString());
      action.command = { title: action.title, command: FINISH_PATTERN_EDIT, arguments: [{ save: created, open: action.openAfter }] };
    }
    return action;
  }

  /**
   * The lint message behind a diagnostic (same rule, same start), from Bulwark's own lint of this
   * document version (already done when Bulwark published the diagnostic). Without it, a fix that
   * needs the rule's suggestion is not offered; the others still are.
   */
  private async messageFor(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, rule: string): Promise<LintMessage | undefined> {
    const { line, character } = diagnostic.range.start;
    let messages: LintMessage[];
    try {
      messages = await this.diagnostics.messages(document);
    } catch {
      // Diagnostics report the failure of this same lint; the fixes that need no message are still offered.
      return undefined;
    }
    return messages.find((message) => message.ruleId === `bulwark/${rule}` && message.line - 1 === line && message.column - 1 === character);
  }

  private fixesFor(rule: string, document: vscode.TextDocument, diagnostic: vscode.Diagnostic, message: LintMessage | undefined): BulwarkCodeAction[] {
    const fixes = isFixedRule(rule) ? QUICK_FIXES[rule] : undefined;
    return fixes ? fixes({ document, diagnostic, message, linter: this.linter }) : [];
  }

  /** The rule's own ESLint suggestions not already offered above. */
  private otherSuggestions(
    rule: string,
    document: vscode.TextDocument,
    message: LintMessage | undefined,
    fixes: readonly vscode.CodeAction[],
  ): BulwarkCodeAction[] {
    // require-retry's own suggestion imports from its `importSource` option, not the patterns folder.
    if (rule === 'require-retry') return [];
    const used = new Set(fixes.map((fix) => JSON.stringify(fix.edit?.entries())));
    return (message?.suggestions ?? []).flatMap((suggestion) => {
      const action = new BulwarkCodeAction(suggestion.desc);
      action.edit = suggestionEdit(document, suggestion);
      return used.has(JSON.stringify(action.edit.entries())) ? [] : [action];
    });
  }

  private docsAction(rule: string, diagnostic: vscode.Diagnostic): BulwarkCodeAction {
    const action = new BulwarkCodeAction(`Show documentation for bulwark/${rule}`);
    const target = typeof diagnostic.code === 'object' ? diagnostic.code.target : undefined;
    const docs = target ?? vscode.Uri.parse(`https://github.com/bulwark-dev/bulwark/blob/main/eslint-plugin/docs/rules/${rule}.md`);
    action.command = { title: action.title, command: 'vscode.open', arguments: [docs] };
    return action;
  }
}
