#!/usr/bin/env node
// Runs the extension's integration tests inside a real VS Code extension host, offline:
// code-server (VS Code 1.100.3's server build) hosts the Node extension host, and headless
// chromium opens its workbench with a test payload, exactly as @vscode/test-web does.
// Exits with the suite's code; a timeout, a server crash or a harness error exit non-zero.
//
// Usage: node scripts/vscode-host/run.mjs [options]
//   --workspace <dir>  folder to open (env BULWARK_TEST_WORKSPACE); default: a fresh temp folder
//                      with package.json, tsconfig.json and src/, deleted after the run
//   --extension <dir>  extension under test (env BULWARK_EXTENSION_PATH); default: the repo root
//   --tests <file>     compiled mocha index (env BULWARK_HOST_TESTS); default: out/test/host/index.js
//   --layout <name>    what the window opens (env BULWARK_HOST_LAYOUT): `folder` (default; the
//                      tests in test/host/suite), `multi-root` (two folders in a .code-workspace;
//                      test/host/multi-root), `no-folder` (an empty window; test/host/no-folder)
//                      or `untrusted` (the folder in restricted mode; test/host/untrusted)
//   --timeout <ms>     whole-run limit (env BULWARK_HOST_TIMEOUT_MS); default: 600000 (10 min)
//   --verbose          also forward server output and browser console (env BULWARK_HOST_VERBOSE=1)
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { findFreePort, startCodeServer, waitUntilHealthy } from './code-server.mjs';
import { HOST_DIR, REPO_ROOT } from './paths.mjs';
import { createMultiRootWorkspace, createSandbox, createTestWorkspace, trustWorkspacesNever } from './sandbox.mjs';

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const LAYOUTS = ['folder', 'multi-root', 'no-folder', 'untrusted'];
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
/**
 * Messages the workbench logs on every start through the same hook as the tests' output.
 * Hidden unless --verbose, so the suite's own output stays readable.
 */
const WORKBENCH_STARTUP_NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\] registered/,
  /^ChatSessionStore: Migrating/,
  // A slow-start warning the workbench prints on busy machines.
  /^Creation of workbench contribution '[^']*' took \d+ms/,
];
/** Where the workbench logs of a failed run are kept for inspection. */
const FAILED_RUN_LOGS_DIR = path.join(HOST_DIR, 'last-failed-run-logs');

function fail(message) {
  console.error(`[vscode-host] ${message}`);
  process.exit(2);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      workspace: { type: 'string' },
      extension: { type: 'string' },
      tests: { type: 'string' },
      timeout: { type: 'string' },
      layout: { type: 'string' },
      verbose: { type: 'boolean' },
    },
  });
  const timeoutText = values.timeout ?? process.env.BULWARK_HOST_TIMEOUT_MS ?? String(DEFAULT_TIMEOUT_MS);
  const timeoutMs = Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    fail(`timeout must be a positive whole number of milliseconds, got "${timeoutText}"`);
  }
  const workspace = values.workspace ?? process.env.BULWARK_TEST_WORKSPACE;
  const layout = values.layout ?? process.env.BULWARK_HOST_LAYOUT ?? 'folder';
  if (!LAYOUTS.includes(layout)) fail(`layout must be one of ${LAYOUTS.join(', ')}, got "${layout}"`);
  if (layout !== 'folder' && workspace !== undefined) fail(`--workspace applies to the folder layout only, not ${layout}`);
  const options = {
    layout,
    workspace: workspace ? path.resolve(workspace) : undefined,
    extension: path.resolve(values.extension ?? process.env.BULWARK_EXTENSION_PATH ?? REPO_ROOT),
    tests: path.resolve(values.tests ?? process.env.BULWARK_HOST_TESTS ?? path.join(REPO_ROOT, 'out', 'test', 'host', 'index.js')),
    timeoutMs,
    verbose: values.verbose === true || process.env.BULWARK_HOST_VERBOSE === '1',
  };
  checkInputs(options);
  return options;
}

function checkInputs({ workspace, extension, tests }) {
  if (workspace !== undefined && !isDirectory(workspace)) fail(`workspace folder not found: ${workspace}`);
  const manifestPath = path.join(extension, 'package.json');
  if (!existsSync(manifestPath)) fail(`no extension at ${extension} (package.json missing)`);
  const { main } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (typeof main === 'string' && !existsSync(path.resolve(extension, main)) && !existsSync(path.resolve(extension, `${main}.js`))) {
    fail(`the extension's main file ${path.resolve(extension, main)} does not exist: run npm run build first`);
  }
  if (!existsSync(tests)) fail(`compiled test index not found: ${tests} (run node scripts/vscode-host/compile-tests.mjs first)`);
}

