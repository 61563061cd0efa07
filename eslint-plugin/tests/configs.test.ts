/**
 * The plugin as users run it: `bulwark.configs.recommended` in a flat config, through ESLint's
 * `ESLint` class (the same path as the CLI), on .js, .mjs, .cjs, .ts and .tsx files.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import bulwark from '../src/index.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));

function eslintWith(...configs: Linter.Config[]): ESLint {
  return new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      bulwark.configs.recommended as Linter.Config,
      { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tsParser as unknown as Linter.Parser } },
      ...configs,
    ],
  });
}

async function problems(eslint: ESLint, code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result);
  const fatal = result.messages.find((message) => message.fatal);
  assert.equal(fatal, undefined, fatal?.message);
  return result.messages.map((message) => `${message.ruleId}:${message.severity}`).sort();
}

const handler = `
export async function loadUsers(ids) {
  try {
    const response = await fetch('/api/users');
    return await response.json();
  } catch {
    return [];
  }
}
`;

describe('bulwark.configs.recommended through the ESLint class', function () {
  this.timeout(60_000);

  for (const filePath of ['src/users.js', 'src/users.mjs', 'src/users.ts']) {
    it(`reports errors and warnings with their configured severities in ${filePath}`, async () => {
      assert.deepEqual(await problems(eslintWith(), handler, filePath), [
        'bulwark/no-swallowed-error:2',
        'bulwark/require-request-timeout:2',
        'bulwark/require-retry:1',
      ]);
    });
  }

  it('lints CommonJS files', async () => {
    const code = `const keys = async (redis) => redis.keys('user:*');\nmodule.exports = { keys };`;
    assert.deepEqual(await problems(eslintWith({ files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } }), code, 'src/keys.cjs'), [
      'bulwark/no-redis-keys:2',
    ]);
  });

  it('lints TypeScript with JSX (.tsx)', async () => {
    const code = `
export async function GET(): Promise<Response> {
  try {
    return Response.json(await load());
  } catch (error: unknown) {
    return new Response(\`<p>\${(error as Error).stack}</p>\`, { status: 500 });
  }
}
export const Page = ({ ids }: { ids: string[] }) => <ul>{ids.map((id) => <li key={id}>{id}</li>)}</ul>;
`;
    assert.deepEqual(await problems(eslintWith(), code, 'app/route.tsx'), ['bulwark/no-error-details-in-response:2']);
  });

  it('reports nothing on code that follows the patterns', async () => {
    const code = `
import { retry } from './retry.js';
export async function loadUsers(signal: AbortSignal) {
  const response = await retry(({ signal: attemptSignal }) => fetch('/api/users', { signal: AbortSignal.any([signal, attemptSignal, AbortSignal.timeout(5000)]) }));
  return response.json();
}
`;
    assert.deepEqual(await problems(eslintWith(), code, 'src/users.ts'), []);
  });

  it('lets a later config turn a rule off or change its options', async () => {
    const eslint = eslintWith({ rules: { 'bulwark/require-retry': 'off', 'bulwark/no-swallowed-error': ['error', { ignoreCalls: [] }] } });
    assert.deepEqual(await problems(eslint, handler, 'src/users.ts'), ['bulwark/no-swallowed-error:2', 'bulwark/require-request-timeout:2']);
  });

  it('rejects unknown options with a clear configuration error', async () => {
    const eslint = eslintWith({ rules: { 'bulwark/require-request-timeout': ['error', { timeout: 5 }] } });
    await assert.rejects(eslint.lintText(handler, { filePath: 'src/users.ts' }), /should NOT have additional properties|must NOT have additional properties/);
  });

  it('works as `all` too', async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [bulwark.configs.all as Linter.Config] });
    const [result] = await eslint.lintText(handler, { filePath: 'src/users.js' });
    assert.deepEqual(result?.messages.map((message) => `${message.ruleId}:${message.severity}`).sort(), [
      'bulwark/no-swallowed-error:2',
      'bulwark/require-request-timeout:2',
      'bulwark/require-retry:2',
    ]);
  });
});
