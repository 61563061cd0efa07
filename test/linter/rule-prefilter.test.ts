// The prefilter of the editor's diagnostics (lintText's `rulesOnly`): a file no enabled rule can
// report on is not parsed. The corpus check (scripts/linter-equivalence.mjs) proves results stay
// identical on real code; these cases pin the edges it may not meet.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as LinterModule from '../../src/linter/lint';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const DIAGNOSTICS = { timeoutMs: 10_000, rulesOnly: true } as const;

describe('linter prefilter (rulesOnly)', () => {
  let linter: typeof LinterModule;
  before(() => (linter = createRequire(__filename)(path.join(dist, 'linter.js')) as typeof LinterModule));
  const rules = (text: string, file: string, settings: LinterModule.LintSettings) => linter.lintText(text, file, settings).map((message) => message.ruleId);

  it('does not parse a file no enabled rule can report on: its syntax error is not reported', () => {
    const broken = 'export const total = (a: number, b: number) => a +;\n';
    assert.equal(linter.lintText(broken, 'sum.ts').filter((message) => message.fatal).length, 1, 'a full lint reports the syntax error');
    assert.equal(linter.needsLint(broken, 'sum.ts', DIAGNOSTICS), false);
    assert.deepEqual(linter.lintText(broken, 'sum.ts', DIAGNOSTICS), []);
  });

  it('lints a file that mentions what a rule looks for, and returns only bulwark messages', () => {
    const keys = ["import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const sessions = () => redis.keys('session:*');", ''].join('\n');
    assert.equal(linter.needsLint(keys, 'sessions.ts', DIAGNOSTICS), true);
    assert.deepEqual(rules(keys, 'sessions.ts', DIAGNOSTICS), ['bulwark/no-redis-keys']);
    const unknownRule = `// eslint-disable-next-line no-such-plugin/rule\n${keys}`;
    assert.ok(
      rules(unknownRule, 'sessions.ts', {}).some((id) => !id?.startsWith('bulwark/')),
      'a full lint reports the unknown rule',
    );
    assert.deepEqual(rules(unknownRule, 'sessions.ts', DIAGNOSTICS), ['bulwark/no-redis-keys']);
  });

  it('steps aside for inline eslint comments, which may switch a rule on for the file', () => {
    const retried =
      "/* eslint bulwark/require-retry: 'error' */\nexport async function load() {\n  return fetch('https://api.example.com/users', { signal: AbortSignal.timeout(5000) });\n}\n";
    assert.deepEqual(rules(retried, 'users.ts', { rulesOnly: true }), ['bulwark/require-retry']);
  });

  it('lints when a rule reads more of the file than its text before deciding (all rules)', () => {
    assert.equal(linter.needsLint('export const a = 1;\n', 'a.ts', { ruleSet: 'all', rulesOnly: true }), true);
  });

  it('honours the file name as the rules do: production-only rules are off in test files', () => {
    const keysOnly = "export const sessions = (redis: { keys(pattern: string): unknown }) => redis.keys('session:*');\n";
    assert.equal(linter.needsLint(keysOnly, 'sessions.ts', DIAGNOSTICS), true, 'no-redis-keys may report');
    assert.equal(linter.needsLint(keysOnly, 'sessions.test.ts', DIAGNOSTICS), false);
  });
});
