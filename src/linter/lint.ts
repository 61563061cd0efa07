// The in-editor linter: ESLint's universal Linter with the TypeScript parser and the plugin's
// `recommended` or `all` config (setting `bulwark.ruleSet`). Bundled alone into dist/linter.js (about 5 MB) and loaded on first use,
// never at activation. Knows nothing of VS Code, so it is tested and benchmarked in plain Node.
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint/universal';
import plugin from 'eslint-plugin-bulwark';

export type RuleSet = 'recommended' | 'all';

export interface LintSettings {
  /** `timeoutMs` of bulwark/require-request-timeout's suggestion. */
  readonly timeoutMs?: number;
  /** Which of the plugin's configs to lint with. Default `recommended`: the rules measured precise on real code. */
  readonly ruleSet?: RuleSet;
}

export type LintMessage = Linter.LintMessage;

const linter = new Linter({ configType: 'flat' });

function config(fileName: string, settings: LintSettings): Linter.Config[] {
  const chosen = plugin.configs[settings.ruleSet === 'all' ? 'all' : 'recommended'];
  const rules: Linter.RulesRecord = { ...(chosen.rules as Linter.RulesRecord) };
  if (settings.timeoutMs !== undefined) {
    const severity = rules['bulwark/require-request-timeout'] ?? 'error';
    rules['bulwark/require-request-timeout'] = [Array.isArray(severity) ? severity[0] : severity, { timeoutMs: settings.timeoutMs }];
  }
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
      rules,
      ...(chosen.settings ? { settings: chosen.settings as Linter.Config['settings'] } : {}),
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
  ];
}

/** Lints one file's text; parse errors come back as a message with `fatal: true`, never a throw. */
export function lintText(text: string, fileName: string, settings: LintSettings = {}): LintMessage[] {
  // Only the name matters to the rules; ESLint ignores absolute paths outside its cwd.
  const name = fileName.split(/[\\/]/).at(-1) || 'file.ts';
  return linter.verify(text, config(name, settings), { filename: name });
}

/** The docs URL of each bulwark rule, for diagnostics' `code.target`. */
export function ruleDocs(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(plugin.rules).map(([name, rule]) => [`bulwark/${name}`, (rule.meta.docs as { url?: string } | undefined)?.url ?? '']),
  );
}

export { callAt, fanOutAt, type FanOut } from './ast-queries';
