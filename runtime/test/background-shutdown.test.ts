import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './fixtures/background-helpers.js';

const worker = fileURLToPath(new URL('./fixtures/background-worker.ts', import.meta.url));
const runtimeDir = fileURLToPath(new URL('..', import.meta.url));

describe('background: signal-driven shutdown of a real child process', function () {
  this.timeout(90_000); // spawns node + tsx on a shared 2-core machine
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops taking jobs, finishes the ones in flight, then exits 0`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker], {
        cwd: runtimeDir,
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, LOG_LEVEL: 'info' },
      });
      const exited = once(child, 'exit');
      const lines: Array<{ msg?: string; job?: number }> = [];
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ msg: line });
        }
      });
      const jobs = (msg: string) =>
        lines
          .filter((line) => line.msg === msg)
          .map((line) => line.job)
          .sort();
      try {
        await waitFor(() => jobs('job started').length === 3, 'three jobs in flight', 30_000);
        child.kill(signal);
        await waitFor(() => lines.some((line) => line.msg === 'shutdown signal received; draining in-flight work'), 'the drain to begin', 30_000);
        assert.deepEqual(jobs('job done'), [], 'jobs finished before they were released');
        child.stdin.write('finish\n');
        const [code, killedBy] = await exited;
        assert.equal(killedBy, null, `worker was killed by ${killedBy}`);
        assert.equal(code, 0);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      assert.deepEqual(jobs('job started'), [1, 2, 3], 'a job started after the signal');
      assert.deepEqual(jobs('job done'), [1, 2, 3], 'an in-flight job was abandoned');
      const shutdownAt = lines.findIndex((line) => line.msg === 'shutdown signal received; draining in-flight work');
      const firstDone = lines.findIndex((line) => line.msg === 'job done');
      assert.ok(shutdownAt < firstDone, 'jobs were finished after the signal, during the drain');
      assert.ok(lines.some((line) => line.msg === 'shutdown complete'));
    });
  }
});
