/**
 * `checkSuggestionsCompile(name, rule, invalid)`: for every invalid case, applies every suggestion
 * (and autofix) of every report and asks the TypeScript compiler for the result's syntax and
 * grammar diagnostics (codes below 2000: `await` outside an async function (TS1308), a `throw`
 * where an expression belongs, a missing `;` between statements...). `setup.ts` already checks
 * that each output re-parses with @typescript-eslint/parser and espree; typescript-estree accepts
 * some code that tsc rejects, so this runs tsc's own checker on a one-file program, without the
 * standard library (type errors, 2000 and up, are not the point: the snippets use undeclared names).
 */
import type { InvalidTestCase, RunTests } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import * as tsParser from '@typescript-eslint/parser';
import { Linter, type Rule } from 'eslint';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { runRuleTests } from './setup.js';

/** `runRuleTests`, then `checkSuggestionsCompile` over the same invalid cases. */
export function runRuleTestsCompiled<MessageIds extends string, Options extends readonly unknown[]>(
  name: string,
  rule: TSESLint.RuleModule<MessageIds, Options>,
  tests: RunTests<MessageIds, Options>,
): void {
  runRuleTests(name, rule, tests);
  checkSuggestionsCompile(name, rule as never, tests.invalid as never);
}

const linter = new Linter({ configType: 'flat' });

export function checkSuggestionsCompile(
  name: string,
  rule: TSESLint.RuleModule<string, readonly unknown[]>,
  invalid: readonly InvalidTestCase<string, readonly unknown[]>[],
): void {
  describe(`${name}: every suggestion output has no TypeScript syntax or grammar error`, () => {
    invalid.forEach((test, index) => {
      it(test.name ?? `invalid #${index + 1}`, () => {
        const filename = test.filename ?? 'file.ts';
        const messages = linter.verify(
          test.code,
          [
            {
              files: ['**/*.*'],
              languageOptions: {
                parser: tsParser as unknown as Linter.Parser,
                ecmaVersion: 'latest',
                sourceType: 'module',
                parserOptions: { ecmaFeatures: { jsx: true } },
              },
              plugins: { bulwark: { rules: { [name]: rule as unknown as Rule.RuleModule } } },
              rules: { [`bulwark/${name}`]: ['error', ...((test.options ?? []) as unknown[])] as Linter.RuleEntry },
            },
          ],
          filename,
        );
        for (const message of messages) {
          const fixes = [message.fix, ...(message.suggestions ?? []).map((suggestion) => suggestion.fix)];
          for (const fix of fixes) {
            if (!fix) continue;
            const output = test.code.slice(0, fix.range[0]) + fix.text + test.code.slice(fix.range[1]);
            const errors = tsGrammarErrors(output, filename);
            assert.deepEqual(errors, [], `suggestion output does not compile:\n${output}`);
          }
        }
      });
    });
  });
}

/** tsc's syntactic and grammar diagnostics (codes < 2000) for `code` as a one-file program. */
export function tsGrammarErrors(code: string, filename: string): string[] {
  const host = ts.createCompilerHost({});
  const fileName = filename.replace(/\.jsx$/, '.tsx').replace(/\.js$/, '.ts');
  const options: ts.CompilerOptions = {
    noLib: true,
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    jsx: ts.JsxEmit.Preserve,
    types: [],
  };
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.ESNext, true);
  host.getSourceFile = (requested) => (requested === fileName ? source : undefined);
  host.fileExists = (requested) => requested === fileName;
  host.readFile = (requested) => (requested === fileName ? code : undefined);
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return (
    diagnostics
      .filter((diagnostic) => diagnostic.code < 2000 && diagnostic.category === ts.DiagnosticCategory.Error)
      // TS1375/1378: top-level `await` needs a module target, which the snippets' context decides.
      .filter((diagnostic) => diagnostic.code !== 1375 && diagnostic.code !== 1378)
      .map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
  );
}
