// `npm run bench:oxlint` (also the last step of `npm run bench:lint`): the corpus under Oxlint's JS plugins
// beside ESLint — the same files (corpus-files.mjs), the same twelve bulwark rules, nothing else enabled.
//   ESLint: in-process Linter as bench-lint.mjs runs it (one thread; each file read from disk inside the
//           timing, as the CLI does; TypeScript by @typescript-eslint/parser, JavaScript by espree).
//   Oxlint: the CLI, one process over the explicit file list, built-in rules off, with its default thread
//           count and with --threads=1; the plugin loaded from dist/ through `jsPlugins`.
// Each scenario with no rules too (the parse-and-walk floor). Best of --rounds interleaved rounds.
// Also counts the reports per rule under both, so the times are for the same work.
// Writes (or replaces) the "Oxlint" section of ../docs/lint-bench.md.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import globals from 'globals';
import plugin from '../dist/index.js';
import { corpusFiles, ensureCorpus, isTypeScript, pluginRoot, sourceTypeOf } from './corpus-files.mjs';
import { OXLINT_VERSION, oxlintBinary, runOxlint } from './oxlint-check.mjs';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${process.argv[roundsArg + 1]}`);

ensureCorpus();
const files = corpusFiles();
const ruleNames = Object.keys(plugin.rules);
const bulwarkRules = Object.fromEntries(ruleNames.map((name) => [`bulwark/${name}`, 'error']));

// ---- ESLint
const linter = new Linter({ configType: 'flat' });
const linterOptions = { noInlineConfig: true, reportUnusedDisableDirectives: 'off' };
function eslintConfigs(rules) {
  const base = { ecmaVersion: 'latest', globals: { ...globals.node } };
  const config = (languageOptions) => [
    { files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'], languageOptions: { ...base, ...languageOptions }, linterOptions, plugins: { bulwark: plugin }, rules },
  ];
  return {
    ts: config({ parser: tsParser, sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } }),
    module: config({ sourceType: 'module' }),
    commonjs: config({ sourceType: 'commonjs' }),
  };
}
function eslintRun(rules) {
  const byKind = eslintConfigs(rules);
  const counts = {};
  let fatal = 0;
  const started = performance.now();
  for (const file of files) {
    const code = readFileSync(file.path, 'utf8');
    const kind = isTypeScript(file.path) ? 'ts' : sourceTypeOf(file);
    let messages = linter.verify(code, byKind[kind], { filename: file.path });
    if (kind !== 'ts' && messages.some((message) => message.fatal)) {
      messages = linter.verify(code, byKind[kind === 'module' ? 'commonjs' : 'module'], { filename: file.path });
    }
    for (const message of messages) {
      // (ruleId null: ESLint's notes on the corpus's inline config comments, which are switched off.)
      if (message.fatal) fatal += 1;
      else if (message.ruleId?.startsWith('bulwark/')) counts[message.ruleId] = (counts[message.ruleId] ?? 0) + 1;
    }
  }
  return { ms: performance.now() - started, counts, fatal };
}

// ---- Oxlint
const dir = mkdtempSync(join(tmpdir(), 'bulwark-oxlint-bench-'));
const configFor = (rules) => {
  const path = join(dir, `${Object.keys(rules).length ? 'bulwark' : 'none'}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      plugins: [],
      categories: { correctness: 'off' },
      jsPlugins: [{ name: 'bulwark', specifier: join(pluginRoot, 'dist', 'index.js') }],
      rules,
    }),
  );
  return path;
};
oxlintBinary();
function oxlintRun(rules, threads) {
  const configPath = configFor(rules);
  const started = performance.now();
  // Paths on the command line (the corpus lives in an ignored folder, hence --no-ignore).
  const report = runOxlint(configPath, pluginRoot, ['--no-ignore', ...(threads ? [`--threads=${threads}`] : []), ...files.map((file) => file.path)]);
  const ms = performance.now() - started;
  const counts = {};
  let fatal = 0;
  for (const diagnostic of report.diagnostics) {
    const match = /^bulwark\((.+)\)$/.exec(diagnostic.code ?? '');
    if (match) counts[`bulwark/${match[1]}`] = (counts[`bulwark/${match[1]}`] ?? 0) + 1;
    else fatal += 1;
  }
  return { ms, counts, fatal, threads: report.threads_count, files: report.number_of_files };
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const load = loadavg()[0];
console.error(`bench:oxlint: ${files.length} files, ${rounds} round(s), load average ${load.toFixed(1)}`);
const scenarios = {
  'eslint-none': () => eslintRun({}),
  'eslint-bulwark': () => eslintRun(bulwarkRules),
  'oxlint-none': () => oxlintRun({}),
  'oxlint-bulwark': () => oxlintRun(bulwarkRules),
  'oxlint-none-1': () => oxlintRun({}, 1),
  'oxlint-bulwark-1': () => oxlintRun(bulwarkRules, 1),
};
eslintRun(bulwarkRules); // JIT warm-up, not measured
const best = {};
for (let round = 0; round < rounds; round += 1) {
  for (const [name, run] of Object.entries(scenarios)) {
    const result = run();
    if (!best[name] || result.ms < best[name].ms) best[name] = result;
    console.error(`  round ${round + 1}, ${name}: ${seconds(result.ms)}`);
  }
}
rmSync(dir, { recursive: true, force: true });

const eslintCounts = best['eslint-bulwark'].counts;
const oxlintCounts = best['oxlint-bulwark'].counts;
const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const ruleCost = (name) => best[`${name}-bulwark`].ms - best[`${name}-none`].ms;
const section = `<!-- bench:oxlint start -->
## Oxlint (JS plugins) beside ESLint

Generated by \`npm run bench:oxlint\` (eslint-plugin/scripts/bench-oxlint.mjs) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC:
Oxlint ${OXLINT_VERSION} with the plugin's dist/ as a \`jsPlugins\` entry, ESLint ${Linter.version}, Node ${process.version}, ${cpus().length} CPU(s) shared with other jobs (load average ${load.toFixed(1)} at start), best of ${rounds} interleaved round(s).
The same ${files.length} corpus files, the same ${ruleNames.length} bulwark rules and nothing else (Oxlint's built-in rules off). ESLint runs in-process on one thread, reading each file inside the timing as its CLI does; Oxlint is its CLI over the same file list (its process start included).

| run | no rules (parse and walk) | all ${ruleNames.length} bulwark rules | the rules' cost |
| :-- | --: | --: | --: |
| ESLint (1 thread) | ${seconds(best['eslint-none'].ms)} | ${seconds(best['eslint-bulwark'].ms)} | ${seconds(ruleCost('eslint'))} |
| Oxlint, ${best['oxlint-bulwark'].threads} threads (its default here) | ${seconds(best['oxlint-none'].ms)} | ${seconds(best['oxlint-bulwark'].ms)} | ${seconds(best['oxlint-bulwark'].ms - best['oxlint-none'].ms)} |
| Oxlint, \`--threads=1\` | ${seconds(best['oxlint-none-1'].ms)} | ${seconds(best['oxlint-bulwark-1'].ms)} | ${seconds(best['oxlint-bulwark-1'].ms - best['oxlint-none-1'].ms)} |

With the bulwark rules, Oxlint on one thread takes **${(best['oxlint-bulwark-1'].ms / best['eslint-bulwark'].ms).toFixed(2)} ×** ESLint's time (${(best['oxlint-bulwark'].ms / best['eslint-bulwark'].ms).toFixed(2)} × with its default threads). The rules themselves run in JavaScript under both; Oxlint parses in Rust and hands the JS rules an ESTree-compatible AST, which costs more per file than the rules do under ESLint (the rules' column), but far less than ESLint's own parse.

Reports on the corpus, per rule (the same work, or where it differs):

| rule | ESLint | Oxlint |
| :-- | --: | --: |
${ruleNames.map((name) => `| \`bulwark/${name}\` | ${eslintCounts[`bulwark/${name}`] ?? 0} | ${oxlintCounts[`bulwark/${name}`] ?? 0} |`).join('\n')}
| **total** | **${total(eslintCounts)}** | **${total(oxlintCounts)}** |
| files that did not parse | ${best['eslint-bulwark'].fatal} | ${best['oxlint-bulwark'].fatal} |

Oxlint has no \`sourceType\` setting: a \`.js\` or \`.ts\` file without \`import\`/\`export\` is parsed as a script, where ESLint here parses TypeScript as a module and JavaScript by its package's \`type\`. \`npm run check:oxlint\` runs every rule-test case under Oxlint and compares its reports with the ESLint expectations.
<!-- bench:oxlint end -->
`;
const docPath = join(pluginRoot, '..', 'docs', 'lint-bench.md');
const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Lint benchmark: eslint-plugin-bulwark\n';
const marked = /<!-- bench:oxlint start -->[^]*<!-- bench:oxlint end -->\n?/;
writeFileSync(docPath, marked.test(doc) ? doc.replace(marked, section) : `${doc.trimEnd()}\n\n${section}`);
console.log(section);
