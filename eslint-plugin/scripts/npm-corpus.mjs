// Corpora of real source files from npm packages that ship them, shared by the crash corpus
// (corpus-files.mjs) and the labelled precision corpus (../precision/packages.mjs).
// Packages are fetched with `npm pack` (no install scripts, no dependency tree) into the ignored
// `.corpus/` folder, once: a package already unpacked there is never fetched again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pluginRoot = fileURLToPath(new URL('..', import.meta.url));
export const corpusRoot = join(pluginRoot, '.corpus');

const SOURCE_FILE = /\.(?:[cm]?js|[cm]?ts|tsx|jsx)$/;
const NOT_SOURCE = /\.d\.[cm]?ts$|\.min\.js$/;
const SKIPPED_DIRS = ['node_modules', 'dist', 'build', 'types', 'typings', 'esm', 'cjs'];

/**
 * A corpus package: `spec` pinned by exact version; `sourceDirs`, the folders holding hand-written
 * code when it is not `src/` (TypeScript packages also ship compiled output, which no one wrote);
 * `skipDirs`, more folder names to leave out (bundles, themes, generated code).
 * @typedef {{ spec: string, sourceDirs?: string[], skipDirs?: string[] }} CorpusPackage
 */

/** @param {string | CorpusPackage} entry */
export function corpusPackage(entry) {
  return typeof entry === 'string' ? { spec: entry } : entry;
}

export function packageDir(spec) {
  return join(corpusRoot, 'packages', spec.replace(/[/@]/g, '_'));
}

/** Downloads and unpacks any of `packages` missing from `.corpus/`. */
export function ensurePackages(packages) {
  const tarballs = join(corpusRoot, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  for (const { spec } of packages.map(corpusPackage)) {
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
 * Every source file of `packages`, in a stable order: `{ path, relativePath, packagePath, spec,
 * moduleType }`. `relativePath` is relative to `.corpus/`, `packagePath` to the package root.
 */
export function packageFiles(packages) {
  const files = [];
  for (const entry of packages.map(corpusPackage)) {
    const root = join(packageDir(entry.spec), 'package');
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const moduleType = packageJson.type === 'module' ? 'module' : 'commonjs';
    const skipped = new Set([...SKIPPED_DIRS, ...(entry.skipDirs ?? [])]);
    for (const start of sourceRoots(root, entry)) {
      for (const path of walk(start, skipped)) {
        files.push({ path, relativePath: relative(corpusRoot, path), packagePath: relative(root, path), spec: entry.spec, moduleType });
      }
    }
  }
  return files;
}

function sourceRoots(root, entry) {
  if (entry.sourceDirs) return entry.sourceDirs.map((dir) => join(root, dir));
  const src = join(root, 'src');
  return [existsSync(src) && statSync(src).isDirectory() ? src : root];
}

function* walk(dir, skipped) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipped.has(entry.name)) yield* walk(path, skipped);
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
