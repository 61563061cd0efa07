// `npm run check:oxlint`: the built plugin under Oxlint's JS plugins, on every case of the rule tests.
// Reads the case tables of tests/rules/*.test.ts (rule-test-cases.mjs), writes each case to a file of its
// own (its filename, or file.mts: see below; plus the plain-JavaScript variant the ESLint suite also runs, where espree
// parses it), gives each case's rule options to Oxlint through one .oxlintrc.json (an override per case),
// runs Oxlint once over all of them, and checks: every invalid case is reported by its rule with the same
// messages (messageId, read back from the message text), at the same lines and columns, and every valid
// case is not reported at all. Oxlint is installed into the ignored `.corpus/oxlint/`, like ESLint 9.
// Run under tsx (the test files are TypeScript): `node --import tsx scripts/oxlint-check.mjs [--keep]`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
import * as espree from 'espree';
import plugin from '../dist/index.js';
import { corpusRoot, pluginRoot } from './corpus-files.mjs';
import { ruleTestCases } from './rule-test-cases.mjs';

export const OXLINT_VERSION = '1.95.0';

/** The pinned oxlint binary, installed on first use. */
export function oxlintBinary() {
  const prefix = join(corpusRoot, 'oxlint');
  const bin = join(prefix, 'node_modules', '.bin', 'oxlint');
  const installed = join(prefix, 'node_modules', 'oxlint', 'package.json');
  if (!existsSync(bin) || !existsSync(installed) || !execFileSync(bin, ['--version'], { encoding: 'utf8' }).includes(OXLINT_VERSION)) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
    execFileSync(
      'flock',
      ['/tmp/bulwark-npm.lock', 'npm', 'install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', `oxlint@${OXLINT_VERSION}`],
      {
        stdio: 'inherit',
      },
    );
  }
  return bin;
}

