// The import a quick fix adds, as a table: every case is planned, checked against what it must
// say, then the result (the import, plus a use of the symbol under the planned local name) is
// type-checked with the real patterns, strict, under NodeNext and under Bundler resolution.
import assert from 'node:assert/strict';
import { planPatternImport, specifierExtension, type ImportFacts, type ModuleOptions } from '../../src/engine/import-plan';
import { moduleFacts } from '../../src/engine/imports';
import { moduleOptions } from '../../src/engine/tsconfig';
import { MemoryProjectFs } from '../shared/memory-project';
import { typecheck, type Resolution } from './typecheck';

type Symbol = 'retry' | 'mapWithConcurrency';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly symbol?: Symbol;
  /** `.ts` unless given. */
  readonly extension?: '.ts' | '.mts' | '.cts';
  readonly packageType?: 'module' | 'commonjs';
  /** Resolutions to type-check under (both unless given). */
  readonly only?: Resolution;
  /** The local name the code must use. */
  readonly local?: string;
  /** Text the result must start with / contain / not contain. */
  readonly startsWith?: string;
  readonly contains?: readonly string[];
  readonly lacks?: readonly string[];
  /** No import inserted (an existing one is reused). */
  readonly reuses?: boolean;
}

const RESOLUTIONS: Readonly<Record<Resolution, ModuleOptions>> = {
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  bundler: { module: 'ESNext', moduleResolution: 'Bundler' },
};

const TARGETS: Readonly<Record<Symbol, string>> = { retry: 'src/patterns/retry.ts', mapWithConcurrency: 'src/patterns/concurrency.ts' };

