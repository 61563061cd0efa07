// The rule tests' cases as data, for running them under another linter (scripts/oxlint-check.mjs).
// Each tests/rules/*.test.ts calls `runRuleTests(name, rule, { valid, invalid })` from ../setup.js;
// a module resolve hook hands those files a stand-in that records the cases instead of running them,
// so the case tables are read from the test files themselves, never copied.
// Run under tsx (the test files are TypeScript): `node --import tsx scripts/…`.
import { readdirSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pluginRoot } from './corpus-files.mjs';

const recorderUrl = new URL('./rule-test-recorder.mjs', import.meta.url).href;
const rulesTestsUrl = pathToFileURL(join(pluginRoot, 'tests', 'rules') + '/').href;

/**
 * Every rule test file's cases: [{ rule, valid: [{ code, filename?, options?, settings? }],
 * invalid: [{ code, filename?, options?, settings?, errors: [{ messageId?, message?, data?, line? }] }] }].
 */
export async function ruleTestCases() {
  register('./rule-test-hooks.mjs', import.meta.url, { data: { recorderUrl, rulesTestsUrl } });
  const { recorded } = await import(recorderUrl);
  const dir = join(pluginRoot, 'tests', 'rules');
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()) {
    await import(pathToFileURL(join(dir, file)).href);
  }
  return recorded.map(({ name, tests }) => ({
    rule: name,
    valid: tests.valid.map((test) => (typeof test === 'string' ? { code: test } : test)),
    invalid: tests.invalid.map((test) => ({ ...test, errors: test.errors.map((error) => (typeof error === 'string' ? { message: error } : error)) })),
  }));
}
