#!/usr/bin/env node
// Proves the in-editor linter's fast paths change no result: every file of the plugin's crash
// corpus (eslint-plugin/.corpus, fetched once) is linted by dist/linter.js and by a reference,
// ESLint's Linter with @typescript-eslint/parser as the editor linted before the fast paths (the
// parser's default options, every file parsed). Fails on any difference:
//   `all` rules          every message (fatal parse errors included) of lintText equals the reference's
//   `recommended`/`all`  the bulwark/* messages of lintText with `rulesOnly` (the prefilter skips
//                        files no rule can report on) equal the reference's
// Usage: node scripts/linter-equivalence.mjs [--precision] [--limit N]   (after npm run build)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import plugin from 'eslint-plugin-bulwark';
import { PRECISION_PACKAGES } from '../eslint-plugin/precision/packages.mjs';
import { PACKAGES } from '../eslint-plugin/scripts/corpus-files.mjs';
import { ensurePackages, packageFiles } from '../eslint-plugin/scripts/npm-corpus.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { precision: { type: 'boolean', default: false }, limit: { type: 'string' } } });
const packages = values.precision ? PRECISION_PACKAGES : PACKAGES;
ensurePackages(packages);
const files = packageFiles(packages).slice(0, values.limit ? Number(values.limit) : undefined);
const fast = createRequire(import.meta.url)(path.join(REPO_ROOT, 'dist', 'linter.js'));

// What the extension asks for (diagnostics pass the timeoutMs setting, default 10 000).
const TIMEOUT_MS = 10_000;
const reference = new Linter({ configType: 'flat' });

/** The editor's config before the fast paths: the TypeScript parser with its default options. */
function referenceConfig(name, ruleSet) {
  const chosen = plugin.configs[ruleSet];
  const rules = { ...chosen.rules };
  const entry = rules['bulwark/require-request-timeout'];
  const severity = Array.isArray(entry) ? entry[0] : entry;
  if (severity !== undefined && severity !== 'off') rules['bulwark/require-request-timeout'] = [severity, { timeoutMs: TIMEOUT_MS }];
  return [
    {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      languageOptions: {
        parser: tsParser,
        ecmaVersion: 'latest',
        sourceType: /\.cjs$|\.cts$/.test(name) ? 'commonjs' : 'module',
        parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/.test(name) } },
      },
      plugins: { bulwark: plugin },
      rules,
      ...(chosen.settings ? { settings: chosen.settings } : {}),
      linterOptions: { reportUnusedDisableDirectives: 'off' },
    },
  ];
}

const bulwarkOnly = (messages) => messages.filter((message) => message.ruleId?.startsWith('bulwark/'));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const differences = [];
const skipped = { recommended: 0, all: 0 };
let fatal = 0;
const started = performance.now();
// Rules on in `recommended`: a subset of `all`, with the same options and one more setting
// (ignoreTestFiles) that can only remove reports.
const recommendedIds = new Set(
  Object.entries(plugin.configs.recommended.rules)
    .filter(([, entry]) => (Array.isArray(entry) ? entry[0] : entry) !== 'off')
    .map(([id]) => id),
);

for (const file of files) {
  const text = readFileSync(file.path, 'utf8');
  const name = path.basename(file.path);
  const expectedAll = reference.verify(text, referenceConfig(name, 'all'), { filename: name });
  if (expectedAll.some((message) => message.fatal)) fatal += 1;
  const settingsAll = { timeoutMs: TIMEOUT_MS, ruleSet: 'all' };
  if (!same(fast.lintText(text, file.path, settingsAll), expectedAll)) differences.push(`${file.relativePath} (all, every message)`);
  // A file the prefilter lets through is linted in full and filtered, which the line above checked.
  if (!fast.needsLint(text, file.path, settingsAll)) {
    skipped.all += 1;
    const rulesOnly = fast.lintText(text, file.path, { ...settingsAll, rulesOnly: true });
    if (!same(rulesOnly, bulwarkOnly(expectedAll))) differences.push(`${file.relativePath} (all, rulesOnly)`);
  }
  const settings = { timeoutMs: TIMEOUT_MS, ruleSet: 'recommended' };
  if (fast.needsLint(text, file.path, settings)) continue;
  skipped.recommended += 1;
  // Skipped under recommended: no recommended rule may report. When `all` found none of them, the
  // subset cannot either; otherwise the recommended reference decides.
  const fromRecommendedRules = expectedAll.filter((message) => recommendedIds.has(message.ruleId));
  const expected = fromRecommendedRules.length === 0 ? [] : bulwarkOnly(reference.verify(text, referenceConfig(name, 'recommended'), { filename: name }));
  const rulesOnly = fast.lintText(text, file.path, { ...settings, rulesOnly: true });
  if (!same(rulesOnly, expected)) differences.push(`${file.relativePath} (recommended, rulesOnly)`);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
const share = (count) => `${count} (${Math.round((100 * count) / files.length)}%)`;
console.log(`linter equivalence: ${files.length} files in ${seconds}s (${fatal} do not parse); differences: ${differences.length}`);
console.log(`files the prefilter skips (no rule can report): recommended ${share(skipped.recommended)}, all ${share(skipped.all)}`);
if (differences.length) console.log(`\ndifferent results:\n  ${differences.slice(0, 50).join('\n  ')}`);
process.exitCode = differences.length > 0 || files.length === 0 ? 1 : 0;
