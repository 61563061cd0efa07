// Quick fixes for bulwark/* diagnostics, from Bulwark itself or from the ESLint extension.
// Actions are listed cheaply; the ones that insert pattern files compute their edit only when
// chosen (resolveCodeAction), so the light bulb stays fast.
import * as vscode from 'vscode';
import type { Catalog } from '../engine/catalog';
import type { LintMessage } from '../linter/lint';
import type { CatalogLoader } from './catalog-loader';
import { lintFileName, ruleOf, type BulwarkDiagnostics } from './diagnostics';
import type { LinterClient } from '../linter/worker-client';
import { addPatternFiles, addPatternImport } from './pattern-import';
import { openDocument } from './workspace-files';

/** Concurrency limit the "Limit concurrency" fix writes; a named constant the user tunes. */
export const DEFAULT_CONCURRENCY = 8;

type Resolver = (edit: vscode.WorkspaceEdit, catalog: Catalog) => Promise<void>;

class BulwarkCodeAction extends vscode.CodeAction {
  /** A pattern file to open beside the editor once the edit is applied. */
  openAfter?: vscode.Uri;

  constructor(
    title: string,
    readonly resolver?: Resolver,
    /** The document the action fixes (not saved by the follow-up command: the user's to save). */
    readonly document?: vscode.Uri,
  ) {
    super(title, vscode.CodeActionKind.QuickFix);
  }
}

/** Internal command run after a pattern-inserting fix: saves the created files, opens one beside. */
export const FINISH_PATTERN_EDIT = 'bulwark.finishPatternEdit';

export async function finishPatternEdit(args: { save?: vscode.Uri[]; open?: vscode.Uri } = {}): Promise<void> {
  for (const uri of args.save ?? []) {
    const document = openDocument(uri);
    if (document?.isDirty) await document.save();
  }
  if (args.open) await vscode.window.showTextDocument(args.open, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

function suggestionEdit(document: vscode.TextDocument, suggestion: NonNullable<LintMessage['suggestions']>[number]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const [start, end] = suggestion.fix.range;
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), suggestion.fix.text);
  return edit;
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
      await action.resolver(edit, await this.catalog.load());
      if (edit.size === 0) {
        void vscode.window.showInformationMessage(`Bulwark: "${action.title}" found nothing to change here any more (the code changed since the fix was offered). Choose it again from the light bulb.`);
      }
      action.edit = edit;
      // Pattern files are created by text edits; the follow-up command writes them to disk so the
      // project compiles at once (and opens the pattern when the action says so).
      const created = edit.entries().map(([uri]) => uri).filter((uri) => uri.toString() !== action.document?.toString());
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
    const start = document.offsetAt(diagnostic.range.start);
    const suggestion = (pattern: RegExp) => message?.suggestions?.find((candidate) => pattern.test(candidate.desc)) ?? message?.suggestions?.[0];
    const fromSuggestion = (title: string, pattern: RegExp) => {
      const chosen = suggestion(pattern);
      if (!chosen) return [];
      const action = new BulwarkCodeAction(title);
      action.edit = suggestionEdit(document, chosen);
      action.isPreferred = true;
      return [action];
    };
    switch (rule) {
      case 'require-retry': {
        if (!vscode.workspace.getWorkspaceFolder(document.uri)) return [];
        // Parsing for the call's extent waits until the fix is chosen: the light bulb stays fast.
        const version = document.version;
        const action = new BulwarkCodeAction('Wrap in retry()', async (edit, catalog) => {
          const call = await this.linter.call('callAt', document.getText(), lintFileName(document), start);
          // Offsets of the version the fix was offered for: after an edit they may point elsewhere.
          if (!call || document.version !== version) return;
          const range = new vscode.Range(document.positionAt(call[0]), document.positionAt(call[1]));
          await addPatternImport(edit, document, catalog, 'retry', 'retry');
          edit.replace(document.uri, range, `retry(() => ${document.getText(range)})`);
        }, document.uri);
        action.isPreferred = true;
        return [action];
      }
      case 'require-request-timeout':
        return fromSuggestion('Add a timeout', /timeout|signal/i);
      case 'no-swallowed-error':
        return fromSuggestion('Rethrow the error', /rethrow|throw/i);
      case 'no-truthy-cache-check':
        return fromSuggestion('Compare with undefined', /undefined/i);
      case 'no-unbounded-concurrency': {
        // Only Promise.all keeps its meaning under mapWithConcurrency (allSettled/any/race do not).
        if (!/^Promise\s*\.\s*all\s*\(/.test(document.getText(diagnostic.range)) || !vscode.workspace.getWorkspaceFolder(document.uri)) return [];
        const version = document.version;
        const action = new BulwarkCodeAction('Limit concurrency', async (edit, catalog) => {
          const fanOut = await this.linter.call('fanOutAt', document.getText(), lintFileName(document), start);
          if (!fanOut || fanOut.combinator !== 'all' || document.version !== version) return;
          const text = (range: readonly [number, number]) => document.getText(new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1])));
          await addPatternImport(edit, document, catalog, 'concurrency', 'mapWithConcurrency');
          const range = new vscode.Range(document.positionAt(fanOut.call[0]), document.positionAt(fanOut.call[1]));
          edit.replace(document.uri, range, `mapWithConcurrency(${text(fanOut.items)}, ${DEFAULT_CONCURRENCY}, ${text(fanOut.mapper)})`);
        }, document.uri);
        action.isPreferred = true;
        return [action];
      }
      case 'no-hand-rolled-retry':
        return this.insertPatternAction(document, 'Insert the retry pattern', 'retry');
      case 'no-redis-keys':
        return this.insertPatternAction(document, 'Insert the cache pattern', 'cache/redis');
      default:
        return [];
    }
  }

  private insertPatternAction(document: vscode.TextDocument, title: string, id: string): BulwarkCodeAction[] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return [];
    const action: BulwarkCodeAction = new BulwarkCodeAction(title, async (edit, catalog) => {
      action.openAfter = (await addPatternFiles(edit, document, catalog, id)).uri;
    }, document.uri);
    return [action];
  }

  /** The rule's own ESLint suggestions not already offered above. */
  private otherSuggestions(rule: string, document: vscode.TextDocument, message: LintMessage | undefined, fixes: readonly vscode.CodeAction[]): BulwarkCodeAction[] {
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
