// Test files, for the rules that `recommended` keeps out of them. ESLint 10 rejects a config array
// nested in the exported array (`export default [bulwark.configs.recommended]`, what the README and
// the extension write), so `recommended` stays one config object and cannot scope rules with
// `files`; it sets `settings.bulwark.ignoreTestFiles` instead, which these rules read. (Only the
// plugin object is exported from index.ts: eslint-doc-generator reads nothing else.)
import { relative } from 'node:path';
import type { TSESLint } from '@typescript-eslint/utils';

/**
 * Rules about what production traffic does to a service (timeouts, retries, fan-out, connection
 * pools, Redis KEYS blocking a shared server). In a test suite they report code that never meets
 * that traffic, so under `recommended` they skip test files.
 */
export const PRODUCTION_ONLY_RULES: readonly string[] = [
  'require-request-timeout',
  'require-retry',
  'no-hand-rolled-retry',
  'no-unbounded-concurrency',
  'no-client-per-request',
  'no-redis-keys',
];

/** `*.test.*`, `*.spec.*`, `*.e2e.*`, and anything under a `test`, `tests`, `__tests__` or `e2e` folder. */
export const TEST_FILE_GLOBS = ['**/*.{test,spec,e2e}.*', '**/{test,tests,__tests__,e2e}/**'];

const TEST_FOLDER = /^(?:test|tests|__tests__|e2e)$/;
const TEST_FILE_NAME = /\.(?:test|spec|e2e)\.[^.]+$/;

/** Whether `filename` matches {@link TEST_FILE_GLOBS}, judged on its path below `cwd` (the project). */
export function isTestFile(filename: string, cwd: string): boolean {
  const inProject = relative(cwd, filename);
  const segments = (inProject.startsWith('..') ? filename : inProject).split(/[\\/]/).filter(Boolean);
  const name = segments.pop() ?? '';
  return TEST_FILE_NAME.test(name) || segments.some((segment) => TEST_FOLDER.test(segment));
}

interface BulwarkSettings {
  readonly ignoreTestFiles?: boolean;
}

/** `rule`, reporting nothing in test files when the settings say `bulwark: { ignoreTestFiles: true }`. */
export function ignoringTestFiles<Rule extends TSESLint.RuleModule<string, readonly unknown[], unknown>>(rule: Rule): Rule {
  return {
    ...rule,
    create(context) {
      const settings = context.settings['bulwark'] as BulwarkSettings | undefined;
      if (settings?.ignoreTestFiles === true && isTestFile(context.filename, context.cwd)) return {};
      return rule.create(context);
    },
  };
}