const CASES: readonly Case[] = [
  {
    name: 'no imports: at the top, a blank line before the code',
    text: "export const url = 'x';\n",
    startsWith: "import { retry } from '../patterns/retry",
    local: 'retry',
  },
  { name: 'empty file', text: '', contains: ['import { retry }'], local: 'retry' },
  {
    name: 'after the imports, in their quotes and semicolons',
    text: 'import type { Options } from "other-retry";\nimport pRetryDefault from "p-retry";\n\nexport const o: Options = { tries: 1 };\nvoid pRetryDefault;\n',
    contains: ['import pRetryDefault from "p-retry";\nimport { retry } from "../patterns/retry'],
  },
  {
    name: 'no semicolons when the imports have none',
    text: "import type { Options } from 'other-retry'\n\nexport const o: Options = { tries: 1 }\n",
    contains: ["from 'other-retry'\nimport { retry } from '../patterns/retry"],
    lacks: ["retry';", "retry.js';"],
  },
  {
    name: 'no imports, no semicolons: learned from the statements',
    text: "export const a = 'x'\nexport const b = a + 'y'\n",
    lacks: ["retry';", "retry.js';"],
  },
  {
    name: 'semicolons and quotes inside comments count for nothing',
    text: '// don\'t; "really";\n/* it\'s; */\nexport const a = 1\n',
    contains: ["import { retry } from '../patterns/retry"],
    lacks: ["retry';", "retry.js';", '"../patterns'],
  },
  {
    name: 'a quote inside a string does not decide the style',
    text: 'export const a = "it\'s";\nexport const b = "x";\n',
    contains: ['import { retry } from "../patterns/retry'],
  },
  {
    name: "CRLF with 'use server': after the directive, on its own CRLF line",
    text: "'use server';\r\nimport type { Options } from 'other-retry';\r\n\r\nexport async function act(o: Options) { return o; }\r\n",
    startsWith: "'use server';\r\nimport type { Options } from 'other-retry';\r\nimport { retry } from '../patterns/retry",
    lacks: ['\n\n', "';import", "'\nimport"],
  },
  {
    name: "CRLF, 'use server' and no imports",
    text: "'use server'\r\n\r\nexport async function act() { return 1 }\r\n",
    startsWith: "'use server'\r\nimport { retry } from '../patterns/retry",
  },
  {
    name: "'use client' and 'use strict' both stay first",
    text: '"use client";\n"use strict";\nexport const a = 1;\n',
    startsWith: '"use client";\n"use strict";\nimport { retry } from "../patterns/retry',
  },
  {
    name: 'a byte order mark stays first',
    text: '\uFEFFexport const a = 1;\n',
    startsWith: "\uFEFFimport { retry } from '../patterns/retry",
  },
  {
    name: 'a shebang stays first',
    text: '#!/usr/bin/env node\nexport const a = 1;\n',
    startsWith: "#!/usr/bin/env node\nimport { retry } from '../patterns/retry",
  },
  {
    name: '/// references and @ts- pragmas stay above every statement',
    text: '/// <reference lib="es2022" />\n// @ts-check\n/* eslint-disable no-console */\n\nexport const a = 1;\n',
    startsWith: '/// <reference lib="es2022" />\n// @ts-check\n/* eslint-disable no-console */\nimport { retry } from \'../patterns/retry',
  },
  {
    name: 'an eslint-disable-next-line comment keeps its line',
    text: '// eslint-disable-next-line no-var\nvar a = 1;\nexport { a };\n',
    startsWith: "import { retry } from '../patterns/retry",
  },
  {
    name: 'a JSDoc comment stays with the declaration below it',
    text: '/** The answer. */\nexport const a = 1;\n',
    startsWith: "import { retry } from '../patterns/retry",
  },
  {
    name: 'a multi-line import with a trailing comment',
    text: "import {\n  type Options,\n} from 'other-retry'; // note: \"quoted\"; it's fine\n\nexport const o: Options = { tries: 1 };\n",
    contains: ["it's fine\nimport { retry } from '../patterns/retry"],
  },
  {
    name: 'a block comment spanning lines after the last import',
    text: "import type { Options } from 'other-retry'; /* a\n b */\nexport const o: Options = { tries: 1 };\n",
    contains: ["b */\nimport { retry } from '../patterns/retry"],
  },
  {
    name: 'an import on the last line without a line break',
    text: "import type { Options } from 'other-retry';",
    contains: ["'other-retry';\nimport { retry } from '../patterns/retry"],
  },
  {
    name: 'import.meta and import() are not imports',
    text: "export const here = import.meta.url;\nexport const later = () => import('other-retry');\n",
    startsWith: "import { retry } from '../patterns/retry",
  },
  {
    name: 'only type imports',
    text: "import type { Options } from 'other-retry';\n\nexport const o: Options = { tries: 1 };\n",
    contains: ["'other-retry';\nimport { retry } from '../patterns/retry"],
    local: 'retry',
  },
  {
    name: 'reuses an import of the pattern',
    text: "import { retry } from '../patterns/retry.js';\n\nexport const a = 1;\n",
    reuses: true,
    local: 'retry',
  },
  {
    name: 'reuses an aliased import of the pattern',
    text: "import { sleep, retry as withRetry } from '../patterns/retry.js';\n\nvoid sleep;\n",
    reuses: true,
    local: 'withRetry',
  },
  {
    name: 'reuses a namespace import of the pattern',
    text: "import * as patterns from '../patterns/retry.js';\n\nexport const a = 1;\n",
    reuses: true,
    local: 'patterns.retry',
  },
  {
    name: 'a type-only import of the pattern is not reused',
    text: "import type { RetryOptions } from '../patterns/retry.js';\n\nexport const options: RetryOptions = {};\n",
    local: 'retry',
  },
  {
    name: 'a type-only import named retry collides',
    text: "import type { retry } from '../patterns/retry.js';\n\nexport type R = typeof retry;\n",
    local: 'bulwarkRetry',
  },
  {
    name: 'collision: p-retry default import',
    text: "import retry from 'p-retry';\n\nexport const a = retry(async () => 1, { retries: 2 });\n",
    local: 'bulwarkRetry',
    contains: ['import { retry as bulwarkRetry } from'],
  },
  {
    name: 'collision: another package named import',
    text: "import { retry } from 'other-retry';\n\nexport const a = retry(() => 1);\n",
    local: 'bulwarkRetry',
  },
  { name: 'collision: type-only named import', text: "import type { retry } from 'other-retry';\n\nexport type R = typeof retry;\n", local: 'bulwarkRetry' },
  { name: 'collision: top-level const', text: 'const retry = 3;\nexport const a = retry + 1;\n', local: 'bulwarkRetry' },
  { name: 'collision: function declaration', text: 'export function retry(): number {\n  return 1;\n}\n', local: 'bulwarkRetry' },
  { name: 'collision: parameter', text: 'export function f(retry: number): number {\n  return retry;\n}\n', local: 'bulwarkRetry' },
  { name: 'collision: block-scoped', text: 'export function f(): number {\n  {\n    const retry = 2;\n    return retry;\n  }\n}\n', local: 'bulwarkRetry' },
  { name: 'collision: declare statement', text: 'declare const retry: number;\nexport const a = retry;\n', local: 'bulwarkRetry' },
  { name: 'collision: global declared in the file', text: 'export {};\ndeclare global {\n  var retry: number;\n}\n', local: 'bulwarkRetry' },
  { name: 'collision: a re-export', text: "export { retry } from 'other-retry';\n", local: 'bulwarkRetry' },
  {
    name: 'collision: the alias is taken too',
    text: "import retry from 'p-retry';\nconst bulwarkRetry = 1;\nexport const a = [retry, bulwarkRetry];\n",
    local: 'bulwarkRetry2',
  },
  { name: 'collision: a type named retry', text: 'type retry = number;\nexport const a: retry = 1;\n', local: 'bulwarkRetry' },
  { name: 'no collision: a class member (harmless alias avoided only for bindings)', text: 'export class A {\n  go(): void {}\n}\n', local: 'retry' },
  { name: 'no collision: a property access', text: 'declare const client: { go(): void };\nclient.go();\nexport const key = "retry";\n', local: 'retry' },
  {
    name: 'mapWithConcurrency: collision with a local',
    symbol: 'mapWithConcurrency',
    text: 'const mapWithConcurrency = 2;\nexport const a = mapWithConcurrency;\n',
    local: 'bulwarkMapWithConcurrency',
  },
  { name: 'mapWithConcurrency: no collision', symbol: 'mapWithConcurrency', text: 'export const a = 1;\n', local: 'mapWithConcurrency' },
  { name: '.mts file: .js under every resolution', extension: '.mts', text: 'export const a = 1;\n', contains: ["retry.js'"] },
  { name: '.cts file under nodenext', extension: '.cts', only: 'nodenext', text: 'export const a = 1;\n', contains: ["retry.js'"] },
  { name: 'commonjs package .ts file', packageType: 'commonjs', text: 'export const a = 1;\n' },
  {
    name: 'existing relative imports with .js: the new one too',
    text: "import { retry as r } from '../patterns/retry.js';\nimport { MAX_TIMER_DELAY } from '../patterns/retry.js';\nexport const a = [r, MAX_TIMER_DELAY];\n",
    symbol: 'mapWithConcurrency',
    contains: ["concurrency.js'"],
  },
  {
    name: 'existing extensionless relative imports under bundler: none',
    only: 'bundler',
    text: "import { MAX_TIMER_DELAY } from '../patterns/retry';\nexport const a = MAX_TIMER_DELAY;\n",
    symbol: 'mapWithConcurrency',
    contains: ["'../patterns/concurrency';"],
  },
];

