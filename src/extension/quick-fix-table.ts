// Which quick fixes each bulwark rule gets, as a table keyed by the plugin's rule names: a rule
// renamed or removed in eslint-plugin-bulwark makes its entry here a compile error instead of a
// fix that silently stops being offered. Fixes that insert a pattern compute their edit only when
// chosen (the resolver), so listing them stays cheap.
import type { BulwarkRuleName } from 'eslint-plugin-bulwark';
import * as vscode from 'vscode';
import type { LintMessage } from '../linter/lint';
import type { LinterClient } from '../linter/worker-client';
import { BulwarkCodeAction, suggestionEdit } from './code-action';
import { lintFileName } from './diagnostics';
import { addPatternFiles, addPatternImport } from './pattern-import';

/** Concurrency limit the "Limit concurrency" fix writes; a named constant the user tunes. */
export const DEFAULT_CONCURRENCY = 8;

export interface FixContext {
  readonly document: vscode.TextDocument;
  readonly diagnostic: vscode.Diagnostic;
  /** The lint message behind the diagnostic, when Bulwark linted this document version itself. */
  readonly message: LintMessage | undefined;
  readonly linter: LinterClient;
}

type QuickFixes = (context: FixContext) => BulwarkCodeAction[];

/** The rule's ESLint suggestion matching `pattern` (else its first), as a preferred fix titled `title`. */
function fromSuggestion(title: string, pattern: RegExp): QuickFixes {
  return ({ document, message }) => {
    const chosen = message?.suggestions?.find((candidate) => pattern.test(candidate.desc)) ?? message?.suggestions?.[0];
    if (!chosen) return [];
    const action = new BulwarkCodeAction(title);
    action.edit = suggestionEdit(document, chosen);
    action.isPreferred = true;
    return [action];
  };
}

/** Inserts pattern `id` (and what it uses) into the patterns folder, then opens it beside. */
function insertPattern(title: string, id: string): QuickFixes {
  return ({ document }) => {
    if (!vscode.workspace.getWorkspaceFolder(document.uri)) return [];
    const action: BulwarkCodeAction = new BulwarkCodeAction(
      title,
      async (edit, catalog) => {
        action.openAfter = (await addPatternFiles(edit, document, catalog, id)).uri;
      },
      document.uri,
    );
    return [action];
  };
}

const wrapInRetry: QuickFixes = ({ document, diagnostic, linter }) => {
  if (!vscode.workspace.getWorkspaceFolder(document.uri)) return [];
  const start = document.offsetAt(diagnostic.range.start);
  // Parsing for the call's extent waits until the fix is chosen: the light bulb stays fast.
  const version = document.version;
  const action = new BulwarkCodeAction(
    'Wrap in retry()',
    async (edit, catalog) => {
      const call = await linter.call('callAt', document.getText(), lintFileName(document), start);
      // Offsets of the version the fix was offered for: after an edit they may point elsewhere.
      if (!call || document.version !== version) return;
      const range = new vscode.Range(document.positionAt(call[0]), document.positionAt(call[1]));
      await addPatternImport(edit, document, catalog, 'retry', 'retry');
      edit.replace(document.uri, range, `retry(() => ${document.getText(range)})`);
    },
    document.uri,
  );
  action.isPreferred = true;
  return [action];
};

const limitConcurrency: QuickFixes = ({ document, diagnostic, linter }) => {
  // Only Promise.all keeps its meaning under mapWithConcurrency (allSettled/any/race do not).
  if (!/^Promise\s*\.\s*all\s*\(/.test(document.getText(diagnostic.range)) || !vscode.workspace.getWorkspaceFolder(document.uri)) return [];
  const start = document.offsetAt(diagnostic.range.start);
  const version = document.version;
  const action = new BulwarkCodeAction(
    'Limit concurrency',
    async (edit, catalog) => {
      const fanOut = await linter.call('fanOutAt', document.getText(), lintFileName(document), start);
      if (!fanOut || fanOut.combinator !== 'all' || document.version !== version) return;
      const text = (range: readonly [number, number]) => document.getText(new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1])));
      await addPatternImport(edit, document, catalog, 'concurrency', 'mapWithConcurrency');
      const range = new vscode.Range(document.positionAt(fanOut.call[0]), document.positionAt(fanOut.call[1]));
      edit.replace(document.uri, range, `mapWithConcurrency(${text(fanOut.items)}, ${DEFAULT_CONCURRENCY}, ${text(fanOut.mapper)})`);
    },
    document.uri,
  );
  action.isPreferred = true;
  return [action];
};

export const QUICK_FIXES: { readonly [Rule in BulwarkRuleName]?: QuickFixes } = {
  'require-retry': wrapInRetry,
  'require-request-timeout': fromSuggestion('Add a timeout', /timeout|signal/i),
  'no-swallowed-error': fromSuggestion('Rethrow the error', /rethrow|throw/i),
  'no-truthy-cache-check': fromSuggestion('Compare with undefined', /undefined/i),
  'no-unbounded-concurrency': limitConcurrency,
  'no-hand-rolled-retry': insertPattern('Insert the retry pattern', 'retry'),
  'no-redis-keys': insertPattern('Insert the cache pattern', 'cache/redis'),
};

export function isFixedRule(rule: string): rule is BulwarkRuleName {
  return Object.hasOwn(QUICK_FIXES, rule);
}
