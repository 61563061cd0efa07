// Decides, from a file's text alone, that no enabled rule can report on it, so the file need not
// be parsed. Every bulwark rule opens with a text check and returns no listeners for a file that
// cannot hold what it reports (most files); ESLint still parses such a file first, which is most of
// a lint's time. This asks the rules themselves: each enabled rule's `create` runs with a context
// that offers only what that check may read (the text, the file name, options, settings, and the
// AST as a bare identity). A rule that reads anything else, or reports from `create`, counts as
// "may report", so the answer "cannot report" is the rule's own proof, never a copy of its logic.
import type { Linter, Rule } from 'eslint';

/** Thrown inside a rule's `create` when it reads what only a parsed file has. */
class NeedsParse extends Error {}

function textOnly<T extends object>(what: string, offered: T): T {
  return new Proxy(offered, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(target, key)) return target[key as keyof T];
      throw new NeedsParse(`${what}.${String(key)}`);
    },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeObjects(first: unknown, second: unknown): unknown {
  if (second === undefined) return first;
  if (!isObject(first) || !isObject(second)) return second;
  const result: Record<string, unknown> = { ...first, ...second };
  for (const key of Object.keys(second)) if (Object.prototype.propertyIsEnumerable.call(first, key)) result[key] = mergeObjects(first[key], second[key]);
  return result;
}

/** The options ESLint hands a rule: its configured options over `meta.defaultOptions` (ESLint's deepMergeArrays). */
function optionsAsEslintGives(rule: Rule.RuleModule, configured: unknown[]): unknown[] {
  const defaults = rule.meta?.defaultOptions as unknown[] | undefined;
  if (!defaults) return configured;
  return [...defaults.map((value, index) => mergeObjects(value, configured[index])), ...configured.slice(defaults.length)];
}

export interface PrefilterInput {
  readonly text: string;
  /** The name ESLint lints the text as (`context.filename`). */
  readonly fileName: string;
  /** The Linter's cwd (`context.cwd`). */
  readonly cwd: string;
  readonly rules: Linter.RulesRecord;
  readonly settings: Record<string, unknown>;
  /** Rule modules by id (`bulwark/require-retry`). */
  readonly ruleModules: Readonly<Record<string, Rule.RuleModule>>;
}

function severityOf(entry: Linter.RuleEntry | undefined): Linter.RuleSeverity {
  return Array.isArray(entry) ? entry[0] : (entry ?? 'off');
}

/**
 * Whether some enabled rule may report on `text`. `false` is proof: every enabled rule returned no
 * listeners, and no inline `eslint` comment can switch another rule on or change an option.
 */
export function mayReport(input: PrefilterInput): boolean {
  // `/* eslint rule: ... */` comments configure rules per file; such files are linted as they are.
  if (input.text.includes('eslint')) return true;
  // `ast` is offered as an identity without content: rules key per-file memos by it (WeakMap).
  const ast = textOnly('sourceCode.ast', {});
  const sourceCode = textOnly('sourceCode', { text: input.text, ast });
  for (const [id, entry] of Object.entries(input.rules)) {
    const severity = severityOf(entry);
    if (severity === 'off' || severity === 0) continue;
    const rule = input.ruleModules[id];
    if (!rule) return true;
    const configured = Array.isArray(entry) ? entry.slice(1) : [];
    const context = textOnly('context', {
      id,
      sourceCode,
      filename: input.fileName,
      physicalFilename: input.fileName,
      cwd: input.cwd,
      options: optionsAsEslintGives(rule, configured),
      settings: input.settings,
    }) as unknown as Rule.RuleContext;
    try {
      if (Object.keys(rule.create(context)).length > 0) return true;
    } catch {
      // NeedsParse, or a rule that throws: the real lint decides (and reports what it throws).
      return true;
    }
  }
  return false;
}
