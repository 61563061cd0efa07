// The lint corpus: real sources that nobody here wrote, from npm packages that ship them.
// Fetched with `npm pack` (no install scripts, no dependency tree) into the ignored `.corpus/`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pluginRoot = fileURLToPath(new URL('..', import.meta.url));
export const corpusRoot = join(pluginRoot, '.corpus');

/** Pinned so runs are comparable. Server-side code: HTTP clients, drivers, frameworks, workers. */
export const PACKAGES = [
  '@temporalio/workflow@1.24.0',
  '@temporalio/worker@1.24.0',
  '@temporalio/client@1.24.0',
  '@temporalio/common@1.24.0',
  '@temporalio/activity@1.24.0',
  '@temporalio/testing@1.24.0',
  '@trpc/server@11.25.2',
  '@tanstack/query-core@5.108.4',
  'mongodb@7.9.0',
  'undici@7.30.2',
  'express@5.3.0',
  'fastify@5.12.8',
  'pg@8.23.1',
  'ioredis@6.0.0',
  'axios@1.21.1',
  'rxjs@7.8.2',
  'effect@4.1.0',
];

const SOURCE_FILE = /\.(?:[cm]?js|[cm]?ts|tsx|jsx)$/;
const NOT_SOURCE = /\.d\.[cm]?ts$|\.min\.js$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'types', 'typings', 'esm', 'cjs']);

function packageDir(spec) {
  return join(corpusRoot, 'packages', spec.replace(/[/@]/g, '_'));
}

/** Downloads and unpacks any package missing from `.corpus/`. */
export function ensureCorpus() {
  const tarballs = join(corpusRoot, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  for (const spec of PACKAGES) {
    const target = packageDir(spec);
    if (existsSync(join(target, 'package', 'package.json'))) continue;
    console.error(`corpus: fetching ${spec}`);
    // Serialized with the other npm users of this machine.
    const npm = ['npm', 'pack', spec, '--silent', '--pack-destination', tarballs];
    const output = hasFlock() ? execFileSync('flock', ['/tmp/bulwark-npm.lock', ...npm]) : execFileSync(npm[0], npm.slice(1));
    const tarball = output.toString().trim().split('\n').at(-1);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['xzf', join(tarballs, tarball), '-C', target]);
  }
}

function hasFlock() {
  try {
    execFileSync('flock', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every source file of the corpus: a package's `src/` when it ships one (TypeScript packages
 * also ship compiled output, which no one wrote), otherwise its hand-written JavaScript.
 */
export function corpusFiles() {
  const files = [];
  for (const spec of PACKAGES) {
    const root = join(packageDir(spec), 'package');
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const moduleType = packageJson.type === 'module' ? 'module' : 'commonjs';
    const src = join(root, 'src');
    const start = existsSync(src) && statSync(src).isDirectory() ? src : root;
    for (const path of walk(start)) {
      files.push({ path, relativePath: relative(corpusRoot, path), spec, moduleType });
    }
  }
  return files;
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(path);
    } else if (SOURCE_FILE.test(entry.name) && !NOT_SOURCE.test(entry.name)) {
      yield path;
    }
  }
}

export function isTypeScript(path) {
  return /\.(?:[cm]?ts|tsx)$/.test(path);
}

export function sourceTypeOf(file) {
  if (/\.(?:mjs|mts)$/.test(file.path)) return 'module';
  if (/\.(?:cjs|cts)$/.test(file.path)) return 'commonjs';
  return isTypeScript(file.path) ? 'module' : file.moduleType;
}
