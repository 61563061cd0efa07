#!/usr/bin/env node
// Installs a real VS Code (the server build inside code-server) into the git-ignored `.host/`
// folder, without reaching anything but the npm registry. VS Code's own download site is not
// reachable on CI machines here, so this is how the extension's integration tests get a host.
// Each step below exists because the install failed without it (see docs: vscode-host recipe).
//
// Idempotent: returns at once when the last native module of the install is already built.
// Usage: node scripts/vscode-host/install.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { HOST_DIR, PTY_NODE } from './paths.mjs';

// 4.100.3 ships VS Code 1.100.3 and is the newest line whose engines.node accepts Node 20.
const CODE_SERVER_VERSION = '4.100.3';
// The @vscode/ripgrep release pinned inside that code-server, and the ripgrep asset it fetches.
const VSCODE_RIPGREP_VERSION = '1.15.11';
const RIPGREP_ASSETS = {
  x64: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz',
  arm64: 'ripgrep-v13.0.0-10-aarch64-unknown-linux-musl.tar.gz',
};

const LOCK_HELD_ENV = 'BULWARK_HOST_INSTALL_LOCKED';

const REQUIRED_SYSTEM_FILES = [
  { file: '/usr/bin/chromium', apt: 'chromium', why: 'the browser that opens the workbench' },
  { file: '/usr/bin/rg', apt: 'ripgrep', why: 'pre-fills the ripgrep download cache' },
  { file: '/usr/include/gssapi/gssapi.h', apt: 'libkrb5-dev', why: 'headers for the kerberos native module' },
];

function log(message) {
  console.log(`[vscode-host install] ${message}`);
}

function ensureSystemPackages() {
  const missing = REQUIRED_SYSTEM_FILES.filter(({ file }) => !existsSync(file));
  if (missing.length === 0) return;
  const packages = missing.map(({ apt }) => apt);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`[vscode-host install] missing system packages, run: sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`);
    process.exit(1);
  }
  log(`installing system packages: ${packages.join(' ')}`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env: aptEnv });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env: aptEnv });
  const stillMissing = missing.filter(({ file }) => !existsSync(file));
  if (stillMissing.length > 0) {
    throw new Error(`apt-get finished but these files are still missing: ${stillMissing.map(({ file }) => file).join(', ')}`);
  }
}

/** @vscode/ripgrep's postinstall downloads from GitHub unless this cached tarball exists. */
function prefillRipgrepCache(tmpDir) {
  const asset = RIPGREP_ASSETS[process.arch];
  if (!asset) {
    throw new Error(`no ripgrep asset name known for architecture "${process.arch}" (known: ${Object.keys(RIPGREP_ASSETS).join(', ')})`);
  }
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${VSCODE_RIPGREP_VERSION}`);
  mkdirSync(cacheDir, { recursive: true });
  execFileSync('tar', ['-czf', path.join(cacheDir, asset), '-C', '/usr/bin', 'rg']);
}

function writeHostPackageJson() {
  const manifest = {
    name: 'bulwark-vscode-host',
    private: true,
    description: 'Throwaway install of a VS Code server build for the extension integration tests. Not shipped.',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    // npm 11 skips install scripts it was not told to trust; both build native code we need.
    allowScripts: { 'code-server': true, argon2: true },
  };
  writeFileSync(path.join(HOST_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function installCodeServer(tmpDir) {
  const result = spawnSync('npm', ['install', '--unsafe-perm', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], {
    cwd: HOST_DIR,
    stdio: 'inherit',
    env: {
      ...process.env,
      TMPDIR: tmpDir,
      // node-pty's postinstall runs `npx node-gyp`; an npmrc with yes=false cancels that prompt.
      npm_config_yes: 'true',
    },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`npm install of code-server@${CODE_SERVER_VERSION} exited with ${result.status}`);
  if (!existsSync(PTY_NODE)) {
    throw new Error(`npm install finished but ${PTY_NODE} was not built; the install is incomplete`);
  }
}

/**
 * Two cold runs at once (parallel test runs on a fresh checkout) would install into the same
 * folder and break each other, so the install runs again under flock(1) when it is available;
 * the second run then finds the first one's result and returns.
 * @returns {false} when this process holds the lock (or flock is missing) and should install;
 *   otherwise it exits with the status of the locked run.
 */
function reRunUnderLock() {
  if (process.env[LOCK_HELD_ENV] === '1') return false;
  const hasFlock = spawnSync('flock', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasFlock) return false;
  mkdirSync(HOST_DIR, { recursive: true });
  const result = spawnSync('flock', [path.join(HOST_DIR, 'install.lock'), process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, [LOCK_HELD_ENV]: '1' },
  });
  process.exit(result.status ?? 1);
}

function main() {
  if (existsSync(PTY_NODE)) {
    log(`code-server@${CODE_SERVER_VERSION} already installed in ${HOST_DIR}`);
    return;
  }
  reRunUnderLock();
  ensureSystemPackages();
  const started = performance.now();
  mkdirSync(HOST_DIR, { recursive: true });
  const tmpDir = path.join(HOST_DIR, 'tmp');
  rmSync(tmpDir, { recursive: true, force: true });
  prefillRipgrepCache(tmpDir);
  writeHostPackageJson();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${HOST_DIR} (about 300 MB, 1-2 minutes)`);
  installCodeServer(tmpDir);
  rmSync(tmpDir, { recursive: true, force: true });
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  console.error(`[vscode-host install] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
