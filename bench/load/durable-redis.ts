// A redis-server for the fault run, configured as a job queue's Redis must be: an append-only file
// (fsynced every second), so a restart on the same port and directory keeps the queued jobs. stop() is
// a SIGTERM, on which Redis flushes the file before exiting; a crash (SIGKILL) could lose up to the last
// second of writes under this setting (`appendfsync always` closes that gap at ~6x fewer writes/s here).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../runtime/test/fixtures/redis.js';

export interface DurableRedis {
  readonly url: string;
  /** SIGTERM: Redis closes every connection, flushes its append-only file and exits. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (listening) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startDurableRedis(): Promise<DurableRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bulwark-load-redis-'));
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) throw new Error('redis-server is already running');
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'], {
      stdio: 'ignore',
    });
    const spawnFailed = once(child, 'error').then(([error]: Error[]) => {
      throw new Error(`cannot start redis-server (apt-get install redis-server): ${error?.message}`);
    });
    await Promise.race([waitForPort(port, 10_000), spawnFailed]);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000); // a shutdown that hangs must not hang the run
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
