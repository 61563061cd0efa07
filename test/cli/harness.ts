// End-to-end harness: real temporary projects (`npm init -y` + a strict NodeNext tsconfig) and
// the bundled CLI (dist/cli.js, built by `node scripts/build.mjs`) run as a child process.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import type { Catalog } from '../../src/engine/catalog';

export const REPO = join(__dirname, '..', '..');
export const CLI = join(REPO, 'dist', 'cli.js');
export const TSC = join(REPO, 'node_modules', '.bin', 'tsc');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to a clean environment (no npm_* variables leak in from `npx mocha`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user (to prove permission errors when the tests run as root). */
  readonly uid?: number;
}

function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'NO_COLOR' && key !== 'BULWARK_CATALOG') env[key] = value;
  return { ...env, ...extra };
}

/** Whether every folder above `path` lets other users through (o+x): a checkout may live in a private one. */
function reachableByOthers(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

/** Temporary projects go where another user can reach them (the permission test runs the CLI as `nobody`). */
function temporaryRoot(): string {
  return reachableByOthers(join(tmpdir(), 'x')) ? tmpdir() : '/tmp';
}

let sharedRuntime: { folder: string; node: string; cli: string } | undefined;

/**
 * node and the bundled CLI where another user can run them: copies in a world-readable temporary
 * folder when the checkout (or node) lives in a folder that user cannot enter.
 */
function runtimeFor(uid: number | undefined): { node: string; cli: string } {
  if (uid === undefined) return { node: process.execPath, cli: CLI };
  if (!sharedRuntime) {
    const folder = mkdtempSync(join(temporaryRoot(), 'bulwark-shared-cli-'));
    chmodSync(folder, 0o755);
    const copy = (from: string, mode: number) => {
      const to = join(folder, parse(from).base);
      copyFileSync(from, to);
      chmodSync(to, mode);
      return to;
    };
    copy(join(REPO, 'dist', 'catalog.json'), 0o644);
    const cli = copy(CLI, 0o644);
    const node = reachableByOthers(process.execPath) ? process.execPath : copy(process.execPath, 0o755);
    sharedRuntime = { folder, node, cli };
  }
  return sharedRuntime;
}

export function bulwark(args: readonly string[], options: RunOptions): Promise<RunResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs --skip-plugin\` before the CLI tests`);
  const runtime = runtimeFor(options.uid);
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.node, [runtime.cli, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let template: string | undefined;

/** package.json from a real `npm init -y`, made once per run and copied into each project. */
function initializedManifest(): Record<string, unknown> {
  if (!template) {
    template = mkdtempSync(join(temporaryRoot(), 'bulwark-template-'));
    execFileSync('npm', ['init', '-y'], { cwd: template, env: cleanEnv(), stdio: 'ignore' });
  }
  return JSON.parse(readFileSync(join(template, 'package.json'), 'utf8')) as Record<string, unknown>;
}

export interface ProjectOptions {
  /** Merged into package.json (e.g. `{ type: 'module', dependencies: { hono: '^4' } }`). */
  readonly manifest?: Record<string, unknown>;
  /** Extra files by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** Symlinks the repository's node_modules, so tsc finds the packages the patterns import. */
  readonly linkNodeModules?: boolean;
}

export const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: false,
    noEmit: true,
    // TypeScript 6 no longer loads every @types package by default.
    types: ['node'],
  },
  include: ['src'],
};

const projects: string[] = [];

export function makeProject(options: ProjectOptions = {}): string {
  const root = mkdtempSync(join(temporaryRoot(), 'bulwark-cli-'));
  projects.push(root);
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ ...initializedManifest(), ...options.manifest }, null, 2)}\n`);
  writeFileSync(join(root, 'tsconfig.json'), `${JSON.stringify(STRICT_TSCONFIG, null, 2)}\n`);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (options.linkNodeModules) symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

/** A folder with no package.json in it or above it. */
export function makeBareFolder(): string {
  const dir = mkdtempSync(join(temporaryRoot(), 'bulwark-bare-'));
  projects.push(dir);
  return dir;
}

export function removeProjects(): void {
  for (const root of projects.splice(0)) rmSync(root, { recursive: true, force: true });
  if (template) rmSync(template, { recursive: true, force: true });
  template = undefined;
  if (sharedRuntime) rmSync(sharedRuntime.folder, { recursive: true, force: true });
  sharedRuntime = undefined;
}

export function writeCatalog(dir: string, name: string, catalog: Catalog): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(catalog));
  return path;
}

export function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export function write(root: string, path: string, text: string): void {
  writeFileSync(join(root, path), text);
}

/** Relative paths of every file under `dir`, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

/** Modification times, to prove a command wrote nothing. */
export function mtimes(dir: string): Record<string, number> {
  return Object.fromEntries(listFiles(dir).map((path) => [path, statSync(join(dir, path)).mtimeMs]));
}

/** Makes a project readable (not writable) by another user: for the permission tests as root. */
export function shareReadOnly(root: string): void {
  chmodSync(root, 0o755);
  for (const path of listFiles(root)) chmodSync(join(root, path), 0o644);
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
