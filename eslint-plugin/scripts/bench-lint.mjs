// `npm run bench:lint`: what the bulwark rules cost on the corpus (see corpus-files.mjs).
//   1. whole run: ESLint with no rules vs every bulwark rule vs core `no-unused-vars` alone
//      (best of interleaved rounds, the least disturbed by other jobs; files read into memory first);
//   2. per rule, parsing excluded: each file is parsed once and the same AST is linted under
//      each scenario (best of the rounds); a rule's cost is its time minus the no-rule time;
//   3. per rule as `TIMING=all` measures it (Linter `stats`).
// Writes ../docs/lint-bench.md. Usage: node scripts/bench-lint.mjs [--rounds N]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import globals from 'globals';
import plugin from '../dist/index.js';
import { corpusFiles, ensureCorpus, isTypeScript, pluginRoot, sourceTypeOf } from './corpus-files.mjs';
import { normalized } from './corpus-lint.mjs';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${process.argv[roundsArg + 1]}`);

ensureCorpus();
const files = corpusFiles().map((file) => ({ ...file, code: readFileSync(file.path, 'utf8') }));
const bulwarkRules = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`bulwark/${name}`, 'error']));
const ruleCount = Object.keys(bulwarkRules).length;
const linter = new Linter({ configType: 'flat' });
// Inline `/* eslint ... */` comments in the corpus would switch on rules that are not being measured.
const linterOptions = { noInlineConfig: true, reportUnusedDisableDirectives: 'off' };

// Control: a rule with no listeners measures what ESLint charges any rule per file
// (context creation, option handling), the floor under each of the twelve.
const control = { meta: { type: 'problem', schema: [] }, create: () => ({}) };

function configs(rules) {
  const base = { ecmaVersion: 'latest', globals: { ...globals.node } };
  const plugins = { bulwark: plugin, control: { rules: { 'empty-rule': control } } };
  const config = (languageOptions) =>
    normalized([{ files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'], languageOptions: { ...base, ...languageOptions }, linterOptions, plugins, rules }]);
  return {
    ts: config({ parser: tsParser, sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } }),
    module: config({ sourceType: 'module' }),
    commonjs: config({ sourceType: 'commonjs' }),
  };
}

/** Lints `code` as `kind`, or as the other module system when it only parses that way. */
function lintFile(file, byKind, lint) {
  const kind = isTypeScript(file.path) ? 'ts' : sourceTypeOf(file);
  const messages = lint(file.code, byKind[kind]);
  if (kind === 'ts' || !messages.some((message) => message.fatal)) return kind;
  const other = kind === 'module' ? 'commonjs' : 'module';
  lint(file.code, byKind[other]);
  return other;
}

function wholeRun(rules) {
  const byKind = configs(rules);
  const started = performance.now();
  for (const file of files) lintFile(file, byKind, (code, config) => linter.verify(code, config, { filename: file.path }));
  return performance.now() - started;
}

function statsRun(rules) {
  const byKind = configs(rules);
  const times = {};
  for (const file of files) {
    // Stats are only collected by verifyAndFix; `fix: false` keeps it to one plain lint pass.
    lintFile(file, byKind, (code, config) => linter.verifyAndFix(code, config, { filename: file.path, stats: true, fix: false }).messages);
    for (const pass of linter.getTimes().passes) {
      for (const [ruleId, time] of Object.entries(pass.rules ?? {})) times[ruleId] = (times[ruleId] ?? 0) + time.total;
    }
  }
  return times;
}

function parsedRun(scenarios) {
  const totals = Object.fromEntries(Object.keys(scenarios).map((name) => [name, 0]));
  const chunkSize = 200; // bounds how many ASTs are alive at once
  const noRules = configs({});
  for (let start = 0; start < files.length; start += chunkSize) {
    const parsed = [];
    for (const file of files.slice(start, start + chunkSize)) {
      let fatal = false;
      const kind = lintFile(file, noRules, (code, config) => {
        const messages = linter.verify(code, config, { filename: file.path });
        fatal = messages.some((message) => message.fatal);
        return messages;
      });
      if (!fatal) parsed.push({ file, kind, sourceCode: linter.getSourceCode() });
    }
    // The first lint of a SourceCode pays one-time work (token and scope caches): not a rule's cost.
    for (const { file, kind, sourceCode } of parsed) linter.verify(sourceCode, noRules[kind], { filename: file.path });
    for (const [name, rules] of Object.entries(scenarios)) {
      const byKind = configs(rules);
      let best = Infinity;
      for (let round = 0; round < rounds; round += 1) {
        const started = performance.now();
        for (const { file, kind, sourceCode } of parsed) linter.verify(sourceCode, byKind[kind], { filename: file.path });
        best = Math.min(best, performance.now() - started);
      }
      totals[name] += best;
    }
  }
  return totals;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

console.error(`bench:lint: ${files.length} files, ${rounds} round(s)`);
wholeRun(bulwarkRules); // JIT warm-up, not measured
const whole = { none: [], bulwark: [], unused: [] };
for (let round = 0; round < rounds; round += 1) {
  for (const [name, rules] of [
    ['none', {}],
    ['bulwark', bulwarkRules],
    ['unused', { 'no-unused-vars': 'error' }],
  ]) {
    whole[name].push(wholeRun(rules));
    console.error(`  whole run, round ${round + 1}, ${name}: ${seconds(whole[name].at(-1))}`);
  }
}
console.error('  per rule on pre-parsed files...');
const parsed = parsedRun({
  none: {},
  ...Object.fromEntries(Object.keys(bulwarkRules).map((id) => [id, { [id]: 'error' }])),
  all: bulwarkRules,
  'no-unused-vars': { 'no-unused-vars': 'error' },
  'control/empty-rule': { 'control/empty-rule': 'error' },
});
const cost = (name) => Math.max(0, parsed[name] - parsed.none);
console.error('  per rule with stats...');
const stats = statsRun({ ...bulwarkRules, 'no-unused-vars': 'error', 'control/empty-rule': 'error' });

const none = Math.min(...whole.none);
const all = Math.min(...whole.bulwark);
const unused = Math.min(...whole.unused);
const lines = files.reduce((sum, file) => sum + file.code.split('\n').length, 0);
const statsBulwark = Object.entries(stats)
  .filter(([id]) => id.startsWith('bulwark/'))
  .reduce((sum, [, ms]) => sum + ms, 0);
const statsFloor = stats['control/empty-rule'] ?? 0;
const statsUnused = stats['no-unused-vars'] ?? 0;

const report = `# Lint benchmark: eslint-plugin-bulwark

