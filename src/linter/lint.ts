// The in-editor linter: ESLint's universal Linter with the TypeScript parser and the plugin's
// `recommended` or `all` config (setting `bulwark.ruleSet`). Bundled alone into dist/linter.js (about 5 MB) and loaded on first use,
// never at activation. Knows nothing of VS Code, so it is tested and benchmarked in plain Node.
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint/universal';
import plugin from 'eslint-plugin-bulwark';
import { mayReport } from './rule-prefilter';

export type RuleSet = 'recommended' | 'all';

export interface LintSettings {
  /** `timeoutMs` of bulwark/require-request-timeout's suggestion. */
  readonly timeoutMs?: number;
  /** Which of the plugin's configs to lint with. Default `recommended`: the rules measured precise on real code. */
  readonly ruleSet?: RuleSet;
  /**
   * Only the bulwark/* messages are wanted (diagnostics): a file no enabled rule can report on, judged
   * from its text (rule-prefilter.ts), is not parsed, and parse errors are not reported.
   */
  readonly rulesOnly?: boolean;
}

export type LintMessage = Linter.LintMessage;

// ESLint's default, made explicit because the prefilter hands rules the same `context.cwd`.
const cwd = process.cwd();
const linter = new Linter({ configType: 'flat', cwd });

const ruleModules = Object.fromEntries(Object.entries(plugin.rules).map(([name, rule]) => [`bulwark/${name}`, rule])) as unknown as Parameters<
  typeof mayReport
>[0]['ruleModules'];

function chosenConfig(settings: LintSettings) {
  const chosen = plugin.configs[settings.ruleSet === 'all' ? 'all' : 'recommended'];
  const rules: Linter.RulesRecord = { ...(chosen.rules as Linter.RulesRecord) };
  // `timeoutMs` configures the rule's suggestion; it never switches on a rule the chosen set leaves
  // off (under `recommended`, require-request-timeout stays off: its measured precision is too low).
  const timeoutRule = rules['bulwark/require-request-timeout'];
  const severity = Array.isArray(timeoutRule) ? timeoutRule[0] : timeoutRule;
  if (settings.timeoutMs !== undefined && severity !== undefined && severity !== 'off' && severity !== 0) {
    rules['bulwark/require-request-timeout'] = [severity, { timeoutMs: settings.timeoutMs }];
  }
  return { rules, settings: (chosen.settings ?? {}) as Record<string, unknown> };
}

function config(fileName: string, chosen: ReturnType<typeof chosenConfig>): Linter.Config[] {
  return [
    {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      languageOptions: {
        parser: tsParser as Linter.Parser,
        ecmaVersion: 'latest',
        sourceType: /\.cjs$|\.cts$/.test(fileName) ? 'commonjs' : 'module',
        parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/.test(fileName) } },
      },
      plugins: { bulwark: plugin as unknown as NonNullable<Linter.Config['plugins']>[string] },
      rules: chosen.rules,
      settings: chosen.settings,
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
  ];
}

/** Only the name matters to the rules; ESLint ignores absolute paths outside its cwd. */
function lintName(fileName: string): string {
  return fileName.split(/[\\/]/).at(-1) || 'file.ts';
}

/** Whether the prefilter lets `text` be parsed and linted under `settings` (false: no rule can report on it). */
export function needsLint(text: string, fileName: string, settings: LintSettings = {}): boolean {
  const chosen = chosenConfig(settings);
  return mayReport({ text, fileName: lintName(fileName), cwd, rules: chosen.rules, settings: chosen.settings, ruleModules });
}

/** Lints one file's text; parse errors come back as a message with `fatal: true`, never a throw. */
export function lintText(text: string, fileName: string, settings: LintSettings = {}): LintMessage[] {
  if (settings.rulesOnly && !needsLint(text, fileName, settings)) return [];
  const name = lintName(fileName);
  const messages = linter.verify(text, config(name, chosenConfig(settings)), { filename: name });
  return settings.rulesOnly ? messages.filter((message) => message.ruleId?.startsWith('bulwark/')) : messages;
}

/** The docs URL of each bulwark rule, for diagnostics' `code.target`. */
export function ruleDocs(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(plugin.rules).map(([name, rule]) => [`bulwark/${name}`, (rule.meta.docs as { url?: string } | undefined)?.url ?? '']),
  );
}

export { callAt, fanOutAt, type FanOut } from './ast-queries';
export { warmUp } from './warm-up';
