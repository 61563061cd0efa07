// The linter thread the extension lints on (dist/linter-worker.js, driven by LinterClient): the
// same answers as the linter in-thread, each reply matched to its request, and a crash or a stop
// failing the waiting calls instead of leaving them hanging.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type * as LinterModule from '../../src/linter/lint';
import { LinterClient } from '../../src/linter/worker-client';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const workerFile = path.join(dist, 'linter-worker.js');

const SAMPLE = [
  "import axios from 'axios';",
  'export async function load(ids: string[]) {',
  "  const res = await fetch('https://api.example.com/users');",
  '  await Promise.all(ids.map((id) => axios.get(`/users/${id}`)));',
  '  return res;',
  '}',
  '',
].join('\n');

describe('linter thread (dist/linter-worker.js through LinterClient)', () => {
  let inThread: typeof LinterModule;
  let client: LinterClient;

  before(() => {
    assert.ok(existsSync(workerFile), `${workerFile} is missing: run npm run build first`);
    inThread = createRequire(__filename)(path.join(dist, 'linter.js')) as typeof LinterModule;
  });
  beforeEach(() => (client = new LinterClient(workerFile)));
  afterEach(() => client.dispose());

  it('starts no thread until the first call, then answers as the linter does in-thread', async () => {
    assert.equal(client.started, false);
    const messages = await client.call('lintText', SAMPLE, 'users.ts', { timeoutMs: 2500, ruleSet: 'all' });
    assert.equal(client.started, true);
    assert.deepEqual(messages, inThread.lintText(SAMPLE, 'users.ts', { timeoutMs: 2500, ruleSet: 'all' }));
    assert.ok(
      messages.some((message) => message.ruleId === 'bulwark/require-request-timeout'),
      'the sample has findings to compare',
    );
    const callee = SAMPLE.indexOf('fetch(');
    assert.deepEqual(await client.call('callAt', SAMPLE, 'users.ts', callee), inThread.callAt(SAMPLE, 'users.ts', callee));
    const fanOut = SAMPLE.indexOf('Promise.all');
    assert.deepEqual(await client.call('fanOutAt', SAMPLE, 'users.ts', fanOut), inThread.fanOutAt(SAMPLE, 'users.ts', fanOut));
    assert.deepEqual(await client.call('ruleDocs'), inThread.ruleDocs());
  });

  it('matches each reply to its own request when calls overlap', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => `${'\n'.repeat(i)}await fetch('https://example.com/${i}');\n`);
    const answers = await Promise.all(texts.map((text) => client.call('lintText', text, 'overlap.mjs', { ruleSet: 'all' })));
    assert.deepEqual(
      answers.map((messages) => messages.find((message) => message.ruleId === 'bulwark/require-request-timeout')?.line),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('rejects an unknown method with its name, and keeps answering', async () => {
    await assert.rejects(client.call('formatText' as 'ruleDocs'), /unknown linter method "formatText"/);
    assert.ok(Object.keys(await client.call('ruleDocs')).length > 0);
  });

  it('fails the waiting calls when the thread dies, and starts a fresh one on the next call', async () => {
    const waiting = client.call('lintText', SAMPLE, 'users.ts');
    await (client as unknown as { worker: Worker }).worker.terminate();
    await assert.rejects(waiting, /linter thread exited/);
    assert.equal(client.started, false);
    const messages = await client.call('lintText', SAMPLE, 'users.ts', { ruleSet: 'all' });
    assert.ok(messages.length > 0);
  });

  it('fails the waiting calls when stopped', async () => {
    const waiting = client.call('lintText', SAMPLE, 'users.ts');
    client.dispose();
    await assert.rejects(waiting, /linter was stopped/);
  });

  it('rejects calls after it is stopped, without starting a thread', async () => {
    client.dispose();
    await assert.rejects(client.call('ruleDocs'), /linter was stopped/);
    assert.equal(client.started, false);
  });

  it('rejects arguments that cannot reach the thread, and keeps answering', async () => {
    await assert.rejects(client.call('lintText', SAMPLE, 'users.ts', { timeoutMs: (() => 1) as unknown as number }), /could not be cloned/);
    assert.ok(Object.keys(await client.call('ruleDocs')).length > 0);
  });

  describe('a thread that misbehaves', () => {
    const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

    it('is stopped when a call goes unanswered past callTimeoutMs, failing that call; the next call gets a fresh thread', async () => {
      const stuck = new LinterClient(fixture('silent-worker.js'), { callTimeoutMs: 300, maxFailedStarts: 5 });
      try {
        await assert.rejects(stuck.call('ruleDocs'), /did not answer ruleDocs within 300 ms; it was restarted/);
        assert.equal(stuck.started, false);
        const again = stuck.call('ruleDocs');
        assert.equal(stuck.started, true, 'a new thread for the next call');
        await assert.rejects(again, /did not answer/);
      } finally {
        stuck.dispose();
      }
    });

    it('that dies before answering is started again only maxFailedStarts times, then calls fail at once with the cause', async () => {
      const broken = new LinterClient(fixture('broken-worker.js'), { maxFailedStarts: 2 });
      try {
        await assert.rejects(broken.call('ruleDocs'), /cannot load dist\/linter\.js/);
        await assert.rejects(broken.call('ruleDocs'), /cannot load dist\/linter\.js/);
        await assert.rejects(broken.call('ruleDocs'), /failed 2 times in a row before answering; last: cannot load dist\/linter\.js/);
        assert.equal(broken.started, false, 'no third thread');
      } finally {
        broken.dispose();
      }
    });

    it('rejects bad options with clear errors', () => {
      assert.throws(() => new LinterClient(workerFile, { callTimeoutMs: 0 }), /callTimeoutMs must be a finite number > 0, got 0/);
      assert.throws(() => new LinterClient(workerFile, { maxFailedStarts: 1.5 }), /maxFailedStarts must be an integer >= 1, got 1.5/);
    });
  });
});
