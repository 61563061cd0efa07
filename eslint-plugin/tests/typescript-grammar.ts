/**
 * `runRuleTestsWithTypeScriptCheck`: `runRuleTests`, plus a check that every suggestion (and
 * autofix) the rule offers on the invalid cases gives code TypeScript itself accepts: no syntax
 * error and no grammar error. The TS parser ESLint uses is lenient where the compiler is not
 * (`retry(() => fetch(await url()))` parses, then fails tsc with TS1308), so the outputs are run
 * through the TypeScript checker with no lib and no imports: only its 1xxx diagnostics (syntax
 * and grammar) count, since "cannot find name" is not the suggestion's doing.
 */
import type { RunTests } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import assert from 'node:assert/strict';
import { typeScriptGrammarErrors as grammarErrorsOf } from '../scripts/typescript-grammar.mjs';
import { lintWith, runRuleTests } from './setup.js';

type AnyRule = TSESLint.RuleModule<string, readonly unknown[]>;

/** Syntax and grammar errors TypeScript reports for a rule test's `code` as the file `filename`. */
export function typeScriptGrammarErrors(code: string, filename: string): string[] {
  // A JavaScript case is checked as TypeScript: the rules' outputs must be valid in both.
  const name = /\.[cm]?[jt]sx?$/.test(filename) ? filename.replace(/\.([cm]?)js(x?)$/, '.$1ts$2') : `${filename}.ts`;
  return grammarErrorsOf(code, name, { forceModule: true });
}

export function runRuleTestsWithTypeScriptCheck<MessageIds extends string, Options extends readonly unknown[]>(
  name: string,
  rule: TSESLint.RuleModule<MessageIds, Options>,
  tests: RunTests<MessageIds, Options>,
): void {
  runRuleTests(name, rule, tests);
  describe(`${name}: every suggestion passes TypeScript's syntax and grammar checks`, () => {
    tests.invalid.forEach((test, index) => {
      if (test.languageOptions?.parser) return;
      const label = test.name ?? `invalid #${index + 1}: ${test.code.split('\n', 1)[0]}`;
      it(label, () => {
        const filename = test.filename ?? 'file.ts';
        const messages = lintWith(name, rule as unknown as AnyRule, test as never, 'typescript', test.code);
        for (const message of messages) {
          const fixes = [message.fix, ...(message.suggestions ?? []).map((suggestion) => suggestion.fix)];
          for (const fix of fixes) {
            if (!fix) continue;
            const output = test.code.slice(0, fix.range[0]) + fix.text + test.code.slice(fix.range[1]);
            // Only what the suggestion introduces counts: a case may start from code tsc rejects.
            const before = new Set(typeScriptGrammarErrors(test.code, filename));
            const introduced = typeScriptGrammarErrors(output, filename).filter((error) => !before.has(error));
            assert.deepEqual(introduced, [], `TypeScript rejects the suggestion's output:\n${output}`);
          }
        }
      });
    });
  });
}
