#!/usr/bin/env node
// `npm run mutation [target...] [--force] [--concurrency N] [--no-check]`: StrykerJS over runtime/src.
//
// A target is a pattern name (`retry`, `cache`, `rate-limit`), or one source file
// (`runtime/src/cache/keys.ts`, `src/cache/keys.ts`, `cache/keys`). Without a target every pattern
// runs, one after the other (slow: hours on a 2-core machine, with real Redis for the Redis-backed files).
// Each run mutates only its files and runs only that pattern's mocha suites
// (test/<pattern>*.test.ts and test/usage-<pattern>.test.ts), with per-test coverage, so a mutant
// runs only the tests that reach it. Incremental: a re-run reuses the results of mutants whose code
// and covering tests did not change (runtime/reports/mutation/<run>.incremental.json); --force
// runs everything again.
//
// Reports: runtime/reports/mutation/<run>.json (+ .html); then docs/mutation.md is rewritten from
// every report there (scripts/mutation-report.mjs), with runtime/mutation-equivalents.json.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const runtime = join(root, 'runtime');
const src = join(runtime, 'src');

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  args.splice(i, 1);
  return true;
};
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const force = flag('--force') ?? false;
const noCheck = flag('--no-check') ?? false;
const concurrency = option('--concurrency');
const grep = option('--grep');

/** The patterns: every top-level src/*.ts. */
const patterns = readdirSync(src)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

/** Source files of one pattern: src/<p>.ts and src/<p>/**.ts. */
function patternFiles(p) {
  const files = [`src/${p}.ts`];
  const dir = join(src, p);
  if (existsSync(dir)) {
    const walk = (d) => {
      for (const f of readdirSync(d).sort()) {
        const full = join(d, f);
        if (statSync(full).isDirectory()) walk(full);
        else if (f.endsWith('.ts')) files.push(relative(runtime, full));
      }
    };
    walk(dir);
  }
  return files;
}

/** The mocha suites of one pattern. */
function patternSpecs(p) {
  return readdirSync(join(runtime, 'test'))
    .filter((f) => f.endsWith('.test.ts') && (f === `${p}.test.ts` || f.startsWith(`${p}-`) || f === `usage-${p}.test.ts`))
    .sort()
    .map((f) => `test/${f}`);
}

function resolveTarget(t) {
  if (patterns.includes(t)) return { name: t, pattern: t, mutate: patternFiles(t) };
  let rel = t.replace(/\\/g, '/').replace(/^(\.\/)?(runtime\/)?(src\/)?/, '');
  if (!rel.endsWith('.ts')) rel += '.ts';
  if (!existsSync(join(src, rel))) {
    throw new Error(`mutation: unknown target '${t}'. Patterns: ${patterns.join(', ')}; or a file under runtime/src`);
  }
  const pattern = rel.split('/')[0].replace(/\.ts$/, '');
  return { name: rel.replace(/\.ts$/, '').replace(/\//g, '-'), pattern, mutate: [`src/${rel}`] };
}

const targets = (args.length ? args : patterns).map(resolveTarget);
const reportDir = join(runtime, 'reports', 'mutation');
mkdirSync(reportDir, { recursive: true });

let failed = false;
for (const target of targets) {
  const spec = patternSpecs(target.pattern);
  if (spec.length === 0) {
    console.error(`mutation: no test/${target.pattern}*.test.ts for ${target.name}; skipped`);
    continue;
  }
  const options = {
    configFile: 'stryker.config.json',
    mutate: target.mutate,
    mochaOptions: { config: '.mocharc.json', spec, ...(grep ? { grep } : {}) },
    jsonReporter: { fileName: `reports/mutation/${target.name}.json` },
    htmlReporter: { fileName: `reports/mutation/${target.name}.html` },
    incremental: true,
    incrementalFile: `reports/mutation/${target.name}.incremental.json`,
    force,
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    ...(noCheck ? { checkers: [] } : {}),
  };
  console.log(`\n== mutation: ${target.name} (${target.mutate.join(', ')}) with ${spec.join(', ')}`);
  const started = Date.now();
  // A child process per run: Stryker keeps state (loggers, child processes) that a second run in the
  // same process would trip over.
  const child = spawnSync(process.execPath, [join(root, 'scripts', 'mutation-run.mjs'), JSON.stringify(options)], {
    cwd: runtime,
    stdio: 'inherit',
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  });
  console.log(`== mutation: ${target.name} took ${Math.round((Date.now() - started) / 1000)} s (exit ${child.status})`);
  if (child.status !== 0) failed = true;
}

const report = spawnSync(process.execPath, [join(root, 'scripts', 'mutation-report.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(failed || report.status !== 0 ? 1 : 0);
