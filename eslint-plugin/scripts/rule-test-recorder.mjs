// Stand-in for tests/setup.ts while rule-test-cases.mjs reads the case tables: records, runs nothing.
export const recorded = [];

// Some test files add plain mocha tests (option validation) beside the case table: not cases, skipped.
globalThis.describe ??= () => undefined;
globalThis.it ??= () => undefined;

export function runRuleTests(name, _rule, tests) {
  recorded.push({ name, tests });
}
