import assert from 'node:assert/strict';
import { buildCatalog } from '../../src/engine/catalog-build';
import {
  addOns,
  dependencyClosure,
  fileById,
  frameworkVariants,
  packagesOf,
  patternNames,
  relativePathOf,
  resolveSelection,
  UnknownPatternError,
  type Catalog,
} from '../../src/engine/catalog';
import { sampleSources, source } from './fixtures';

const ids = (files: readonly { id: string }[]) => files.map((file) => file.id);

describe('engine: catalog selection', () => {
  const catalog: Catalog = buildCatalog(
    [
      ...sampleSources(),
      source('cache', { patterns: ['log'], body: `import { logger } from './log.js';\nexport const cache = logger;\n` }),
      source('cache/redis', {
        patterns: ['cache', 'log'],
        packages: ['ioredis'],
        body: `import { cache } from '../cache.js';\nimport { logger } from '../log.js';\nimport { Redis } from 'ioredis';\nexport const redis = [cache, logger, Redis];\n`,
      }),
    ],
    '1.0.0',
  );

  it('puts dependencies before the files that import them, each once', () => {
    const files = resolveSelection(catalog, { names: ['cache/redis', 'greet', 'cache'] });
    assert.deepEqual(ids(files), ['log', 'cache', 'cache/redis', 'greet']);
  });

  it('adds the framework adapter asked for to patterns that have one, and ignores it elsewhere', () => {
    assert.deepEqual(ids(resolveSelection(catalog, { names: ['greet', 'cache'], framework: 'hono' })), ['log', 'greet', 'greet/hono', 'cache']);
    assert.deepEqual(ids(resolveSelection(catalog, { names: ['greet'] })), ['log', 'greet']);
  });

  it('selects a file by its id, with what it needs', () => {
    assert.deepEqual(ids(resolveSelection(catalog, { names: ['greet/express'] })), ['log', 'greet', 'greet/express']);
  });

  it('rejects an unknown name with the valid pattern names', () => {
    assert.throws(
      () => resolveSelection(catalog, { names: ['greet', 'retyr'] }),
      (error: unknown) =>
        error instanceof UnknownPatternError && error.requested === 'retyr' && error.message === 'Unknown pattern "retyr". Valid names: cache, log, greet',
    );
  });

  it('reports a file that uses a file the catalog lacks', () => {
    const broken: Catalog = { ...catalog, files: catalog.files.map((file) => (file.id === 'greet' ? { ...file, uses: ['gone'] } : file)) };
    assert.throws(() => dependencyClosure(broken, [fileById(broken, 'greet')!]), /greet uses unknown file gone/);
  });

  it('lists patterns in catalog order, adapters and add-ons apart', () => {
    // cache and log are in PATTERN_ORDER (cache first); greet is not, so it comes last.
    assert.deepEqual(patternNames(catalog), ['cache', 'log', 'greet']);
    assert.deepEqual(ids(frameworkVariants(catalog, 'greet')), ['greet/express', 'greet/hono']);
    assert.deepEqual(ids(addOns(catalog, 'cache')), ['cache/redis']);
    assert.deepEqual(ids(addOns(catalog, 'greet')), []);
    assert.equal(relativePathOf(fileById(catalog, 'cache/redis')!), 'cache/redis.ts');
  });

  it('merges package needs: runtime wins over dev for the same package', () => {
    const files = [
      {
        ...fileById(catalog, 'log')!,
        packages: [
          { name: 'pino', dev: true },
          { name: '@types/express', dev: true },
        ],
      },
      fileById(catalog, 'log')!,
    ];
    assert.deepEqual(packagesOf(files), [
      { name: 'pino', dev: false },
      { name: '@types/express', dev: true },
    ]);
  });
});
