// `npm run check:eslint9`: the built plugin under ESLint 9 (the tests run ESLint 10).
// ESLint 9 is installed into the ignored `.corpus/eslint9/`, outside the workspace's lockfile.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import bulwark from '../dist/index.js';
import { corpusRoot, pluginRoot } from './corpus-files.mjs';

const prefix = join(corpusRoot, 'eslint9');
const api = join(prefix, 'node_modules', 'eslint', 'lib', 'api.js');
if (!existsSync(api)) {
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  execFileSync('flock', ['/tmp/bulwark-npm.lock', 'npm', 'install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', 'eslint@9'], {
    stdio: 'inherit',
  });
}
const { ESLint } = await import(api);
assert.match(ESLint.version, /^9\./);

const code = `export async function load() {
  try {
    const response = await fetch('/api/users');
    return response.json();
  } catch {
    return null;
  }
}
`;
const expected = ['bulwark/no-swallowed-error:2', 'bulwark/require-request-timeout:2', 'bulwark/require-retry:1'];
const eslint = new ESLint({
  cwd: pluginRoot,
  overrideConfigFile: true,
  overrideConfig: [
    bulwark.configs.recommended,
    // Every rule at the severity it asks for, whichever the measured precision keeps in `recommended`.
    { rules: Object.fromEntries(Object.entries(bulwark.rules).map(([name, rule]) => [`bulwark/${name}`, rule.meta.docs.recommended || 'error'])) },
    { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tsParser } },
  ],
});
for (const filePath of ['src/load.js', 'src/load.cjs', 'src/load.ts', 'src/load.tsx']) {
  const text = filePath.endsWith('.tsx') ? `${code}export const View = () => <p />;\n` : filePath.endsWith('.cjs') ? code.replace('export ', '') : code;
  const [result] = await eslint.lintText(text, { filePath });
  assert.deepEqual(result.messages.map((message) => `${message.ruleId}:${message.severity}`).sort(), expected, filePath);
}
// Test files: the production-only rules (timeout, retry) are skipped, the others still report.
for (const filePath of ['src/load.test.ts', 'test/load.js', 'src/__tests__/load.ts']) {
  const [result] = await eslint.lintText(code, { filePath });
  assert.deepEqual(result.messages.map((message) => `${message.ruleId}:${message.severity}`).sort(), ['bulwark/no-swallowed-error:2'], filePath);
}
console.log(
  `ESLint ${ESLint.version}: bulwark.configs.recommended with every rule on reports as expected on .js, .cjs, .ts and .tsx, and skips production-only rules in test files`,
);