Generated by \`npm run bench:lint\` (eslint-plugin/scripts/bench-lint.mjs) on ${new Date().toISOString().slice(0, 10)}:
ESLint ${Linter.version}, Node ${process.version}, ${cpus().length} CPU(s) shared with other jobs, ${rounds} round(s).

Corpus: ${files.length} source files (${lines.toLocaleString('en-US')} lines) from ${new Set(files.map((file) => file.spec)).size} npm packages that ship their sources (\`PACKAGES\` in eslint-plugin/scripts/corpus-files.mjs); TypeScript parsed by @typescript-eslint/parser, JavaScript by espree. Inline \`eslint\` comments are ignored.

## Whole run (parsing included, best of ${rounds} interleaved rounds)

| configuration | time | vs no rules |
| :-- | --: | --: |
| no rules | ${seconds(none)} | 1.000 |
| all ${ruleCount} bulwark rules | ${seconds(all)} | ${(all / none).toFixed(3)} |
| core \`no-unused-vars\` alone | ${seconds(unused)} | ${(unused / none).toFixed(3)} |

All bulwark rules add **${((all / none - 1) * 100).toFixed(1)}%** to the run (target: under 10%). On a machine shared with other jobs this difference is within the noise of a whole run; the parse-free measurement below puts the rules' cost at **${((cost('all') / none) * 100).toFixed(1)}%** of the no-rule run (${cost('all').toFixed(0)} ms of ${seconds(none)}).

## Per rule, parsing excluded (best of ${rounds})

Each file is parsed once; the same AST is linted with no rules (${seconds(parsed.none)}: traversal and directives), with each rule alone, with all bulwark rules, and with \`no-unused-vars\` alone. Cost = time − no-rule time.

| rule | cost | vs \`no-unused-vars\` |
| :-- | --: | --: |
${Object.keys(bulwarkRules)
  .sort((a, b) => cost(b) - cost(a))
  .map((id) => `| \`${id}\` | ${cost(id).toFixed(0)} ms | ${(cost(id) / cost('no-unused-vars')).toFixed(3)} |`)
  .join('\n')}
| **all ${ruleCount} bulwark rules together** | **${cost('all').toFixed(0)} ms** | **${(cost('all') / cost('no-unused-vars')).toFixed(3)}** |
| core \`no-unused-vars\` | ${cost('no-unused-vars').toFixed(0)} ms | 1.000 |
| control: a rule with no listeners | ${cost('control/empty-rule').toFixed(0)} ms | ${(cost('control/empty-rule') / cost('no-unused-vars')).toFixed(3)} |

All ${ruleCount} rules together cost **${(cost('all') / cost('no-unused-vars')).toFixed(2)}×** core \`no-unused-vars\` alone (target: below 1).

## Per rule as \`TIMING=all\` measures it (ESLint \`stats\`)

\`stats\` times every listener call, so rules with cheap listeners on frequent nodes (\`CallExpression\`) also carry the cost of the measurement itself, while \`no-unused-vars\` works in a few calls per file. Use it for the ranking; the table above for the cost.

| rule | time | vs \`no-unused-vars\` |
| :-- | --: | --: |
${Object.entries(stats)
  .sort((a, b) => b[1] - a[1])
  .map(([id, ms]) => `| \`${id}\` | ${ms.toFixed(0)} ms | ${(ms / statsUnused).toFixed(3)} |`)
  .join('\n')}
| **all bulwark rules together** | **${statsBulwark.toFixed(0)} ms** | **${(statsBulwark / statsUnused).toFixed(3)}** |

The control rule (no listeners at all) is charged ${statsFloor.toFixed(0)} ms: ESLint's fixed per-rule, per-file cost, which twelve rules pay twelve times (${(12 * statsFloor).toFixed(0)} ms) and one rule once. Above that floor the twelve rules cost ${(statsBulwark - ruleCount * statsFloor).toFixed(0)} ms, ${((statsBulwark - ruleCount * statsFloor) / (statsUnused - statsFloor)).toFixed(2)}× what \`no-unused-vars\` costs above it.
`;
mkdirSync(join(pluginRoot, '..', 'docs'), { recursive: true });
writeFileSync(join(pluginRoot, '..', 'docs', 'lint-bench.md'), report);
console.log(report);
