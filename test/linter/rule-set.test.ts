// Which rules the in-editor linter runs (setting bulwark.ruleSet): the plugin's `recommended` config by
// default, the same rules and test-file settings a user's eslint.config gets from it, or `all` on request.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as LinterModule from '../../src/linter/lint';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const REDIS_KEYS = ["import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const sessions = () => redis.keys('session:*');", ''].join('\n');
const NO_TIMEOUT = "export const load = () => fetch('https://api.example.com/users');\n";

describe('linter rule set (bulwark.ruleSet)', () => {
  let linter: typeof LinterModule;
  before(() => (linter = createRequire(__filename)(path.join(dist, 'linter.js')) as typeof LinterModule));
  const rulesReported = (text: string, file: string, settings?: LinterModule.LintSettings) =>
    [...new Set(linter.lintText(text, file, settings).map((message) => message.ruleId))].sort();

  it('lints with recommended by default: rules below the precision target stay silent', () => {
    assert.deepEqual(rulesReported(NO_TIMEOUT, 'users.ts'), []);
    assert.deepEqual(rulesReported(REDIS_KEYS, 'sessions.ts'), ['bulwark/no-redis-keys']);
  });

  it("the editor's timeoutMs setting configures require-request-timeout but never switches it on", () => {
    assert.deepEqual(rulesReported(NO_TIMEOUT, 'users.ts', { timeoutMs: 2500 }), []);
    const suggestions = linter
      .lintText(NO_TIMEOUT, 'users.ts', { timeoutMs: 2500, ruleSet: 'all' })
      .flatMap((message) => message.suggestions ?? [])
      .map((suggestion) => suggestion.fix.text);
    assert.ok(
      suggestions.some((text) => text.includes('2500') || text.includes('2_500')),
      JSON.stringify(suggestions),
    );
  });

  it('lints with every rule when ruleSet is all', () => {
    assert.ok(rulesReported(NO_TIMEOUT, 'users.ts', { ruleSet: 'all' }).includes('bulwark/require-request-timeout'));
  });

  it("takes recommended's test-file setting: production-only rules are silent in a test file", () => {
    assert.deepEqual(rulesReported(REDIS_KEYS, 'sessions.test.ts'), []);
  });
});
