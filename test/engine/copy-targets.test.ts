import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog-build';
import { fileById, UnknownPatternError } from '../../src/engine/catalog';
import { copyIdOf, copyTargets } from '../../src/engine/copy-targets';
import { withProvenance } from '../../src/engine/provenance';
import { sampleSources, source } from './fixtures';

describe('engine: copyTargets (what check and update look at)', () => {
  const catalog = buildCatalog([...sampleSources(), source('solo', { body: 'export const solo = 1;\n' })], '1.0.0');
  const copy = (id: string) => withProvenance(fileById(catalog, id)!, '1.0.0');
  const summary = (result: ReturnType<typeof copyTargets>) =>
    result.targets.map((target) => [target.file.id, target.path, target.text === undefined ? 'missing' : 'found', target.neededBy]);

  it('identifies a copy by its provenance line, else by its header, else not at all', () => {
    assert.equal(copyIdOf(copy('greet')), 'greet');
    assert.equal(copyIdOf(fileById(catalog, 'greet/hono')!.content), 'greet/hono');
    assert.equal(copyIdOf('export const mine = 1;\n'), undefined);
  });

  it('finds copies wherever they are, and reports what they need that is missing', () => {
    const result = copyTargets(catalog, [
      { path: 'web/greeting.ts', text: copy('greet/express') },
      { path: 'own.ts', text: 'export const own = 1;\n' },
    ]);
    assert.deepEqual(summary(result), [
      ['log', 'log.ts', 'missing', ['greet/express']],
      ['greet', 'greet.ts', 'missing', ['greet/express']],
      ['greet/express', 'web/greeting.ts', 'found', undefined],
    ]);
    assert.deepEqual(result.unknown, []);
  });

  it('narrows to named patterns (adapters included), and reports a named pattern with no copy as missing', () => {
    const files = [
      { path: 'log.ts', text: copy('log') },
      { path: 'greet.ts', text: copy('greet') },
      { path: 'greet/hono.ts', text: copy('greet/hono') },
    ];
    assert.deepEqual(
      summary(copyTargets(catalog, files, ['greet'])).map(([id]) => id),
      ['greet', 'greet/hono'],
    );
    assert.deepEqual(
      summary(copyTargets(catalog, files, ['greet/hono'])).map(([id]) => id),
      ['greet/hono'],
    );
    assert.deepEqual(summary(copyTargets(catalog, files, ['solo'])), [['solo', 'solo.ts', 'missing', undefined]]);
  });

  it('reports copies of files the catalog no longer has, and rejects unknown names', () => {
    const removed = copy('solo').replace('solo@1.0.0', 'gone@0.9.0');
    assert.deepEqual(
      copyTargets(catalog, [{ path: 'gone.ts', text: removed }]).unknown.map((found) => [found.id, found.path]),
      [['gone', 'gone.ts']],
    );
    assert.throws(() => copyTargets(catalog, [], ['gret']), UnknownPatternError);
  });
});
