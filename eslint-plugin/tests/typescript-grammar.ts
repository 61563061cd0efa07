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
import ts from 'typescript';
import assert from 'node:assert/strict';
import { lintWith, runRuleTests } from './setup.js';

type AnyRule = TSESLint.RuleModule<string, readonly unknown[]>;

/** Semantic errors a careless splice causes without any lib: duplicate and conflicting declarations. */
const INTRODUCED_BY_SPLICES = new Set([2300, 2440, 2451]);

/** Syntax and grammar errors TypeScript reports for `code` as the file `filename`. */
export function typeScriptGrammarErrors(code: string, filename: string): string[] {
  const name = /\.[cm]?[jt]sx?$/.test(filename) ? filename.replace(/\.([cm]?)js(x?)$/, '.$1ts$2') : `${filename}.ts`;
  const options: ts.CompilerOptions = {
    noLib: true,
    noResolve: true,
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    jsx: ts.JsxEmit.Preserve,
    types: [],
    // The cases are modules (top-level await is fine), as the RuleTester parses them.
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const source = ts.createSourceFile(name, code, ts.ScriptTarget.ESNext, true);
  const host: ts.CompilerHost = {
    getSourceFile: (file) => (file === name ? source : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (file) => file,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (file) => file === name,
    readFile: () => undefined,
  };
  const program = ts.createProgram([name], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics
    .filter((diagnostic) => diagnostic.code < 2000 || INTRODUCED_BY_SPLICES.has(diagnostic.code))
    .map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
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
