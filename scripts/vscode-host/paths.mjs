// Locations shared by the install and run scripts, all derived from the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Git-ignored; holds the code-server install (about 300 MB). */
export const HOST_DIR = path.join(REPO_ROOT, '.host');
export const CODE_SERVER_DIR = path.join(HOST_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
/** Built last by the install, so its presence means the install completed. */
export const PTY_NODE = path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');
/** Copied to a fresh folder for each run; the runner opens it and the tests write into it. */
export const WORKSPACE_TEMPLATE_DIR = path.join(REPO_ROOT, 'scripts', 'vscode-host', 'workspace-template');
