/**
 * The plugin as users run it: `bulwark.configs.recommended` in a flat config, through ESLint's
 * `ESLint` class (the same path as the CLI), on .js, .mjs, .cjs, .ts and .tsx files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { isTestFile, PRODUCTION_ONLY_RULES } from '../src/configs/test-files.js';
import bulwark from '../src/index.js';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const recommended = bulwark.configs.recommended as Linter.Config;
const typeScriptParsing: Linter.Config = { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tsParser as unknown as Linter.Parser } };

/**
 * Every rule at the severity its own `meta.docs.recommended` asks for, so that these tests do not
 * depend on which rules the measured precision currently keeps in `recommended`.
 */
const intendedSeverities: Linter.Config = {
  rules: Object.fromEntries(Object.entries(bulwark.rules).map(([name, rule]) => [`bulwark/${name}`, rule.meta.docs?.recommended || 'error'])),
};

/** `recommended` (its settings: test files), with every rule on as a user turning the others on would. */
function eslintWith(...configs: Linter.Config[]): ESLint {
  return new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [recommended, intendedSeverities, typeScriptParsing, ...configs] });
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

describe('bulwark.configs.recommended with every rule on, through the ESLint class', function () {
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

/** The first ❌ example of a rule's doc page: code the rule reports. */
function incorrectExample(name: string): string {
  const doc = readFileSync(new URL(`../docs/rules/${name}.md`, import.meta.url), 'utf8');
  const block = /```(?:js|ts|javascript|typescript)\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('❌ Incorrect')));
  assert.ok(block?.[1], `no ❌ example in docs/rules/${name}.md`);
  return block[1];
}

const testPaths = [
  'src/users.test.ts',
  'src/users.spec.ts',
  'src/users.e2e.ts',
  'test/users.ts',
  'tests/api/users.ts',
  'src/__tests__/users.ts',
  'e2e/users.ts',
];

describe('bulwark.configs.recommended in test files', function () {
  this.timeout(120_000);

  for (const name of Object.keys(bulwark.rules)) {
    const productionOnly = PRODUCTION_ONLY_RULES.includes(name);
    it(`${productionOnly ? 'does not report' : 'still reports'} bulwark/${name} in test files (reports it in src/)`, async () => {
      const eslint = eslintWith();
      const code = incorrectExample(name);
      const reported = async (filePath: string) => (await problems(eslint, code, filePath)).some((problem) => problem.startsWith(`bulwark/${name}:`));
      assert.ok(await reported('src/users.ts'), 'the ❌ example is not reported outside tests');
      for (const filePath of testPaths) assert.equal(await reported(filePath), !productionOnly, filePath);
    });
  }

  it('reports test files again under `settings: { bulwark: { ignoreTestFiles: false } }` (the README recipe)', async () => {
    const eslint = eslintWith({ files: ['**/*.test.ts'], settings: { bulwark: { ignoreTestFiles: false } } });
    assert.ok((await problems(eslint, incorrectExample('require-request-timeout'), 'src/users.test.ts')).includes('bulwark/require-request-timeout:2'));
    assert.ok((await problems(eslint, incorrectExample('no-redis-keys'), 'src/users.test.ts')).includes('bulwark/no-redis-keys:2'));
    assert.ok(!(await problems(eslint, incorrectExample('no-redis-keys'), 'test/users.ts')).includes('bulwark/no-redis-keys:2'));
  });

  it('reports test files under `all`, which sets no ignoreTestFiles', async () => {
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [bulwark.configs.all as Linter.Config, typeScriptParsing] });
    assert.ok((await problems(eslint, incorrectExample('no-redis-keys'), 'src/users.test.ts')).includes('bulwark/no-redis-keys:2'));
  });

  it('judges a file by its path inside the project, not by the folders the project lives in', () => {
    assert.equal(isTestFile('/home/ci/tests/shop/src/users.ts', '/home/ci/tests/shop'), false);
    assert.equal(isTestFile('/home/ci/tests/shop/src/users.spec.ts', '/home/ci/tests/shop'), true);
    assert.equal(isTestFile('C:\\shop\\__tests__\\users.js', 'C:\\shop'), true);
    assert.equal(isTestFile('/shop/src/contest/attest.ts', '/shop'), false);
    assert.equal(isTestFile('/shop/src/latest.test-utils.ts', '/shop'), false);
  });
});

describe('bulwark.configs.recommended in eslint.config.* files as users write them', function () {
  this.timeout(120_000);
  let folder: string;
  let projects = 0;
  const pluginUrl = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
  before(() => {
    // Inside the package, so that `eslint/config` and the TypeScript parser resolve from node_modules.
    mkdirSync(join(cwd, '.corpus'), { recursive: true });
    folder = mkdtempSync(join(cwd, '.corpus', 'config-files-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  /**
   * The bulwark rules `configText` reports on a fetch without timeout and a Redis KEYS call in
   * `filePath`. The config text ends its array with `RULES_ON`, as a user turning on rules would.
   */
  async function reportedWith(configText: string, filePath: string): Promise<string[]> {
    projects += 1;
    const project = join(folder, `project-${projects}`);
    mkdirSync(project);
    writeFileSync(join(project, 'eslint.config.mjs'), configText.replace(/'eslint-plugin-bulwark'/, `'${pluginUrl}'`).replace('RULES_ON', rulesOn));
    const code = `export async function load(redis) {\n  const keys = await redis.keys('user:*');\n  return fetch('https://api.example.com/users', { method: 'POST', body: keys.join() });\n}\n`;
    const [result] = await new ESLint({ cwd: project }).lintText(code, { filePath: join(project, filePath) });
    assert.ok(result);
    assert.deepEqual(
      result.messages.filter((message) => message.fatal),
      [],
    );
    return [...new Set(result.messages.map((message) => message.ruleId ?? ''))].filter((id) => id.startsWith('bulwark/')).sort();
  }

  const rulesOn = "{ rules: { 'bulwark/require-request-timeout': 'error', 'bulwark/no-redis-keys': 'error' } }";
  const shapes = {
    // The two configs the extension writes (src/engine/eslint-config.ts; test/engine runs its real output).
    'a nested array': "import bulwark from 'eslint-plugin-bulwark';\n\nexport default [bulwark.configs.recommended, RULES_ON];\n",
    'a nested array after a TypeScript parser config': [
      "import tsParser from '@typescript-eslint/parser';",
      "import bulwark from 'eslint-plugin-bulwark';",
      'export default [',
      "  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },",
      '  bulwark.configs.recommended,',
      '  RULES_ON,',
      '];',
      '',
    ].join('\n'),
    'an object spread scoped to source files':
      "import bulwark from 'eslint-plugin-bulwark';\nexport default [{ files: ['src/**', 'test/**'], ...bulwark.configs.recommended }, RULES_ON];\n",
    'defineConfig()':
      "import { defineConfig } from 'eslint/config';\nimport bulwark from 'eslint-plugin-bulwark';\nexport default defineConfig([{ ignores: ['dist/**'] }, bulwark.configs.recommended, RULES_ON]);\n",
  };
  for (const [shape, configText] of Object.entries(shapes)) {
    it(`${shape}: reports production-only rules in src/ but not in tests`, async () => {
      for (const extension of configText.includes('tsParser') ? ['ts', 'js'] : ['js']) {
        assert.deepEqual(await reportedWith(configText, `src/load.${extension}`), ['bulwark/no-redis-keys', 'bulwark/require-request-timeout']);
        assert.deepEqual(await reportedWith(configText, `src/load.test.${extension}`), []);
        assert.deepEqual(await reportedWith(configText, `test/load.${extension}`), []);
      }
    });
  }
});

describe('bulwark.configs.recommended and the measured precision (docs/lint-precision.md)', () => {
  /** Rule name → measured precision in percent (undefined: nothing labelled TP or FP), from the generated table. */
  function measuredPrecision(): Map<string, number | undefined> {
    const doc = readFileSync(new URL('../../docs/lint-precision.md', import.meta.url), 'utf8');
    const header = doc.split('\n').find((line) => line.startsWith('| Rule |'));
    assert.ok(header, 'no precision table in docs/lint-precision.md');
    const column = header
      .split('|')
      .map((cell) => cell.trim())
      .indexOf('Precision');
    const rows = doc.split('\n').filter((line) => /^\| `[a-z-]+` \|/.test(line));
    return new Map(
      rows.map((line) => {
        const cells = line.split('|').map((cell) => cell.trim());
        const precision = cells[column] === 'n/a' ? undefined : Number.parseFloat(cells[column] ?? '');
        return [(cells[1] ?? '').replaceAll('`', ''), precision];
      }),
    );
  }

  it('measures every rule', () => {
    assert.deepEqual([...measuredPrecision().keys()].sort(), Object.keys(bulwark.rules).sort());
  });

  it('keeps a rule in `recommended` only at 90% precision or more, and every such rule that asks to be there', () => {
    for (const [name, precision] of measuredPrecision()) {
      const inRecommended = `bulwark/${name}` in (bulwark.configs.recommended.rules ?? {});
      const precise = precision === undefined || precision >= 90;
      const wanted = bulwark.rules[name]?.meta.docs?.recommended !== false;
      assert.equal(inRecommended, precise && wanted, `${name}: measured precision ${precision ?? 'n/a'}%`);
    }
  });
});