function extensionOf(item: Case): string {
  return item.extension ?? '.ts';
}

function use(local: string, symbol: Symbol): string {
  return symbol === 'retry'
    ? `export const __use = ${local}(() => Promise.resolve(1));`
    : `export const __use = ${local}([1, 2], 2, async (n: number) => n * 2);`;
}

function planFor(item: Case, index: number, resolution: Resolution) {
  const symbol = item.symbol ?? 'retry';
  const documentPath = `src/cases/c${index}${extensionOf(item)}`;
  const facts: ImportFacts = {
    documentText: item.text,
    documentPath,
    symbol,
    targetFile: TARGETS[symbol],
    packageType: item.packageType ?? 'module',
    importStyle: 'relative',
    moduleOptions: RESOLUTIONS[resolution],
  };
  const plan = planPatternImport(facts);
  assert.equal(plan.kind, 'import', `${item.name}: declined`);
  if (plan.kind !== 'import') throw new Error('unreachable');
  const inserted = plan.insertion ? item.text.slice(0, plan.insertion.offset) + plan.insertion.text + item.text.slice(plan.insertion.offset) : item.text;
  const eol = item.text.includes('\r\n') ? '\r\n' : '\n';
  const separator = inserted === '' || inserted.endsWith('\n') ? '' : eol;
  return { documentPath, plan, inserted, output: `${inserted}${separator}${use(plan.local, symbol)}${eol}` };
}

