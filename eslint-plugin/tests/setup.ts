/**
 * Shared test harness for every bulwark rule. `runRuleTests(name, rule, cases)`:
 *   1. runs all cases through @typescript-eslint/rule-tester (parser: @typescript-eslint/parser);
 *   2. runs every case that espree can parse (code and expected outputs) through ESLint's own
 *      RuleTester, so the rule is proven on plain JavaScript too (`.ts` → `.js`, `.tsx` → `.jsx`);
 *   3. for every invalid case and both parsers, applies each autofix and suggestion and checks
 *      that the result re-parses, that it resolves the report it came from, and that applying
 *      the same kind of fix again and again converges (no duplicated imports, wraps or rethrows).
 */
import { RuleTester, type InvalidTestCase, type RunTests, type ValidTestCase } from '@typescript-eslint/rule-tester';
import type { TSESLint } from '@typescript-eslint/utils';
import * as tsParser from '@typescript-eslint/parser';
import { Linter, RuleTester as CoreRuleTester, type Rule } from 'eslint';
import * as espree from 'espree';
import assert from 'node:assert/strict';

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

type AnyRule = TSESLint.RuleModule<string, readonly unknown[]>;
type ParserName = 'typescript' | 'espree';

const typescriptTester = new RuleTester();
const espreeTester = new CoreRuleTester({
  languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
});

