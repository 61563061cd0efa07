// `npm run corpus`: lints every corpus file with every bulwark rule on.
// Fails on any rule crash, or any fix/suggestion whose output does not parse; prints reports per rule.
import { readFileSync } from 'node:fs';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import globals from 'globals';
import plugin from '../dist/index.js';
import { corpusFiles, ensureCorpus, isTypeScript, sourceTypeOf } from './corpus-files.mjs';

ensureCorpus();
const files = corpusFiles();
const ruleIds = Object.keys(plugin.rules).map((name) => `bulwark/${name}`);
const linter = new Linter({ configType: 'flat' });

function configFor(file, sourceType, withRules) {
  return [
    {
      files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
      languageOptions: {
        ecmaVersion: 'latest',
        sourceType,
        globals: { ...globals.node },
        parserOptions: { ecmaFeatures: { jsx: /\.[jt]sx$/.test(file.path) } },
        ...(isTypeScript(file.path) ? { parser: tsParser } : {}),
      },
      linterOptions: { reportUnusedDisableDirectives: 'off' },
      ...(withRules ? { plugins: { bulwark: plugin }, rules: Object.fromEntries(ruleIds.map((id) => [id, 'error'])) } : {}),
    },
  ];
}

const reports = Object.fromEntries(ruleIds.map((id) => [id, []]));
const crashes = [];
const unparsable = [];
const brokenFixes = [];
let fixesChecked = 0;
let lines = 0;
const started = performance.now();

for (const file of files) {
  const code = readFileSync(file.path, 'utf8');
  lines += code.split('\n').length;
  let sourceType = sourceTypeOf(file);
  let messages;
  try {
    messages = linter.verify(code, configFor(file, sourceType, true), { filename: file.path });
    // Some packages mix module systems; a file that only parses the other way is linted that way.
    if (messages.some((message) => message.fatal) && !isTypeScript(file.path)) {
      sourceType = sourceType === 'module' ? 'commonjs' : 'module';
      messages = linter.verify(code, configFor(file, sourceType, true), { filename: file.path });
    }
  } catch (error) {
    crashes.push(`${file.relativePath}: ${error instanceof Error ? error.stack : error}`);
    continue;
  }
  const fatal = messages.find((message) => message.fatal);
  if (fatal) {
    unparsable.push(`${file.relativePath}: ${fatal.message}`);
    continue;
  }
  for (const message of messages) {
    if (!message.ruleId?.startsWith('bulwark/')) continue;
    reports[message.ruleId].push(`${file.relativePath}:${message.line}:${message.column}`);
    const fixes = [message.fix, ...(message.suggestions ?? []).map((suggestion) => suggestion.fix)].filter(Boolean);
    for (const fix of fixes) {
      fixesChecked += 1;
      const output = code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
      const parsed = linter.verify(output, configFor(file, sourceType, false), { filename: file.path });
      const error = parsed.find((result) => result.fatal);
      if (error) brokenFixes.push(`${file.relativePath}:${message.line} ${message.ruleId}: ${error.message}`);
    }
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`corpus: ${files.length} files, ${lines} lines, linted in ${seconds}s with ${ruleIds.length} rules`);
console.log(`rule crashes: ${crashes.length}; files that do not parse: ${unparsable.length}; fixes/suggestions applied: ${fixesChecked}, not re-parsing: ${brokenFixes.length}`);
console.log('\nreports per rule:');
for (const id of ruleIds) {
  const found = reports[id];
  console.log(`  ${id.padEnd(38)} ${String(found.length).padStart(5)}${found.length ? `   e.g. ${found.slice(0, 3).join(', ')}` : ''}`);
}
for (const [title, list] of [['crashes', crashes], ['unparsable files', unparsable], ['fixes that do not parse', brokenFixes]]) {
  if (list.length) console.log(`\n${title}:\n  ${list.slice(0, 20).join('\n  ')}`);
}
if (process.argv.includes('--verbose')) {
  for (const id of ruleIds) if (reports[id].length) console.log(`\n${id}:\n  ${reports[id].join('\n  ')}`);
}
process.exitCode = crashes.length > 0 || brokenFixes.length > 0 || files.length < 1500 ? 1 : 0;
