#!/usr/bin/env node
// `npm run screenshots`: the README's pictures, taken from the real VS Code 1.100 workbench
// (code-server, started through scripts/vscode-host/) with playwright-core and chromium:
//   docs/images/insert-pattern-quickpick.png  "Bulwark: Insert Pattern…" listing the patterns
//   docs/images/inserted-pattern.png          retry.ts after picking `retry`
//   docs/images/quick-fix.png                 the quick fix menu on a fetch without a timeout
// The extension runs from this checkout (build it first; the npm script does).
// Usage: node scripts/screenshots.mjs [--timeout ms]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { findFreePort, startCodeServer, waitUntilHealthy } from './vscode-host/code-server.mjs';
import { REPO_ROOT } from './vscode-host/paths.mjs';
import { createSandbox, createTestWorkspace } from './vscode-host/sandbox.mjs';

const OUT_DIR = path.join(REPO_ROOT, 'docs', 'images');
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', '--disable-background-networking'];
/** Waits for one workbench element; the whole run is bounded by --timeout. */
const STEP_TIMEOUT_MS = 60_000;

/** A file with a fetch that has neither a timeout nor a retry, for the quick fix picture. */
const USERS_SOURCE = [
  'export interface User {',
  '  readonly id: string;',
  '  readonly name: string;',
  '}',
  '',
  'export async function loadUser(id: string): Promise<User> {',
  '  const response = await fetch(`https://api.example.com/users/${id}`);',
  '  if (!response.ok) throw new Error(`users: ${response.status}`);',
  '  return (await response.json()) as User;',
  '}',
  '',
].join('\n');
/** Clean pictures: no welcome page, tips, minimap or secondary side bar. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'editor.minimap.enabled': false,
  'editor.fontSize': 14,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
};

function readOptions() {
  const { values } = parseArgs({ options: { timeout: { type: 'string', default: '300000' } } });
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout must be a positive whole number of milliseconds, got "${values.timeout}"`);
  return { timeoutMs };
}

function workbenchUrl(origin, workspace) {
  // The extension under development, loaded into the server's Node extension host.
  const payload = [['extensionDevelopmentPath', `vscode-remote://${new URL(origin).host}${REPO_ROOT}`]];
  return `${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Runs a command from the command palette by its title. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

async function shoot(page, name) {
  const file = path.join(OUT_DIR, name);
  writeFileSync(file, await page.screenshot({ type: 'png' }));
  console.log(`[screenshots] ${path.relative(REPO_ROOT, file)}`);
}

async function takeScreenshots(page) {
  await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'package.json' }).waitFor({ timeout: STEP_TIMEOUT_MS });

  // 1. The pattern QuickPick: every pattern with its summary and what it needs.
  await runCommand(page, 'Bulwark: Insert Pattern…');
  const retryRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'retry' }).first();
  await retryRow.waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.waitForTimeout(500); // let the list finish its layout
  await shoot(page, 'insert-pattern-quickpick.png');

  // 2. Pick `retry`: the file (and `log`, which it imports) is inserted and opened.
  await page.locator('.quick-input-widget input').fill('retry');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'retry' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: 'retry.ts' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'retry.ts' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  // Syntax colouring arrives once the TypeScript extension has started.
  await page.locator('.statusbar', { hasText: 'Activating Extensions' }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await page.waitForTimeout(1000);
  await shoot(page, 'inserted-pattern.png');
  await runCommand(page, 'Notifications: Clear All Notifications');

  // 3. The quick fix menu on a fetch with no timeout and no retry, in a file of the project.
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('users.ts');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'users.ts' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: 'users.ts' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  // The first lint loads the linter bundle; wait for its squiggle under the call.
  await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(':7:26');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  await page.keyboard.press('Control+.');
  await page.locator('.action-widget .monaco-list-row', { hasText: 'Add a timeout' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.waitForTimeout(500);
  await shoot(page, 'quick-fix.png');
}

async function main() {
  const { timeoutMs } = readOptions();
  mkdirSync(OUT_DIR, { recursive: true });
  const sandbox = createSandbox();
  const workspace = createTestWorkspace(sandbox);
  writeFileSync(path.join(workspace, 'src', 'users.ts'), USERS_SOURCE);
  const settingsDir = path.join(sandbox.userDataDir, 'User');
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));

  const signal = AbortSignal.timeout(timeoutMs);
  let server;
  let browser;
  try {
    server = startCodeServer({ port: await findFreePort(), workspace, sandbox, env: {}, verbose: false });
    await waitUntilHealthy(server, signal);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, ...sandbox.env } });
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(workbenchUrl(server.origin, workspace));
    const aborted = new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`timed out after ${timeoutMs} ms`)), { once: true }));
    await Promise.race([takeScreenshots(page), aborted]);
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    sandbox.dispose();
  }
}

try {
  await main();
} catch (error) {
  console.error(`[screenshots] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
