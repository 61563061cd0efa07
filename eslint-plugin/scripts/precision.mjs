// `npm run precision`: lints the labelled precision corpus (../precision/packages.mjs) with every
// rule on, matches each report to its label in ../precision/labels.json, and writes
// ../../docs/lint-precision.md: per rule, reports, reports per 1,000 files, TP/FP/debatable and
// precision on the labelled reports of what `recommended` reports with the rule in it (it skips
// test files for the production-only rules, judged by the plugin's own isTestFile).
//   --unlabelled            print every report still to label, with the code around it
//   --apply <file.tsv>      add labels: one `id<TAB>TP|FP|debatable<TAB>reason` per line (ids from --unlabelled)
//   --check                 fail when a report to label has no label (for CI, once labelling is done)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BELOW_PRECISION_TARGET } from '../dist/configs/precision.js';
import { isTestFile, PRODUCTION_ONLY_RULES } from '../dist/configs/test-files.js';
import plugin from '../dist/index.js';
import { keyString, readLabels, reportKeys, sampleOf, VERDICTS, writeLabels } from '../precision/labels.mjs';
import { PRECISION_PACKAGES } from '../precision/packages.mjs';
import { renderPrecisionDoc } from '../precision/precision-doc.mjs';
import { CorpusLinter } from './corpus-lint.mjs';
import { ensurePackages, packageFiles, pluginRoot } from './npm-corpus.mjs';

const CONTEXT_LINES = 4;
const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);

ensurePackages(PRECISION_PACKAGES);
const files = packageFiles(PRECISION_PACKAGES);
const ruleNames = Object.keys(plugin.rules).sort();
const recommendedRules = plugin.configs.recommended.rules;
const linter = new CorpusLinter([{ plugins: { bulwark: plugin }, rules: Object.fromEntries(ruleNames.map((name) => [`bulwark/${name}`, 'error'])) }]);

const started = performance.now();
const reports = [];
const unparsable = [];
let lines = 0;
for (const file of files) {
  const code = readFileSync(file.path, 'utf8');
  const fileLines = code.split('\n');
  lines += fileLines.length;
  const result = linter.lint(file, code);
  if (result.fatal) {
    unparsable.push(`${file.relativePath}: ${result.fatal}`);
    continue;
  }
  const messages = result.messages.filter((message) => message.ruleId?.startsWith('bulwark/'));
  const keys = reportKeys(file, fileLines, messages);
  messages.forEach((message, index) => {
    const name = message.ruleId.slice('bulwark/'.length);
    // What `recommended` would report with the rule in it, so that a rule's membership does not
    // change the population its membership is decided on.
    const inScope = !(PRODUCTION_ONLY_RULES.includes(name) && isTestFile(file.packagePath, '.'));
    reports.push({ file, fileLines, message, name, key: keys[index], inScope });
  });
}
const lintSeconds = (performance.now() - started) / 1000;

const idOf = (report) => createHash('sha256').update(keyString(report.key)).digest('hex').slice(0, 10);
const applyPath = argument('--apply');
if (applyPath) {
  const byId = new Map(reports.map((report) => [idOf(report), report]));
  const added = [];
  for (const line of readFileSync(applyPath, 'utf8')
    .split('\n')
    .filter((text) => text.trim())) {
    const [id, verdict, ...reason] = line.split('\t');
    const report = byId.get(id.trim());
    if (!report) throw new Error(`--apply: no report with id ${id}`);
    if (!VERDICTS.includes(verdict)) throw new Error(`--apply: ${id}: verdict must be ${VERDICTS.join('/')}, got ${verdict}`);
    added.push({ ...report.key, verdict, reason: reason.join(' ').trim() });
  }
  const merged = readLabels();
  for (const label of added) merged.set(keyString(label), label);
  writeLabels([...merged.values()]);
  console.log(`precision: ${added.length} labels applied`);
}

const labels = readLabels();
const perRule = ruleNames.map((name) => {
  const all = reports.filter((report) => report.name === name);
  // The contract is the precision of what `recommended` shows, so the sample is drawn from it.
  const inScope = all.filter((report) => report.inScope);
  const toLabel = new Set(sampleOf(inScope));
  const labelled = inScope.filter((report) => labels.has(keyString(report.key)));
  const counts = Object.fromEntries(
    VERDICTS.map((verdict) => [verdict, labelled.filter((report) => labels.get(keyString(report.key)).verdict === verdict).length]),
  );
  const unlabelled = [...toLabel].filter((report) => !labels.has(keyString(report.key)));
  return { name, all, inScope, toLabel, labelled, counts, unlabelled, recommended: recommendedRules[`bulwark/${name}`] ?? false };
});

const matched = new Set(reports.map((report) => keyString(report.key)));
const stale = [...labels.values()].filter((label) => !matched.has(keyString(label)));

const doc = renderPrecisionDoc({ files, lines, packages: PRECISION_PACKAGES, perRule, stale, unparsable, outOfRecommended: BELOW_PRECISION_TARGET });
writeFileSync(join(pluginRoot, '..', 'docs', 'lint-precision.md'), doc);

console.log(`precision: ${files.length} files, ${lines} lines, ${reports.length} reports, linted in ${lintSeconds.toFixed(1)}s; wrote docs/lint-precision.md`);
for (const rule of perRule) {
  console.log(
    `  ${rule.name.padEnd(30)} ${String(rule.all.length).padStart(5)} reports, ${String(rule.inScope.length).padStart(5)} in scope, labelled ${rule.labelled.length} (TP ${rule.counts.TP} FP ${rule.counts.FP} debatable ${rule.counts.debatable}), to label ${rule.unlabelled.length}`,
  );
}
if (stale.length) console.log(`\n${stale.length} labels match no report any more (fixed or moved): see docs/lint-precision.md`);
if (process.argv.includes('--unlabelled')) {
  for (const rule of perRule) {
    for (const report of rule.unlabelled) {
      const { line, column, message } = report.message;
      const from = Math.max(0, line - 1 - CONTEXT_LINES);
      const context = report.fileLines
        .slice(from, line + CONTEXT_LINES)
        .map((text, offset) => `${from + offset + 1 === line ? '>' : ' '}${String(from + offset + 1).padStart(5)} | ${text}`);
      console.log(
        `\n[${idOf(report)}] bulwark/${rule.name} ${report.file.spec} ${report.file.packagePath}:${line}:${column}\n  ${message}\n${context.join('\n')}`,
      );
    }
  }
}
const missing = perRule.reduce((sum, rule) => sum + rule.unlabelled.length, 0);
if (process.argv.includes('--check') && missing > 0) {
  console.error(`\n${missing} reports to label have no label: run with --unlabelled`);
  process.exitCode = 1;
}