/** Runs oxlint with `config` and `args` (options and paths) in `cwd`; returns its JSON report. */
export function runOxlint(configPath, cwd, args) {
  const run = spawnSync(oxlintBinary(), ['-c', configPath, '-f', 'json', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  // Exit status 1 means "reported something"; anything else is oxlint failing.
  if (run.status !== 0 && run.status !== 1) throw new Error(`oxlint exited ${run.status}:\n${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  const start = run.stdout.indexOf('{');
  return { ...JSON.parse(run.stdout.slice(start)), stderr: run.stderr };
}

// ---------------------------------------------------------------------------------------------

function jsFilename(filename) {
  return filename
    .replace(/\.tsx$/, '.jsx')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs')
    .replace(/\.ts$/, '.js');
}

/** The same test as tests/setup.ts uses to decide which cases also run as plain JavaScript. */
function parsesAsJavaScript(code, filename) {
  try {
    espree.parse(code, { ecmaVersion: 'latest', sourceType: filename.endsWith('.cjs') ? 'commonjs' : 'module', ecmaFeatures: { jsx: true } });
    return true;
  } catch {
    return false;
  }
}

/** messageId of a reported message text, by the rule's message templates (`{{ data }}` matches anything). */
function messageIdsOf(ruleName) {
  const templates = Object.entries(plugin.rules[ruleName].meta.messages ?? {}).map(([id, template]) => {
    const pattern = template
      .split(/\{\{\s*[^}]+?\s*\}\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^]*?');
    return [id, new RegExp(`^${pattern}$`)];
  });
  return (message) => templates.filter(([, pattern]) => pattern.test(message)).map(([id]) => id);
}

async function main() {
  const keep = process.argv.includes('--keep');
  const started = performance.now();
  const rules = await ruleTestCases();
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-oxlint-'));
  const files = new Map(); // relative path → case record
  const overrides = [];
  let index = 0;
  for (const { rule, valid, invalid } of rules) {
    overrides.push({ files: [`${rule}/**`], rules: { [`bulwark/${rule}`]: 'error' } });
    const all = [...valid.map((test) => ({ test, valid: true })), ...invalid.map((test) => ({ test, valid: false }))];
    for (const { test, valid: isValid } of all) {
      // The rule tests parse every case as a module (sourceType: module) under the default name file.ts.
      // Oxlint has no sourceType setting: it parses a .ts or .js file without import/export as a script,
      // where top-level `await x` is a call of a function named `await` and top-level `for await` a syntax
      // error. The module extensions (.mts, .mjs) are how Oxlint is told "module", so those are used.
      // An absolute filename (fixtures in a temp project) keeps its last path parts under the case's folder.
      const filename = test.filename ? (isAbsolute(test.filename) ? test.filename.split(sep).slice(-3).join('/') : test.filename) : 'file.mts';
      const variants = [['typescript', filename]];
      if (!test.languageOptions?.parser && parsesAsJavaScript(test.code, jsFilename(filename))) variants.push(['javascript', jsFilename(filename)]);
      for (const [variant, name] of variants) {
        const caseDir = `${rule}/${String(++index).padStart(4, '0')}`;
        const path = `${caseDir}/${name}`;
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), test.code);
        files.set(path, { rule, test, valid: isValid, variant, path });
        if (test.options?.length || test.settings) {
          overrides.push({
            files: [`${caseDir}/**`],
            rules: { [`bulwark/${rule}`]: ['error', ...(test.options ?? [])] },
            ...(test.settings ? { settings: test.settings } : {}),
          });
        }
      }
    }
  }
  const config = {
    // Only the bulwark rule under test runs on each file: no built-in plugins or categories.
    plugins: [],
    categories: { correctness: 'off' },
    jsPlugins: [{ name: 'bulwark', specifier: join(pluginRoot, 'dist', 'index.js') }],
    overrides,
  };
  const configPath = join(dir, '.oxlintrc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const prepared = performance.now();
  const report = runOxlint(configPath, dir, [dir]);
  const linted = performance.now();

  const byFile = new Map();
  for (const diagnostic of report.diagnostics) {
    const list = byFile.get(diagnostic.filename) ?? [];
    list.push(diagnostic);
    byFile.set(diagnostic.filename, list);
  }
  const failures = [];
  const notRun = [];
  let passed = 0;
  for (const [path, record] of files) {
    const { rule, test, valid } = record;
    const diagnostics = byFile.get(path) ?? [];
    byFile.delete(path);
    const foreign = diagnostics.filter((d) => d.code !== `bulwark(${rule})`);
    if (foreign.length) {
      // A parse error or a plugin crash: Oxlint could not run this case.
      notRun.push({ ...record, reason: foreign.map((d) => `${d.code || 'error'}: ${d.message}`).join('; ') });
      continue;
    }
    const idsOf = messageIdsOf(rule);
    const actual = diagnostics
      .map((d) => ({ ids: idsOf(d.message), message: d.message, line: d.labels?.[0]?.span.line, column: d.labels?.[0]?.span.column }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    const expected = valid ? [] : [...test.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    const problems = [];
    if (actual.length !== expected.length) problems.push(`${actual.length} report(s), expected ${expected.length}`);
    else {
      expected.forEach((want, i) => {
        const got = actual[i];
        if (want.messageId && !got.ids.includes(want.messageId)) problems.push(`report ${i + 1}: "${got.message}" is not messageId ${want.messageId}`);
        if (want.message && got.message !== want.message) problems.push(`report ${i + 1}: message "${got.message}", expected "${want.message}"`);
        if (want.line !== undefined && got.line !== want.line) problems.push(`report ${i + 1}: line ${got.line}, expected ${want.line}`);
        if (want.column !== undefined && got.column !== want.column) problems.push(`report ${i + 1}: column ${got.column}, expected ${want.column}`);
      });
    }
    if (problems.length) failures.push({ ...record, problems, actual });
    else passed += 1;
  }
  if (byFile.size) failures.push({ path: [...byFile.keys()].join(', '), problems: ['diagnostics for files that are no case'] });

  const label = ({ rule, test, valid, variant, path }) =>
    `${rule} ${valid ? 'valid' : 'invalid'} (${variant}, ${path}): ${test.name ?? test.code.split('\n', 1)[0].slice(0, 100)}`;
  for (const item of notRun) console.log(`NOT RUN  ${label(item)}\n         ${item.reason}`);
  for (const item of failures) console.log(`FAIL     ${label(item)}\n         ${item.problems.join('\n         ')}`);
  const caseCount = rules.reduce((sum, { valid, invalid }) => sum + valid.length + invalid.length, 0);
  const variants = [...files.values()];
  console.log(
    `oxlint ${OXLINT_VERSION}: ${files.size} files from ${caseCount} rule-test cases of ${rules.length} rules ` +
      `(${variants.filter((f) => f.variant === 'typescript').length} as written, ${variants.filter((f) => f.variant === 'javascript').length} as plain JavaScript): ` +
      `${passed} agree with the ESLint expectations, ${failures.length} disagree, ${notRun.length} could not run. ` +
      `Cases read and written in ${((prepared - started) / 1000).toFixed(1)} s, one oxlint run ${((linted - prepared) / 1000).toFixed(1)} s.`,
  );
  if (keep) console.log(`cases kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  if (failures.length || notRun.length) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