export function runRuleTests<MessageIds extends string, Options extends readonly unknown[]>(
  name: string,
  rule: TSESLint.RuleModule<MessageIds, Options>,
  tests: RunTests<MessageIds, Options>,
): void {
  const valid = tests.valid.map((test) => (typeof test === 'string' ? { code: test } : test));
  const invalid = tests.invalid;
  const espreeValid = valid.filter(parsesUnderEspree).map(toEspreeCase);
  const espreeInvalid = invalid.filter(parsesUnderEspree).map(toEspreeCase);

  describe(name, () => {
    describe('@typescript-eslint/parser', () => {
      // The rule tester bundles its own @typescript-eslint/utils; the rule types are the same shape.
      typescriptTester.run<MessageIds, Options>(name, rule as never, { valid, invalid });
    });
    describe('espree', () => {
      it('has JavaScript cases (each rule must work without TypeScript)', () => {
        assert.ok(espreeValid.length > 0 && espreeInvalid.length > 0, 'no valid or no invalid case parses under espree');
      });
      espreeTester.run(name, rule as unknown as Rule.RuleModule, {
        valid: dedupe(espreeValid) as CoreRuleTester.ValidTestCase[],
        invalid: dedupe(espreeInvalid) as unknown as CoreRuleTester.InvalidTestCase[],
      });
    });
    describe('fixes and suggestions re-parse and converge', () => {
      invalid.forEach((test, index) => {
        const label = test.name ?? `invalid #${index + 1}: ${test.code.split('\n', 1)[0]}`;
        it(`${label} (@typescript-eslint/parser)`, () => checkFixes(name, rule as AnyRule, test, 'typescript'));
        if (parsesUnderEspree(test)) {
          it(`${label} (espree)`, () => checkFixes(name, rule as AnyRule, toEspreeCase(test), 'espree'));
        }
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// espree variants of the cases

type AnyCase = ValidTestCase<readonly unknown[]> & Partial<Pick<InvalidTestCase<string, readonly unknown[]>, 'errors' | 'output'>>;

function espreeFilename(filename: string | undefined): string {
  if (filename === undefined) return 'file.js';
  return filename
    .replace(/\.tsx$/, '.jsx')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs')
    .replace(/\.ts$/, '.js');
}

function sourceTypeOf(filename: string): 'module' | 'commonjs' {
  return filename.endsWith('.cjs') ? 'commonjs' : 'module';
}

function espreeParses(code: string, filename: string): boolean {
  try {
    espree.parse(code, {
      ecmaVersion: 'latest',
      sourceType: sourceTypeOf(filename),
      ecmaFeatures: { jsx: true },
    });
    return true;
  } catch {
    return false;
  }
}

function parsesUnderEspree(test: AnyCase): boolean {
  if (test.languageOptions?.parser) return false;
  const filename = espreeFilename(test.filename);
  const outputs: string[] = [test.code];
  if (typeof test.output === 'string') outputs.push(test.output);
  if (Array.isArray(test.output)) outputs.push(...(test.output as string[]));
  for (const error of test.errors ?? []) {
    for (const suggestion of error.suggestions ?? []) outputs.push(suggestion.output);
  }
  return outputs.every((code) => espreeParses(code, filename));
}

function toEspreeCase<T extends AnyCase>(test: T): T {
  const { dependencyConstraints: _constraints, skip: _skip, languageOptions, ...rest } = test;
  const filename = espreeFilename(test.filename);
  const converted: Record<string, unknown> = {
    ...rest,
    filename,
    languageOptions: {
      ...(languageOptions?.globals ? { globals: languageOptions.globals } : {}),
      sourceType: sourceTypeOf(filename),
    },
  };
  if (test.errors) {
    // Node `type`s can differ between the two parsers; message ids and positions cannot.
    converted['errors'] = test.errors.map(({ type: _type, ...error }) => error);
  }
  return converted as unknown as T;
}

function dedupe<T extends AnyCase>(tests: T[]): T[] {
  const seen = new Set<string>();
  return tests.filter((test) => {
    const key = JSON.stringify([test.code, test.filename, test.options, test.settings]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// fix / suggestion checks

const linter = new Linter({ configType: 'flat' });
const ALL_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx', '**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];

function lintConfig(ruleName: string, rule: AnyRule | undefined, test: AnyCase, parser: ParserName): Linter.Config[] {
  const filename = test.filename ?? (parser === 'typescript' ? 'file.ts' : 'file.js');
  return [
    {
      files: ALL_FILES,
      languageOptions: {
        ...(parser === 'typescript' ? { parser: tsParser as unknown as Linter.Parser } : {}),
        ecmaVersion: 'latest',
        sourceType: sourceTypeOf(filename),
        parserOptions: { ecmaFeatures: { jsx: true } },
        ...(test.languageOptions?.globals ? { globals: test.languageOptions.globals } : {}),
      },
      ...(rule
        ? {
            plugins: { bulwark: { rules: { [ruleName]: rule as unknown as Rule.RuleModule } } },
            rules: { [`bulwark/${ruleName}`]: ['error', ...((test.options ?? []) as unknown[])] as Linter.RuleEntry },
          }
        : {}),
    },
  ];
}

function filenameOf(test: AnyCase, parser: ParserName): string {
  return test.filename ?? (parser === 'typescript' ? 'file.ts' : 'file.js');
}

/** Lints `code`; throws when the rule crashes, fails when the code does not parse. */
export function lintWith(ruleName: string, rule: AnyRule | undefined, test: AnyCase, parser: ParserName, code: string): Linter.LintMessage[] {
  const messages = linter.verify(code, lintConfig(ruleName, rule, test, parser), filenameOf(test, parser));
  const fatal = messages.find((message) => message.fatal);
  assert.equal(fatal, undefined, `does not parse (${parser}): ${fatal?.message}\n---\n${code}`);
  return messages;
}

function applyFix(code: string, fix: Rule.Fix): string {
  return code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
}

function checkFixes(ruleName: string, rule: AnyRule, test: AnyCase, parser: ParserName): void {
  const messages = lintWith(ruleName, rule, test, parser, test.code);
  const countOf = (list: Linter.LintMessage[], messageId: string | undefined) => list.filter((message) => message.messageId === messageId).length;

  for (const message of messages) {
    const fixes: Array<[string, Rule.Fix]> = [];
    if (message.fix) fixes.push(['autofix', message.fix]);
    for (const suggestion of message.suggestions ?? []) fixes.push([`suggestion "${suggestion.desc}"`, suggestion.fix]);

    for (const [kind, fix] of fixes) {
      const output = applyFix(test.code, fix);
      const after = lintWith(ruleName, rule, test, parser, output);
      assert.ok(
        countOf(after, message.messageId) < countOf(messages, message.messageId),
        `${kind} did not resolve the "${message.messageId}" report it was offered for:\n${output}`,
      );
    }
  }

  // Apply the first fix of every remaining report, one at a time, as a user clicking through
  // them would: each step must parse and the process must end (no fix re-creates its problem).
  const firstSuggestionId = messages.find((message) => message.suggestions?.length)?.suggestions?.[0]?.messageId;
  let code = test.code;
  for (let step = 0; ; step += 1) {
    const current = lintWith(ruleName, rule, test, parser, code);
    const next =
      current.find((message) => message.fix) ??
      current.find((message) => message.suggestions?.[0]?.messageId === firstSuggestionId && firstSuggestionId !== undefined);
    if (!next) break;
    assert.ok(step <= messages.length, `fixes do not converge after ${step} steps:\n${code}`);
    const fix = next.fix ?? next.suggestions?.[0]?.fix;
    assert.ok(fix);
    code = applyFix(code, fix);
  }

  // The autofixed result is a fixpoint: fixing it again changes nothing.
  const fixed = linter.verifyAndFix(test.code, lintConfig(ruleName, rule, test, parser), filenameOf(test, parser));
  const again = linter.verifyAndFix(fixed.output, lintConfig(ruleName, rule, test, parser), filenameOf(test, parser));
  assert.equal(again.output, fixed.output, 'autofix is not idempotent');
  assert.equal(again.fixed, false, 'autofix is not idempotent');
}
