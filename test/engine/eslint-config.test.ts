import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@typescript-eslint/parser';
import { addRecommendedConfig, configPackages, findConfigFile, newConfigText, type ConfigEdit, type SyntaxCheck } from '../../src/engine/eslint-config';
import { scan, ScanError } from '../../src/engine/js-scan';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The real parser the extension re-parses with (@typescript-eslint/parser, inside ESLint). */
const checkSyntax: SyntaxCheck = (text, fileName) => {
  try {
    parse(text, { sourceType: /\.c[jt]s$/.test(fileName) ? 'script' : 'module', ecmaVersion: 'latest', filePath: fileName });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

function updated(text: string, fileName = 'eslint.config.mjs'): string {
  const edit = addRecommendedConfig(text, fileName, checkSyntax);
  assert.equal(edit.kind, 'updated', `expected an edit, got ${JSON.stringify(edit)}`);
  const result = (edit as Extract<ConfigEdit, { kind: 'updated' }>).text;
  // Idempotent: the edited file reads as configured, and a second run changes nothing.
  assert.equal(addRecommendedConfig(result, fileName, checkSyntax).kind, 'unchanged');
  return result;
}

function refused(text: string, fileName = 'eslint.config.mjs'): string {
  const edit = addRecommendedConfig(text, fileName, checkSyntax);
  assert.equal(edit.kind, 'unsupported', `expected a refusal, got ${JSON.stringify(edit)}`);
  return (edit as Extract<ConfigEdit, { kind: 'unsupported' }>).reason;
}

const lines = (...all: string[]) => `${all.join('\n')}\n`;

describe('engine: adding bulwark.configs.recommended to a flat ESLint config', () => {
  describe('exported arrays', () => {
    it('appends to a multi-line array with a trailing comma, after the last import', () => {
      const before = lines("import js from '@eslint/js';", '', 'export default [', '  js.configs.recommended,', "  { ignores: ['dist/**'] },", '];');
      assert.equal(
        updated(before),
        lines(
          "import js from '@eslint/js';",
          "import bulwark from 'eslint-plugin-bulwark';",
          '',
          'export default [',
          '  js.configs.recommended,',
          "  { ignores: ['dist/**'] },",
          '  bulwark.configs.recommended,',
          '];',
        ),
      );
    });

    it('adds the separating comma when the last element has none, keeping its indentation', () => {
      const before = lines(
        'import js from "@eslint/js";',
        'export default [',
        '    js.configs.recommended,',
        '    {',
        '      rules: { "no-console": "warn" },',
        '    }',
        '];',
      );
      assert.equal(
        updated(before),
        lines(
          'import js from "@eslint/js";',
          'import bulwark from "eslint-plugin-bulwark";',
          'export default [',
          '    js.configs.recommended,',
          '    {',
          '      rules: { "no-console": "warn" },',
          '    },',
          '    bulwark.configs.recommended',
          '];',
        ),
      );
    });

    it('keeps a single-line array on one line, and the file without semicolons', () => {
      assert.equal(
        updated(lines("import js from '@eslint/js'", 'export default [js.configs.recommended]')),
        lines(
          "import js from '@eslint/js'",
          "import bulwark from 'eslint-plugin-bulwark'",
          'export default [js.configs.recommended, bulwark.configs.recommended]',
        ),
      );
    });

    it('fills an empty array, putting the import above the export when there is none', () => {
      assert.equal(updated('export default [];\n'), lines("import bulwark from 'eslint-plugin-bulwark';", '', 'export default [bulwark.configs.recommended];'));
    });

    it('keeps a trailing comment on the last element with that element', () => {
      const before = lines('export default [', "  { ignores: ['dist/**'] }, // build output", '];');
      assert.equal(
        updated(before),
        lines(
          "import bulwark from 'eslint-plugin-bulwark';",
          '',
          'export default [',
          "  { ignores: ['dist/**'] }, // build output",
          '  bulwark.configs.recommended,',
          '];',
        ),
      );
    });

    it('extends the array a top-level const holds when the file exports that const', () => {
      const before = lines("import js from '@eslint/js';", '', 'const config = [', '  js.configs.recommended,', '];', '', 'export default config;');
      assert.match(updated(before), /const config = \[\n {2}js\.configs\.recommended,\n {2}bulwark\.configs\.recommended,\n\];/);
    });

    it('skips brackets inside strings, template literals, regular expressions and comments', () => {
      const before = lines(
        '// [ unbalanced in a comment',
        "const glob = '**/*.{ts,tsx]';",
        'const pattern = /[\\]]+/u;',
        'export default [',
        '  { files: [glob], ignores: [`${"]"}/tmp/**`], rules: { x: pattern.test("]") ? "off" : "warn" } },',
        '];',
      );
      assert.match(updated(before), /rules: \{ x: pattern\.test\("]"\) \? "off" : "warn" \} \},\n {2}bulwark\.configs\.recommended,\n\];\n$/);
    });

    it('keeps CRLF line endings', () => {
      const result = updated('import js from "@eslint/js";\r\nexport default [\r\n  js.configs.recommended,\r\n];\r\n');
      assert.equal(
        result,
        'import js from "@eslint/js";\r\nimport bulwark from "eslint-plugin-bulwark";\r\nexport default [\r\n  js.configs.recommended,\r\n  bulwark.configs.recommended,\r\n];\r\n',
      );
    });

    it('picks another name when `bulwark` is already taken', () => {
      const result = updated(lines("const bulwark = 'castle';", 'export default [{ name: bulwark }];'));
      assert.match(result, /^import bulwarkPlugin from 'eslint-plugin-bulwark';/);
      assert.match(result, /\[\{ name: bulwark \}, bulwarkPlugin\.configs\.recommended\]/);
    });
  });

  describe('config helpers', () => {
    it('defineConfig([…]): appends to the array it is given', () => {
      const before = lines("import { defineConfig } from 'eslint/config';", '', 'export default defineConfig([', "  { files: ['**/*.js'] },", ']);');
      assert.equal(
        updated(before),
        lines(
          "import { defineConfig } from 'eslint/config';",
          "import bulwark from 'eslint-plugin-bulwark';",
          '',
          'export default defineConfig([',
          "  { files: ['**/*.js'] },",
          '  bulwark.configs.recommended,',
          ']);',
        ),
      );
    });

    it('tseslint.config(…) in eslint.config.ts: appends an argument, types and all', () => {
      const before = lines(
        "import eslint from '@eslint/js';",
        "import tseslint from 'typescript-eslint';",
        '',
        'export default tseslint.config(',
        '  eslint.configs.recommended,',
        '  tseslint.configs.recommended as never,',
        ');',
      );
      const result = updated(before, 'eslint.config.ts');
      assert.match(result, /tseslint\.configs\.recommended as never,\n {2}bulwark\.configs\.recommended,\n\);\n$/);
    });

    it('a typed const in eslint.config.ts: `const config: Linter.Config[] = […]; export default config`', () => {
      const before = lines(
        "import type { Linter } from 'eslint';",
        '',
        'const config: Linter.Config[] = [',
        "  { ignores: ['dist/**'] },",
        '];',
        '',
        'export default config;',
      );
      const result = updated(before, 'eslint.config.ts');
      assert.match(result, /^import type \{ Linter \} from 'eslint';\nimport bulwark from 'eslint-plugin-bulwark';\n/);
      assert.match(result, /\{ ignores: \['dist\/\*\*'\] \},\n {2}bulwark\.configs\.recommended,\n\];/);
    });

    it('module.exports = defineConfig([…]) in CommonJS', () => {
      const before = lines("const { defineConfig } = require('eslint/config');", '', 'module.exports = defineConfig([', "  { ignores: ['dist/**'] },", ']);');
      assert.equal(
        updated(before, 'eslint.config.cjs'),
        lines(
          "const { defineConfig } = require('eslint/config');",
          "const bulwark = require('eslint-plugin-bulwark').default;",
          '',
          'module.exports = defineConfig([',
          "  { ignores: ['dist/**'] },",
          '  bulwark.configs.recommended,',
          ']);',
        ),
      );
    });

    it('a typescript-eslint import under another name is recognised too', () => {
      const result = updated(lines("import ts from 'typescript-eslint';", 'export default ts.config(ts.configs.strict);'), 'eslint.config.mts');
      assert.match(result, /ts\.config\(ts\.configs\.strict, bulwark\.configs\.recommended\);/);
    });
  });

  describe('CommonJS', () => {
    it('module.exports = [ … ]: requires the plugin after the last require', () => {
      const before = lines(
        "'use strict';",
        "const js = require('@eslint/js');",
        "const globals = require('globals');",
        '',
        'module.exports = [',
        '  js.configs.recommended,',
        '];',
      );
      assert.equal(
        updated(before, 'eslint.config.cjs'),
        lines(
          "'use strict';",
          "const js = require('@eslint/js');",
          "const globals = require('globals');",
          "const bulwark = require('eslint-plugin-bulwark').default;",
          '',
          'module.exports = [',
          '  js.configs.recommended,',
          '  bulwark.configs.recommended,',
          '];',
        ),
      );
    });

    it('with no require, the require goes after a leading "use strict" directive', () => {
      assert.equal(
        updated(lines("'use strict';", 'module.exports = [];'), 'eslint.config.js'),
        lines("'use strict';", "const bulwark = require('eslint-plugin-bulwark').default;", 'module.exports = [bulwark.configs.recommended];'),
      );
    });
  });

  describe('a single exported config object', () => {
    it('wraps it in an array with the recommended config', () => {
      assert.equal(
        updated(lines('export default {', "  rules: { 'no-var': 'error' },", '};')),
        lines("import bulwark from 'eslint-plugin-bulwark';", '', 'export default [{', "  rules: { 'no-var': 'error' },", '}, bulwark.configs.recommended];'),
      );
    });

    it('refuses when the object carries a type assertion an array would break', () => {
      assert.match(refused('export default { rules: {} } satisfies Linter.Config;\n', 'eslint.config.ts'), /type assertion/);
    });
  });

  describe('already configured', () => {
    it('changes nothing when the file already imports eslint-plugin-bulwark, in any way', () => {
      for (const text of [
        lines("import bulwark from 'eslint-plugin-bulwark';", 'export default [bulwark.configs.all];'),
        lines("const b = require('eslint-plugin-bulwark');", 'module.exports = [{ plugins: { bulwark: b.default } }];'),
        lines("export default [(await import('eslint-plugin-bulwark')).default.configs.recommended];"),
      ]) {
        const edit = addRecommendedConfig(text, 'eslint.config.mjs', checkSyntax);
        assert.deepEqual(edit, { kind: 'unchanged', reason: 'it already uses eslint-plugin-bulwark' });
      }
    });
  });

  describe('shapes it cannot edit safely are refused with the reason, never written', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'a call to an unknown function',
        "import { make } from './make.js';\nexport default make();\n",
        /`make\(…\)`, which Bulwark does not know how to extend/,
      ],
      ['an async function', 'export default async () => [];\n', /is not an array, an object, defineConfig/],
      ['no export at all', "console.log('hi');\n", /no `export default` or `module\.exports =`/],
      ['both module systems', 'export default [];\nmodule.exports = [];\n', /both/],
      ['an exported let', 'let config = [];\nexport default config;\n', /not a `const`/],
      ['a reassigned const', 'const config = [];\nconfig = [1];\nexport default config;\n', /assigned more than once/],
      ['a file that does not scan', 'export default [\n', /could not be read as JavaScript \(unclosed "\[" at line 1, column 16\)/],
    ];
    for (const [what, text, reason] of cases) {
      it(what, () => assert.match(refused(text), reason));
    }

    it('an edit the real parser rejects is refused, even when the brackets balance', () => {
      // Balanced brackets, invalid JavaScript: only the re-parse can catch it.
      assert.match(refused('export default [ a b ];\n'), /the edited file would not parse/);
    });

    it('uses the syntax check it is given on every edit', () => {
      const seen: string[] = [];
      const edit = addRecommendedConfig('export default [];\n', 'eslint.config.js', (text, fileName) => {
        seen.push(fileName);
        return 'Unexpected token (1:1)';
      });
      assert.deepEqual(seen, ['eslint.config.js']);
      assert.deepEqual(edit, { kind: 'unsupported', reason: 'the edited file would not parse (Unexpected token (1:1))' });
    });
  });

  describe('new configs and config discovery', () => {
    it('a new TypeScript config parses TypeScript files with @typescript-eslint/parser, and needs it installed', () => {
      const text = newConfigText(true, {});
      assert.equal(checkSyntax(text, 'eslint.config.mjs'), undefined);
      assert.match(text, /import tsParser from '@typescript-eslint\/parser';/);
      assert.deepEqual(
        configPackages(true, {}).map((need) => need.name),
        ['eslint', 'eslint-plugin-bulwark', '@typescript-eslint/parser'],
      );
      assert.ok(configPackages(true, {}).every((need) => need.dev));
    });

    it("uses typescript-eslint's parser when the project already has typescript-eslint", () => {
      const manifest = { devDependencies: { 'typescript-eslint': '^8.0.0' } };
      assert.match(newConfigText(true, manifest), /parser: tseslint\.parser/);
      assert.deepEqual(
        configPackages(true, manifest).map((need) => need.name),
        ['eslint', 'eslint-plugin-bulwark'],
      );
    });

    it('a new JavaScript config is just the recommended config', () => {
      assert.equal(
        newConfigText(false),
        lines(
          '// ESLint flat config: https://eslint.org/docs/latest/use/configure/configuration-files',
          "import bulwark from 'eslint-plugin-bulwark';",
          '',
          'export default [bulwark.configs.recommended];',
        ),
      );
    });

    it('finds the flat config ESLint would use, and reports legacy configs', () => {
      assert.deepEqual(findConfigFile(['eslint.config.ts', 'eslint.config.mjs', 'package.json']), { kind: 'flat', file: 'eslint.config.mjs' });
      assert.deepEqual(findConfigFile(['.eslintrc.json', 'package.json']), { kind: 'legacy', file: '.eslintrc.json' });
      assert.deepEqual(findConfigFile(['package.json'], { eslintConfig: {} } as never), { kind: 'legacy', file: 'package.json ("eslintConfig")' });
      assert.deepEqual(findConfigFile(['package.json'], {}), { kind: 'none' });
    });
  });

  describe('the scanner', () => {
    it('reports where an unterminated literal starts', () => {
      assert.throws(
        () => scan("const a = 'open;\n"),
        (error: unknown) => error instanceof ScanError && /unterminated string at line 1, column 11/.test(error.message),
      );
      assert.throws(() => scan('const a = `x ${ [ } `;'), ScanError);
    });

    it('treats a slash after a value as division, not a regular expression', () => {
      const { tokens } = scan('const half = total / 2 / [1][0];');
      assert.deepEqual(
        tokens.filter((token) => token.kind === 'regex'),
        [],
      );
    });
  });

  describe('real ESLint loads the edited configs and reports bulwark rules', function () {
    // Loading ESLint and the plugin takes a few seconds on a busy machine.
    this.timeout(60_000);
    let folder: string;
    let projects = 0;
    before(() => {
      folder = mkdtempSync(path.join(os.tmpdir(), 'bulwark-eslint-config-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    async function bulwarkRulesReported(configFile: string, configText: string, sourceFile: string): Promise<string[]> {
      projects += 1;
      const project = path.join(folder, `project-${projects}`);
      mkdirSync(project);
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      writeFileSync(path.join(project, configFile), configText);
      const { ESLint } = await import('eslint');
      const eslint = new ESLint({ cwd: project });
      // A finding of a rule in recommended (the rules below its precision target are in `all` only).
      const source = "import { Redis } from 'ioredis';\nconst redis = new Redis();\nexport const sessions = () => redis.keys('session:*');\n";
      const [result] = await eslint.lintText(source, { filePath: path.join(project, sourceFile) });
      assert.ok(result);
      assert.deepEqual(
        result.messages.filter((message) => message.fatal),
        [],
      );
      return result.messages.map((message) => message.ruleId ?? '').filter((rule) => rule.startsWith('bulwark/'));
    }

    it('an edited ES module config', async () => {
      const text = updated(lines('export default [', "  { ignores: ['dist/**'] },", '];'));
      assert.ok((await bulwarkRulesReported('eslint.config.mjs', text, 'load.js')).includes('bulwark/no-redis-keys'));
    });

    it('an edited CommonJS config (require of the ES module plugin)', async () => {
      const text = updated(lines("'use strict';", 'module.exports = [', "  { ignores: ['dist/**'] },", '];'), 'eslint.config.cjs');
      assert.ok((await bulwarkRulesReported('eslint.config.cjs', text, 'load.js')).includes('bulwark/no-redis-keys'));
    });

    it('an edited defineConfig([…]) config', async () => {
      const text = updated(lines("import { defineConfig } from 'eslint/config';", 'export default defineConfig([', "  { ignores: ['dist/**'] },", ']);'));
      assert.ok((await bulwarkRulesReported('eslint.config.mjs', text, 'load.js')).includes('bulwark/no-redis-keys'));
    });

    it('a new TypeScript config lints .ts files', async () => {
      const rules = await bulwarkRulesReported('eslint.config.mjs', newConfigText(true, {}), 'load.ts');
      assert.ok(rules.includes('bulwark/no-redis-keys'), `got ${rules.join(', ')}`);
    });
  });
});
