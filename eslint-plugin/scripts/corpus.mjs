// `npm run corpus`: lints every file of the crash corpus (corpus-files.mjs) with every bulwark rule
// on, and applies every fix and suggestion of every report, one at a time (suggestion-check.mjs).
// Fails on any rule crash and on any fix or suggestion whose output does not re-parse or adds a
// TypeScript syntax error; prints reports per rule.
//   --precision   the labelled precision corpus (../precision/packages.mjs) instead
//   --verbose     every report's location
import { readFileSync } from 'node:fs';
import plugin from '../dist/index.js';
import { PRECISION_PACKAGES } from '../precision/packages.mjs';
import { PACKAGES } from './corpus-files.mjs';
import { CorpusLinter } from './corpus-lint.mjs';
import { ensurePackages, packageFiles } from './npm-corpus.mjs';
import { brokenFixes } from './suggestion-check.mjs';

const precision = process.argv.includes('--precision');
const packages = precision ? PRECISION_PACKAGES : PACKAGES;
ensurePackages(packages);
const files = packageFiles(packages);
const ruleIds = Object.keys(plugin.rules).map((name) => `bulwark/${name}`);
const linter = new CorpusLinter([{ plugins: { bulwark: plugin }, rules: Object.fromEntries(ruleIds.map((id) => [id, 'error'])) }]);

const reports = Object.fromEntries(ruleIds.map((id) => [id, []]));
const crashes = [];
const unparsable = [];
const broken = [];
let fixesChecked = 0;
let lines = 0;
const started = performance.now();

for (const file of files) {
  const code = readFileSync(file.path, 'utf8');
  lines += code.split('\n').length;
  let result;
  try {
    result = linter.lint(file, code);
  } catch (error) {
    crashes.push(`${file.relativePath}: ${error instanceof Error ? error.stack : error}`);
    continue;
  }
  if (result.fatal) {
    unparsable.push(`${file.relativePath}: ${result.fatal}`);
    continue;
  }
  const baseline = {};
  for (const message of result.messages) {
    if (!message.ruleId?.startsWith('bulwark/')) continue;
    reports[message.ruleId].push(`${file.relativePath}:${message.line}:${message.column}`);
    fixesChecked += (message.fix ? 1 : 0) + (message.suggestions?.length ?? 0);
    broken.push(...brokenFixes(linter, file, code, result.sourceType, message, baseline));
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`corpus: ${files.length} files, ${lines} lines, linted in ${seconds}s with ${ruleIds.length} rules`);
console.log(
  `rule crashes: ${crashes.length}; files that do not parse: ${unparsable.length}; fixes/suggestions applied: ${fixesChecked}, broken: ${broken.length}`,
);
console.log('\nreports per rule:');
for (const id of ruleIds) {
  const found = reports[id];
  console.log(`  ${id.padEnd(38)} ${String(found.length).padStart(5)}${found.length ? `   e.g. ${found.slice(0, 3).join(', ')}` : ''}`);
}
for (const [title, list] of [
  ['crashes', crashes],
  ['unparsable files', unparsable],
  ['fixes and suggestions that break the file', broken],
]) {
  if (list.length) console.log(`\n${title}:\n  ${(title === 'unparsable files' ? list.slice(0, 20) : list).join('\n  ')}`);
}
if (process.argv.includes('--verbose')) {
  for (const id of ruleIds) if (reports[id].length) console.log(`\n${id}:\n  ${reports[id].join('\n  ')}`);
}
process.exitCode = crashes.length > 0 || broken.length > 0 || files.length < 1500 ? 1 : 0;
