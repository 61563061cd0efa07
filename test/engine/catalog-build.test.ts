import assert from 'node:assert/strict';
import { buildCatalog, CatalogError, sha256 } from '../../src/engine/catalog-build';
import { fileById } from '../../src/engine/catalog';
import { sampleSources, source } from './fixtures';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof CatalogError, `expected a CatalogError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the catalog build to fail');
}

describe('engine: catalog build checks headers against imports', () => {
  it('builds the sample catalog with header facts', () => {
    const catalog = buildCatalog(sampleSources(), '1.0.0');
    const adapter = fileById(catalog, 'greet/express');
    assert.equal(adapter?.framework, 'express');
    assert.equal(adapter?.pattern, 'greet');
    assert.deepEqual(adapter?.uses, ['greet']);
    assert.deepEqual(adapter?.packages, [{ name: '@types/express', dev: true }]);
    assert.equal(fileById(catalog, 'greet')?.summary, 'Greets.');
  });

  it('fails when a file imports a pattern its header does not list', () => {
    const problems = problemsOf(() =>
      buildCatalog([...sampleSources(), source('extra', { body: `import { logger } from './log.js';\nexport const x = logger;\n` })], '1.0.0'),
    );
    assert.deepEqual(problems, ['runtime/src/extra.ts: "Patterns used: none" but it imports log']);
  });

  it('fails when a header lists a pattern the file does not import', () => {
    const problems = problemsOf(() => buildCatalog([...sampleSources(), source('extra', { patterns: ['log'], body: 'export const x = 1;\n' })], '1.0.0'));
    assert.deepEqual(problems, ['runtime/src/extra.ts: "Patterns used: log" but it imports none']);
  });

  it('fails on an undeclared package and on a declared runtime package that is not imported', () => {
    const problems = problemsOf(() =>
      buildCatalog(
        [
          source('a', { body: `import { Redis } from 'ioredis';\nexport const r = Redis;\n` }),
          source('b', { packages: ['pino'], body: 'export const b = 1;\n' }),
        ],
        '1.0.0',
      ),
    );
    assert.deepEqual(problems, [
      'runtime/src/a.ts: imports package "ioredis" that its header does not declare',
      'runtime/src/b.ts: header declares package "pino" that it does not import',
    ]);
  });

  it('accepts a type-only import covered by its @types package (scoped names too)', () => {
    const catalog = buildCatalog(
      [
        source('a', {
          packages: ['@types/express (dev)', '@types/scope__lib (dev)'],
          body: `import type { Request } from 'express';\nimport type { X } from '@scope/lib/sub';\nexport type A = [Request, X];\n`,
        }),
      ],
      '1.0.0',
    );
    assert.equal(catalog.files.length, 1);
  });

  it('fails on a malformed header and on a header naming another id', () => {
    const problems = problemsOf(() =>
      buildCatalog(
        [
          { path: 'a.ts', content: '// no header\n' },
          { path: 'b.ts', content: source('c', { body: '' }).content },
        ],
        '1.0.0',
      ),
    );
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /^runtime\/src\/a\.ts: missing or malformed Bulwark header/);
    assert.equal(problems[1], 'runtime/src/b.ts: header names "c", but the file\'s id is "b"');
  });

  it('normalizes CRLF sources, so the hash does not depend on the checkout', () => {
    const [log] = sampleSources();
    const crlf = buildCatalog([{ path: 'log.ts', content: log!.content.replace(/\n/g, '\r\n') }], '1.0.0');
    const lf = buildCatalog([log!], '1.0.0');
    assert.equal(crlf.files[0]?.sha256, lf.files[0]?.sha256);
    assert.ok(!crlf.files[0]?.content.includes('\r'));
  });

  it('keeps every released content in the history, attributed to its first release', () => {
    const old = sampleSources({ greet: `import { logger } from './log.js';\nexport const greet = () => logger;\n` });
    const oldGreet = old.find((file) => file.path === 'greet.ts')!.content;
    const catalog = buildCatalog(sampleSources(), '1.1.0', [
      { version: '1.0.0', files: { greet: oldGreet } },
      { version: '1.0.1', files: { greet: oldGreet } },
    ]);
    assert.deepEqual(catalog.history[sha256(oldGreet)], { id: 'greet', version: '1.0.0', content: oldGreet });
    const current = fileById(catalog, 'greet')!;
    assert.deepEqual(catalog.history[current.sha256], { id: 'greet', version: '1.1.0', content: current.content });
    assert.equal(Object.keys(catalog.history).length, 5);
  });
});