function isDirectory(folder) {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The workbench loads the extension and the tests through the server's remote file system.
 * `open`: `{ folder }`, `{ workspace }` (a .code-workspace file) or `{}` for an empty window.
 */
function workbenchUrl(origin, open, extension, tests) {
  const remote = (absolutePath) => `vscode-remote://${new URL(origin).host}${absolutePath}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extension)],
    // VS Code requires the module path without its extension.
    ['extensionTestsPath', remote(tests.replace(/\.js$/, ''))],
  ];
  const target = open.folder ? `folder=${encodeURIComponent(open.folder)}` : open.workspace ? `workspace=${encodeURIComponent(open.workspace)}` : 'ew=true';
  return `${origin}/?${target}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** What the window opens for a layout, and what the tests are told about it (they inherit the server's environment). */
function prepareLayout(options, sandbox) {
  if (options.layout === 'multi-root') {
    const { file, folders } = createMultiRootWorkspace(sandbox);
    return { open: { workspace: file }, env: { BULWARK_TEST_WORKSPACE: folders[0], BULWARK_HOST_LAYOUT: 'multi-root' } };
  }
  if (options.layout === 'no-folder') return { open: {}, env: { BULWARK_HOST_LAYOUT: 'no-folder' } };
  if (options.layout === 'untrusted') {
    // Workspace trust on, and no start-up prompt: the folder opens in restricted mode, as for a user who declined.
    trustWorkspacesNever(sandbox);
    const folder = createTestWorkspace(sandbox);
    return { open: { folder }, trust: true, env: { BULWARK_TEST_WORKSPACE: folder, BULWARK_HOST_LAYOUT: 'untrusted' } };
  }
  const folder = options.workspace ?? createTestWorkspace(sandbox);
  return { open: { folder }, env: { BULWARK_TEST_WORKSPACE: folder, BULWARK_HOST_LAYOUT: 'folder' } };
}

function isWorkbenchStartupNoise(message) {
  return typeof message === 'string' && WORKBENCH_STARTUP_NOISE.some((pattern) => pattern.test(message));
}

function keepWorkbenchLogs(logs) {
  if (!Array.isArray(logs) || logs.length === 0) return;
  rmSync(FAILED_RUN_LOGS_DIR, { recursive: true, force: true });
  for (const { relativePath, contents } of logs) {
    const target = path.join(FAILED_RUN_LOGS_DIR, relativePath);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, contents);
  }
  console.error(`[vscode-host] workbench logs of this failed run: ${FAILED_RUN_LOGS_DIR}`);
}

/** Opens the workbench and resolves with the exit code the test run reports. */
async function runInBrowser(url, { sandbox, verbose, signal }) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Chromium writes crash-report settings and dconf data into HOME and XDG folders.
    env: { ...process.env, ...sandbox.env },
  });
  try {
    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    const aborted = new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    // Raced only after the page is set up; an abort before that must not become an unhandled rejection.
    aborted.catch(() => {});
    const page = await browser.newPage();
    // The hooks the workbench calls in test mode (the same ones @vscode/test-web exposes).
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const values = Array.isArray(args) ? args : [args];
      if (!verbose && isWorkbenchStartupNoise(values[0])) return;
      const write = type === 'error' || type === 'warn' ? console.error : console.log;
      write(...values);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (code !== 0) keepWorkbenchLogs(logs);
      finish(typeof code === 'number' ? code : 1);
    });
    if (verbose) page.on('console', (message) => console.error(`[browser ${message.type()}] ${message.text()}`));
    page.on('crash', () => {
      console.error('[vscode-host] the workbench page crashed');
      finish(1);
    });
    // No navigation timeout of its own: the whole run is bounded by `signal`.
    await Promise.race([page.goto(url, { timeout: 0 }), aborted]);
    return await Promise.race([finished, aborted]);
  } finally {
    await browser.close().catch(() => {});
  }
}

async function main() {
  const options = readOptions();
  const started = performance.now();
  const sandbox = createSandbox();
  const layout = prepareLayout(options, sandbox);
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`timed out after ${options.timeoutMs} ms (set BULWARK_HOST_TIMEOUT_MS to change)`)),
    options.timeoutMs,
  );
  let server;
  const stopOnSignal = (name) => controller.abort(new Error(`interrupted by ${name}`));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let exitCode = 1;
  try {
    server = startCodeServer({
      port: await findFreePort(),
      open: layout.open.folder ?? layout.open.workspace,
      workspaceTrust: layout.trust === true,
      sandbox,
      // The extension host inherits the server's environment, so tests find their folder here.
      env: layout.env,
      verbose: options.verbose,
    });
    server.crashed.then((how) => controller.abort(new Error(`code-server ${how} during the run:\n${server.recentOutput()}`)));
    await waitUntilHealthy(server, controller.signal);
    const url = workbenchUrl(server.origin, layout.open, options.extension, options.tests);
    exitCode = await runInBrowser(url, { sandbox, verbose: options.verbose, signal: controller.signal });
  } catch (error) {
    const reason = controller.signal.aborted ? controller.signal.reason : error;
    console.error(`[vscode-host] ${reason instanceof Error ? reason.message : String(reason)}`);
    exitCode = 1;
  } finally {
    clearTimeout(timer);
    await server?.stop();
    sandbox.dispose();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`[vscode-host] ${options.layout}: ${exitCode === 0 ? 'passed' : `failed (exit ${exitCode})`} in ${seconds} s`);
  process.exit(exitCode);
}

await main();
