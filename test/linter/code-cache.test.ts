// V8's code cache of dist/linter.js (src/linter/code-cache.ts): the linter thread writes it into
// the folder it is given after its first lint, and a later thread compiles the linter from it; a
// stale or damaged cache is rejected by V8 and rewritten, never trusted.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LinterClient } from '../../src/linter/worker-client';

const workerFile = path.resolve(__dirname, '..', '..', 'dist', 'linter-worker.js');
// Flagged under the default rule set (no-redis-keys), so there are findings to compare.
const SAMPLE = "import { Redis } from 'ioredis';\nconst redis = new Redis();\nexport const sessions = () => redis.keys('session:*');\n";

/** Waits (the thread writes the cache once idle after a lint) until `written` holds for the folder's cache files. */
async function cacheFiles(folder: string, written: (files: string[]) => boolean): Promise<string[]> {
  const until = Date.now() + 20_000;
  for (;;) {
    const found = readdirSync(folder, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.v8-cache'));
    if (written(found) || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One thread's life: how it compiled the linter, a lint, and the cache files once `written` holds. */
async function thread(folder: string, written: (files: string[]) => boolean = (files) => files.length > 0) {
  const client = new LinterClient(workerFile, { codeCacheDir: folder });
  try {
    const state = await client.call('codeCacheState');
    const messages = await client.call('lintText', SAMPLE, 'users.ts', { timeoutMs: 2500 });
    return { state, messages, files: await cacheFiles(folder, written) };
  } finally {
    client.dispose();
  }
}

describe('linter code cache (codeCacheDir)', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(path.join(os.tmpdir(), 'bulwark-code-cache-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is written after the first lint and used by the next thread, with the same results', async () => {
    const first = await thread(folder);
    assert.equal(first.state, 'miss');
    assert.equal(first.files.length, 1, 'one cache file after the first lint');
    const second = await thread(folder);
    assert.equal(second.state, 'hit');
    assert.deepEqual(second.messages, first.messages);
    assert.ok(first.messages.length > 0, 'the sample has findings to compare');
  });

  it('rejects a damaged cache and writes a good one in its place', async () => {
    const [name] = (await thread(folder)).files;
    const file = path.join(folder, name!);
    const damage = Buffer.alloc(readFileSync(file).length, 7);
    writeFileSync(file, damage);
    const damaged = await thread(folder, () => !readFileSync(file).equals(damage));
    assert.equal(damaged.state, 'rejected');
    assert.ok(damaged.messages.length > 0, 'the linter still works');
    assert.equal((await thread(folder)).state, 'hit');
  });

  it('is not used without a folder', async () => {
    const client = new LinterClient(workerFile);
    try {
      assert.equal(await client.call('codeCacheState'), 'off');
    } finally {
      client.dispose();
    }
  });
});
