// Stand-in for tests/setup.ts while rule-test-cases.mjs reads the case tables: records, runs nothing.
export const recorded = [];

// Some test files add plain mocha tests (option validation) beside the case table: not cases, skipped.
globalThis.describe ??= () => undefined;
globalThis.it ??= () => undefined;

export function runRuleTests(name, _rule, tests) {
  recorded.push({ name, tests });
}

// Helpers that wrap runRuleTests (tests/typescript-grammar.ts) also import lintWith; it only runs
// inside their own mocha tests, which the stand-in `it` above never calls.
export function lintWith() {
  throw new Error('lintWith is not available while recording rule-test cases');
}
