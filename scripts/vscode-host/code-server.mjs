// Starts and stops the code-server process that hosts VS Code's Node extension host.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CODE_SERVER_ENTRY } from './paths.mjs';

const HEALTH_POLL_INTERVAL_MS = 200;
/** Time the server gets to shut down its children after SIGTERM before the group gets SIGKILL. */
const GRACEFUL_STOP_MS = 3000;
/** Lines of server output kept to explain a crash. */
const RECENT_OUTPUT_LINES = 40;

/** @returns {Promise<number>} a TCP port that was free on 127.0.0.1 a moment ago */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('could not read the probe port'))));
    });
  });
}

/**
 * @typedef {object} CodeServer
 * @property {string} origin  e.g. http://127.0.0.1:43567
 * @property {Promise<string>} crashed  resolves with a description if the server exits before `stop()`
 * @property {() => string} recentOutput
 * @property {() => Promise<void>} stop  kills the whole process group (server, extension host, pty host)
 */

/**
 * @param {object} options
 * @param {number} options.port
 * @param {string | undefined} options.open  folder or .code-workspace file opened by default; none: an empty window
 * @param {boolean} [options.workspaceTrust]  keep VS Code's workspace trust on (default: off, every folder trusted)
 * @param {import('./sandbox.mjs').Sandbox} options.sandbox
 * @param {Record<string, string>} options.env  extra environment; the extension host inherits it
 * @param {boolean} options.verbose  forward server output to stderr as it arrives
 * @returns {CodeServer}
 */
export function startCodeServer({ port, open, workspaceTrust = false, sandbox, env, verbose }) {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY} missing): run node scripts/vscode-host/install.mjs`);
  }
  const args = [
    CODE_SERVER_ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    '--config',
    sandbox.configFile,
    ...(open ? [open] : []),
  ];
  const child = spawn(process.execPath, args, {
    // Its own process group, so stop() can kill the extension host and pty host with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...sandbox.env,
      ...env,
      // An empty gallery stops marketplace queries, which cannot succeed offline anyway.
      EXTENSIONS_GALLERY: '{}',
    },
  });

  const recent = [];
  const collect = (chunk) => {
    const text = chunk.toString();
    if (verbose) process.stderr.write(text.replace(/^(?=.)/gm, '[server] '));
    recent.push(...text.split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - RECENT_OUTPUT_LINES));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let stopping = false;
  const exited = new Promise((resolve) => {
    child.on('error', (error) => resolve(`could not start: ${error.message}`));
    child.on('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  const crashed = exited.then((how) => (stopping ? new Promise(() => {}) : how));

  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error; // ESRCH: the group is already gone
    }
  };

  return {
    origin: `http://127.0.0.1:${port}`,
    crashed,
    recentOutput: () => recent.join('\n'),
    stop: async () => {
      if (child.pid === undefined) return;
      stopping = true;
      signalGroup('SIGTERM');
      await Promise.race([exited, sleep(GRACEFUL_STOP_MS)]);
      // Children may outlive the server process itself; nothing of the group may survive a run.
      signalGroup('SIGKILL');
    },
  };
}

/**
 * Polls GET /healthz until the server answers.
 * @param {CodeServer} server
 * @param {AbortSignal} signal
 */
export async function waitUntilHealthy(server, signal) {
  let crash;
  server.crashed.then((how) => (crash = how));
  for (;;) {
    if (crash) throw new Error(`code-server ${crash} before it became healthy:\n${server.recentOutput()}`);
    signal.throwIfAborted();
    try {
      const response = await fetch(`${server.origin}/healthz`, { signal });
      if (response.ok) return;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // ECONNREFUSED until the server listens: keep polling.
    }
    await sleep(HEALTH_POLL_INTERVAL_MS, undefined, { signal });
  }
}
