// Which quick fixes each bulwark rule gets, as a table keyed by the plugin's rule names: a rule
// renamed or removed in eslint-plugin-bulwark makes its entry here a compile error instead of a
// fix that silently stops being offered. Fixes that insert a pattern compute their edit only when
// chosen (the resolver), so listing them stays cheap.
import type { BulwarkRuleName } from 'eslint-plugin-bulwark';
import * as vscode from 'vscode';
import { patternImportsSupported } from '../engine/import-plan';
import { concurrencyRewrite, retryWrap } from '../engine/quick-fix-edits';
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

/** Whether pattern-inserting fixes are offered in the document: never in JavaScript files (engine/import-plan.ts). */
function patternsServe(document: vscode.TextDocument): boolean {
  return vscode.workspace.getWorkspaceFolder(document.uri) !== undefined && patternImportsSupported(lintFileName(document));
}

/** Inserts pattern `id` (and what it uses) into the patterns folder, then opens it beside. */
function insertPattern(title: string, id: string): QuickFixes {
  return ({ document }) => {
    if (!patternsServe(document)) return [];
    const action: BulwarkCodeAction = new BulwarkCodeAction(
      title,
      async (edit, catalog) => {
        action.openAfter = (await addPatternFiles(edit, document, catalog, id)).uri;
        return undefined;
      },
      document.uri,
    );
    return [action];
  };
}

function rangeOf(document: vscode.TextDocument, [start, end]: readonly [number, number]): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}

const wrapInRetry: QuickFixes = ({ document, diagnostic, linter }) => {
  if (!patternsServe(document)) return [];
  const start = document.offsetAt(diagnostic.range.start);
  // Parsing for the call's extent waits until the fix is chosen: the light bulb stays fast.
  const version = document.version;
  const action = new BulwarkCodeAction(
    'Wrap in retry()',
    async (edit, catalog) => {
      const call = await linter.call('callAt', document.getText(), lintFileName(document), start);
      // Offsets of the version the fix was offered for: after an edit they may point elsewhere.
      if (!call || document.version !== version) return undefined;
      const range = rangeOf(document, call);
      // Decide the rewrite before adding anything: a declined fix changes no file.
      const trial = retryWrap(document.getText(range), 'retry');
      if (trial.kind === 'declined') return trial.reason;
      const plan = await addPatternImport(edit, document, catalog, 'retry', 'retry');
      if (plan.kind === 'declined') return plan.reason;
      const rewrite = retryWrap(document.getText(range), plan.local);
      if (rewrite.kind === 'declined') return rewrite.reason;
      edit.replace(document.uri, range, rewrite.text);
      return undefined;
    },
    document.uri,
  );
  action.isPreferred = true;
  return [action];
};

const limitConcurrency: QuickFixes = ({ document, diagnostic, linter }) => {
  // Only Promise.all keeps its meaning under mapWithConcurrency (allSettled/any/race do not).
  if (!/^Promise\s*\.\s*all\s*\(/.test(document.getText(diagnostic.range)) || !patternsServe(document)) return [];
  const start = document.offsetAt(diagnostic.range.start);
  const version = document.version;
  const action = new BulwarkCodeAction(
    'Limit concurrency',
    async (edit, catalog) => {
      const fanOut = await linter.call('fanOutAt', document.getText(), lintFileName(document), start);
      if (!fanOut || fanOut.combinator !== 'all' || document.version !== version) return undefined;
      const facts = {
        ...fanOut,
        itemsText: document.getText(rangeOf(document, fanOut.items)),
        mapperText: document.getText(rangeOf(document, fanOut.mapper)),
      };
      // Decided once without names to see whether it declines, then with the import's local name.
      const trial = concurrencyRewrite(facts, 'mapWithConcurrency', DEFAULT_CONCURRENCY, new Set());
      if (trial.kind === 'declined') return trial.reason;
      const plan = await addPatternImport(edit, document, catalog, 'concurrency', 'mapWithConcurrency');
      if (plan.kind === 'declined') return plan.reason;
      const rewrite = concurrencyRewrite(facts, plan.local, DEFAULT_CONCURRENCY, new Set([...plan.facts.names, plan.local]));
      if (rewrite.kind === 'declined') return rewrite.reason;
      edit.replace(document.uri, rangeOf(document, fanOut.call), rewrite.text);
      return undefined;
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
  'no-truthy-cache-check': fromSuggestion('Compare with null/undefined', /undefined|null/i),
  'no-unbounded-concurrency': limitConcurrency,
  'no-hand-rolled-retry': insertPattern('Insert the retry pattern', 'retry'),
  'no-redis-keys': insertPattern('Insert the cache pattern', 'cache/redis'),
};

export function isFixedRule(rule: string): rule is BulwarkRuleName {
  return Object.hasOwn(QUICK_FIXES, rule);
}
