/**
 * Fails when rules, docs, tests, configs and the README disagree.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import * as tsParser from '@typescript-eslint/parser';
import { Linter, type Rule } from 'eslint';
import { BELOW_PRECISION_TARGET } from '../src/configs/precision.js';
import plugin from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ruleNames = Object.keys(plugin.rules).sort();
const baseNames = (dir: string, suffix: string) =>
  readdirSync(`${root}/${dir}`)
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();

/** The contract of the rules spec: twelve rules, three of them warnings in `recommended`. */
const RECOMMENDED: Record<string, 'error' | 'warn'> = {
  'no-ack-in-finally': 'error',
  'no-client-per-request': 'error',
  'no-error-details-in-response': 'error',
  'no-hand-rolled-retry': 'warn',
  'no-redis-keys': 'error',
  'no-swallowed-error': 'error',
  'no-truthy-cache-check': 'error',
  'no-unbounded-cache': 'warn',
  'no-unbounded-concurrency': 'error',
  'require-interval-cleanup': 'error',
  'require-request-timeout': 'error',
  'require-retry': 'warn',
};

describe('plugin consistency', () => {
  it('has a rule file for every registered rule and registers every rule file', () => {
    assert.deepEqual(
      baseNames('src/rules', '.ts').filter((name) => name !== 'index'),
      ruleNames,
    );
  });

  it('has a test file for every rule and no orphan tests', () => {
    assert.deepEqual(baseNames('tests/rules', '.test.ts'), ruleNames);
  });

  it('has a doc page for every rule and no orphan docs', () => {
    assert.deepEqual(baseNames('docs/rules', '.md'), ruleNames);
  });

  it('declares meta, namespace and version from package.json', () => {
    const packageJson = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { name: string; version: string };
    assert.deepEqual(plugin.meta, { name: packageJson.name, version: packageJson.version, namespace: 'bulwark' });
  });

  it('turns on every rule as an error in `all`', () => {
    assert.equal(plugin.configs.all.name, 'bulwark/all');
    assert.equal(plugin.configs.all.plugins?.['bulwark'], plugin);
    assert.deepEqual(plugin.configs.all.rules, Object.fromEntries(ruleNames.map((name) => [`bulwark/${name}`, 'error'])));
  });

  it('turns on the rules in `recommended` with the specified severities, except those below the precision target', () => {
    assert.equal(plugin.configs.recommended.name, 'bulwark/recommended');
    assert.equal(plugin.configs.recommended.plugins?.['bulwark'], plugin);
    assert.deepEqual(
      plugin.configs.recommended.rules,
      Object.fromEntries(
        Object.entries(RECOMMENDED)
          .filter(([name]) => !(name in BELOW_PRECISION_TARGET))
          .map(([name, severity]) => [`bulwark/${name}`, severity]),
      ),
    );
  });

  for (const name of ruleNames) {
    describe(name, () => {
      const rule = plugin.rules[name]!;
      const doc = readFileSync(`${root}/docs/rules/${name}.md`, 'utf8');
      const schema = (rule.meta.schema ?? []) as unknown[];
      const hasOptions = schema.length > 0;

      it('has a description, a docs URL pointing at its doc page, and messages', () => {
        assert.ok(rule.meta.docs?.description, 'meta.docs.description');
        assert.equal(rule.meta.docs?.url, `https://github.com/bulwark-dev/bulwark/blob/main/eslint-plugin/docs/rules/${name}.md`);
        assert.ok(Object.keys(rule.meta.messages).length > 0);
      });

      it('closes every options object (additionalProperties: false) and has defaults for its options', () => {
        assert.ok(Array.isArray(rule.meta.schema), 'schema is an array of option schemas');
        for (const object of objectSchemas(schema)) assert.equal(object['additionalProperties'], false, JSON.stringify(object));
        if (hasOptions) assert.ok(Array.isArray(rule.meta.defaultOptions) && rule.meta.defaultOptions.length > 0, 'meta.defaultOptions');
      });

      it('has a doc that opens with the generated header and one sentence', () => {
        const [title, ...rest] = doc.split('\n');
        assert.equal(title, `# bulwark/${name}`);
        const header = rest.join('\n').split('<!-- end auto-generated rule header -->');
        assert.equal(header.length, 2, 'the eslint-doc-generator header end marker');
        assert.ok(header[0]!.includes(`📝 ${rule.meta.docs?.description}`), 'header carries the description (run `npm run docs`)');
        const firstParagraph = header[1]!.trim().split('\n\n')[0]!;
        assert.match(firstParagraph, /^[^\n]+\.$/, 'a one-sentence opening paragraph');
        assert.equal(firstParagraph.match(/\.\s+[A-Z]/g), null, 'only one sentence');
      });

      it('shows ❌ Incorrect and ✅ Correct examples', () => {
        assert.ok(doc.indexOf('❌ Incorrect') > 0, '❌ Incorrect');
        assert.ok(doc.indexOf('✅ Correct') > doc.indexOf('❌ Incorrect'), '✅ Correct after ❌ Incorrect');
      });

      it(hasOptions ? 'documents its options in an Options section' : 'has no Options section (it has no options)', () => {
        const hasSection = /^## Options$/m.test(doc);
        assert.equal(hasSection, hasOptions);
        if (hasOptions) {
          assert.ok(doc.includes('<!-- begin auto-generated rule options list -->'), 'generated options table');
          const properties = objectSchemas(schema).flatMap((object) => Object.keys((object['properties'] ?? {}) as object));
          for (const property of properties) assert.ok(doc.includes(`\`${property}\``), `option ${property} is documented`);
        }
      });

      it('reports its ❌ examples and accepts its ✅ examples', () => {
        const { incorrect, correct } = examples(doc);
        assert.ok(incorrect.length > 0 && correct.length > 0);
        for (const code of incorrect) assert.ok(lintExample(name, rule, code).length > 0, `not reported:\n${code}`);
        for (const code of correct) assert.deepEqual(lintExample(name, rule, code), [], `reported:\n${code}`);
      });
    });
  }

  describe('built package and README', function () {
    this.timeout(180_000);
    before(() => {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    });

    it('loads from dist/ with the same rules and configs', async () => {
      const built = (await import(`${root}/dist/index.js`)) as { default: typeof plugin };
      assert.deepEqual(Object.keys(built.default.rules).sort(), ruleNames);
      assert.deepEqual(built.default.configs.recommended.rules, plugin.configs.recommended.rules);
    });

    it('has doc headers and README tables that eslint-doc-generator would not change', () => {
      try {
        execFileSync('npx', ['eslint-doc-generator', '--rule-doc-title-format', 'prefix-name', '--check'], { cwd: root, stdio: 'pipe' });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
        assert.fail(`docs are out of date; run \`npm run docs\`:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
      }
    });
  });
});

function objectSchemas(schema: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (record['type'] === 'object') found.push(record);
    Object.values(record).forEach(visit);
  };
  visit(schema);
  return found;
}

function examples(doc: string): { incorrect: string[]; correct: string[] } {
  const start = doc.indexOf('❌ Incorrect');
  const middle = doc.indexOf('✅ Correct');
  const end = doc.indexOf('\n## ', middle) === -1 ? doc.length : doc.indexOf('\n## ', middle);
  const blocks = (text: string) => [...text.matchAll(/```(?:js|ts|javascript|typescript)\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return { incorrect: blocks(doc.slice(start, middle)), correct: blocks(doc.slice(middle, end)) };
}

const linter = new Linter({ configType: 'flat' });

function lintExample(name: string, rule: unknown, code: string): string[] {
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser as unknown as Linter.Parser, ecmaVersion: 'latest', sourceType: 'module' },
        plugins: { bulwark: { rules: { [name]: rule as Rule.RuleModule } } },
        rules: { [`bulwark/${name}`]: 'error' },
      },
    ],
    'example.ts',
  );
  const fatal = messages.find((message) => message.fatal);
  assert.equal(fatal, undefined, `example does not parse: ${fatal?.message}\n${code}`);
  return messages.map((message) => `${message.line}:${message.column} ${message.messageId}`);
}
