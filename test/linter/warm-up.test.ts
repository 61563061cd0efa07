// The linter's warm-up (src/linter/warm-up.ts), which the extension runs on the linter thread when
// a JS/TS project opens. A warm-up the prefilter skipped, or on which no rule reports, would load
// the bundle but leave the parser's and the rules' functions cold: it must lint in full under both
// rule sets. On the thread it is the first lint, so it also writes the code cache.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as LinterModule from '../../src/linter/lint';
import { LinterClient } from '../../src/linter/worker-client';

const dist = path.resolve(__dirname, '..', '..', 'dist');

describe('linter warm-up', () => {
  let linter: typeof LinterModule;
  before(() => (linter = createRequire(__filename)(path.join(dist, 'linter.js')) as typeof LinterModule));

  for (const ruleSet of ['recommended', 'all'] as const) {
    it(`lints its file in full and rules report on it under ${ruleSet}`, () => {
      assert.ok(linter.warmUp({ ruleSet }) > 0, 'rules report on the warm-up file');
    });
  }

  it('is the thread’s first lint: it writes the code cache, and later lints answer as before', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bulwark-warm-up-'));
    const client = new LinterClient(path.join(dist, 'linter-worker.js'), { codeCacheDir: folder });
    try {
      assert.ok((await client.call('warmUp', { ruleSet: 'recommended' })) > 0);
      const until = Date.now() + 20_000;
      while (readdirSync(folder).filter((name) => name.endsWith('.v8-cache')).length === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(readdirSync(folder).filter((name) => name.endsWith('.v8-cache')).length, 1, 'the cache is written after the warm-up');
      const text = "import { Redis } from 'ioredis';\nexport const sessions = (redis: Redis) => redis.keys('session:*');\n";
      assert.deepEqual(await client.call('lintText', text, 'sessions.ts', { rulesOnly: true }), linter.lintText(text, 'sessions.ts', { rulesOnly: true }));
    } finally {
      client.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
