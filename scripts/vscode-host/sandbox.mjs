// A throwaway folder per run that holds everything the server and the browser would otherwise
// write into the real home directory, plus the workspace folder the tests open.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORKSPACE_TEMPLATE_DIR } from './paths.mjs';

/**
 * @typedef {object} Sandbox
 * @property {string} root          removed by `dispose()`
 * @property {string} home          HOME for the server, the extension host and chromium
 * @property {string} userDataDir   code-server --user-data-dir
 * @property {string} extensionsDir code-server --extensions-dir (empty: no user extensions)
 * @property {string} configFile    code-server --config
 * @property {Record<string, string>} env  HOME and XDG_* pointing into the sandbox
 * @property {() => void} dispose
 */

/** @returns {Sandbox} */
export function createSandbox() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bulwark-vscode-host-'));
  const dir = (...parts) => {
    const full = path.join(root, ...parts);
    mkdirSync(full, { recursive: true });
    return full;
  };
  const home = dir('home');
  // The tests exercise every rule's diagnostics and quick fixes, so the window lints with all of them
  // (users get `recommended` unless they choose; test/linter checks that default).
  writeUserSettings(dir('user-data', 'User'), { 'bulwark.ruleSet': 'all' });
  const configFile = path.join(root, 'config.yaml');
  // An explicit config keeps code-server from writing its default one (with a password) to HOME.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  return {
    root,
    home,
    userDataDir: dir('user-data'),
    extensionsDir: dir('extensions'),
    configFile,
    env: {
      HOME: home,
      XDG_CONFIG_HOME: dir('home', '.config'),
      XDG_DATA_HOME: dir('home', '.local', 'share'),
      XDG_CACHE_HOME: dir('home', '.cache'),
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A small but real TypeScript project on disk (a copy of ./workspace-template) for tests that
 * open, edit or lint files. Lives inside the sandbox, so it disappears with it.
 * @param {Sandbox} sandbox
 * @returns {string} absolute path of the workspace folder
 */
export function createTestWorkspace(sandbox) {
  const workspace = path.join(sandbox.root, 'workspace');
  cpSync(WORKSPACE_TEMPLATE_DIR, workspace, { recursive: true });
  return workspace;
}

/**
 * Two copies of the workspace template, named "api" and "worker", in a .code-workspace file.
 * @param {Sandbox} sandbox
 * @returns {{ file: string, folders: string[] }} the .code-workspace file and the folders, in order
 */
export function createMultiRootWorkspace(sandbox) {
  const folders = ['api', 'worker'].map((name) => {
    const folder = path.join(sandbox.root, name);
    cpSync(WORKSPACE_TEMPLATE_DIR, folder, { recursive: true });
    return folder;
  });
  const file = path.join(sandbox.root, 'two-folders.code-workspace');
  writeFileSync(file, `${JSON.stringify({ folders: folders.map((folder) => ({ path: folder, name: path.basename(folder) })) }, null, 2)}\n`);
  return { file, folders };
}

/**
 * User settings under which a folder opens untrusted without asking: the restricted mode a user
 * gets by declining the trust prompt.
 * @param {Sandbox} sandbox
 */
export function trustWorkspacesNever(sandbox) {
  writeUserSettings(path.join(sandbox.userDataDir, 'User'), {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
  });
}

/** Adds `settings` to the user settings.json in `userDir`. */
function writeUserSettings(userDir, settings) {
  mkdirSync(userDir, { recursive: true });
  const file = path.join(userDir, 'settings.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, `${JSON.stringify({ ...current, ...settings }, null, 2)}\n`);
}