describe('engine: the import a quick fix adds (table, each output type-checked)', function () {
  // Two strict programs per resolution over every case: a few seconds on a loaded machine.
  this.timeout(180_000);

  for (const [index, item] of CASES.entries()) {
    it(item.name, () => {
      for (const resolution of item.only ? [item.only] : (['nodenext', 'bundler'] as const)) {
        const { plan, inserted } = planFor(item, index, resolution);
        if (item.local !== undefined) assert.equal(plan.local, item.local, `${item.name} (${resolution})`);
        if (item.reuses !== undefined) assert.equal(plan.insertion === undefined, item.reuses, `${item.name}: reuse`);
        if (item.startsWith !== undefined) assert.ok(inserted.startsWith(item.startsWith), `${item.name} (${resolution}):\n${JSON.stringify(inserted)}`);
        for (const part of item.contains ?? [])
          assert.ok(inserted.includes(part), `${item.name} (${resolution}) lacks ${JSON.stringify(part)}:\n${JSON.stringify(inserted)}`);
        for (const part of item.lacks ?? [])
          assert.ok(!inserted.includes(part), `${item.name} (${resolution}) has ${JSON.stringify(part)}:\n${JSON.stringify(inserted)}`);
        // Under CRLF every line break the plan wrote is CRLF.
        if (item.text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(inserted), `${item.name}: a bare LF in ${JSON.stringify(inserted)}`);
        // Whatever was in the file is still there, in order: the plan only inserts.
        if (plan.insertion) assert.equal(inserted.length, item.text.length + plan.insertion.text.length);
      }
    });
  }

  for (const resolution of ['nodenext', 'bundler'] as const) {
    for (const packageType of ['module', 'commonjs'] as const) {
      it(`every output type-checks (strict, ${resolution}, package type ${packageType})`, () => {
        const files: Record<string, string> = {};
        for (const [index, item] of CASES.entries()) {
          if ((item.packageType ?? 'module') !== packageType || (item.only && item.only !== resolution)) continue;
          const { documentPath, output } = planFor(item, index, resolution);
          files[documentPath] = output;
        }
        if (Object.keys(files).length === 0) return;
        assert.deepEqual(typecheck(files, resolution, packageType), []);
      });
    }
  }

  it('the checker catches what the old fixes wrote (a control: it is not vacuous)', () => {
    const before = {
      'src/collide.ts': "import retry from 'p-retry';\nimport { retry } from './patterns/retry';\nexport const a = retry(async () => 1);\n",
      'src/noext.mts': "import { retry } from './patterns/retry';\nexport const a = retry(async () => 1);\n",
      'src/mapper.ts':
        "import { mapWithConcurrency } from './patterns/concurrency';\nconst users = ['a'];\nexport const a = mapWithConcurrency(users, 8, async (u, i, list) => u + i + list.length);\n",
    };
    const codes = typecheck(before, 'nodenext').map((line) => /TS\d+/.exec(line)?.[0]);
    for (const code of ['TS2300', 'TS2835', 'TS7006']) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
  });

  it('declines JavaScript files: the patterns are TypeScript', () => {
    for (const documentPath of ['src/a.js', 'src/a.mjs', 'src/a.cjs', 'src/a.jsx']) {
      const plan = planPatternImport({ documentText: '', documentPath, symbol: 'retry', targetFile: TARGETS.retry, importStyle: 'relative' });
      assert.equal(plan.kind, 'declined', documentPath);
    }
  });

  it('in a .tsx file every word counts as a name in use (the scanner does not know JSX)', () => {
    const plan = planPatternImport({
      documentText: "import { run } from './run';\n\nexport const Retry = () => <button onClick={() => run()}>retry</button>;\n",
      documentPath: 'src/a.tsx',
      symbol: 'retry',
      targetFile: TARGETS.retry,
      importStyle: 'relative',
    });
    assert.ok(plan.kind === 'import');
    assert.equal(plan.local, 'bulwarkRetry');
    assert.equal(plan.insertion?.offset, "import { run } from './run';\n".length);
    const directive = planPatternImport({
      documentText: "'use client';\n\nexport const Tip = () => <p>Don't wait</p>;\n",
      documentPath: 'src/b.tsx',
      symbol: 'retry',
      targetFile: TARGETS.retry,
      importStyle: 'relative',
    });
    assert.ok(directive.kind === 'import');
    assert.equal(directive.insertion?.offset, "'use client';\n".length);
  });

  it('declines a file it cannot tokenize instead of guessing', () => {
    const plan = planPatternImport({
      documentText: 'const s = `unterminated',
      documentPath: 'src/a.ts',
      symbol: 'retry',
      targetFile: TARGETS.retry,
      importStyle: 'relative',
    });
    assert.equal(plan.kind, 'declined');
  });

  it('picks the extension from the file kind and the module resolution', () => {
    const none = moduleFacts('');
    const relative = moduleFacts("import { a } from './a';\n");
    assert.equal(specifierExtension('src/a.ts', none, { moduleResolution: 'NodeNext' }, undefined), '.js');
    assert.equal(specifierExtension('src/a.ts', none, { module: 'node16' }, undefined), '.js');
    assert.equal(specifierExtension('src/a.ts', none, { module: 'preserve' }, 'module'), '');
    assert.equal(specifierExtension('src/a.ts', none, { moduleResolution: 'bundler' }, 'module'), '');
    assert.equal(specifierExtension('src/a.mts', none, undefined, undefined), '.js');
    assert.equal(specifierExtension('src/a.mts', none, { moduleResolution: 'bundler' }, undefined), '.js');
    assert.equal(specifierExtension('src/a.cts', none, undefined, 'module'), '');
    assert.equal(specifierExtension('src/a.ts', none, undefined, 'module'), '.js');
    assert.equal(specifierExtension('src/a.ts', none, undefined, 'commonjs'), '');
    assert.equal(specifierExtension('src/a.ts', relative, { moduleResolution: 'nodenext' }, undefined), '.js');
    assert.equal(specifierExtension('src/a.ts', relative, undefined, 'module'), '');
    assert.equal(
      specifierExtension(
        'src/a.ts',
        moduleFacts("import { a } from './a.ts';\n"),
        { allowImportingTsExtensions: true, moduleResolution: 'bundler' },
        undefined,
      ),
      '.ts',
    );
  });

  it('follows tsconfig extends (files, packages, arrays) for the module options', async () => {
    const fs = new MemoryProjectFs({
      'tsconfig.json': '{ "extends": ["./configs/base", "@tsconfig/node20/tsconfig.json"], "compilerOptions": { "strict": true } }',
      'configs/base.json': '{ "compilerOptions": { "module": "esnext", "moduleResolution": "bundler" } }',
      'node_modules/@tsconfig/node20/tsconfig.json': '{ "compilerOptions": { "module": "node16", /* JSONC */ "moduleResolution": "node16", } }',
    });
    assert.deepEqual(await moduleOptions(fs), { module: 'node16', moduleResolution: 'node16' });
    fs.write('tsconfig.json', '{ "extends": "./configs/base.json", "compilerOptions": { "module": "nodenext" } }');
    assert.deepEqual(await moduleOptions(fs), { module: 'nodenext', moduleResolution: 'bundler' });
    fs.write('tsconfig.json', '{ "extends": "./tsconfig.json" }');
    assert.deepEqual(await moduleOptions(fs), {});
    assert.equal(await moduleOptions(new MemoryProjectFs({})), undefined);
  });
});
