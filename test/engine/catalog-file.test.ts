import assert from 'node:assert/strict';
import { catalogLocation, parseCatalog } from '../../src/engine/catalog-file';
import { BulwarkError } from '../../src/engine/errors';

describe('engine: where the catalog comes from', () => {
  it('is the shipped one unless BULWARK_CATALOG names another; a relative name resolves against the current directory', () => {
    assert.deepEqual(catalogLocation({}, '/work/project', '/ext/dist/catalog.json'), { path: '/ext/dist/catalog.json', overridden: false });
    assert.deepEqual(catalogLocation({ BULWARK_CATALOG: 'cat/next.json' }, '/work/project', '/ext/dist/catalog.json'), {
      path: '/work/project/cat/next.json',
      overridden: true,
    });
    assert.deepEqual(catalogLocation({ BULWARK_CATALOG: '/abs/c.json' }, '/work/project', '/ext/dist/catalog.json'), { path: '/abs/c.json', overridden: true });
  });

  it('accepts a catalog and rejects anything else with one BulwarkError naming the file', () => {
    const location = { path: '/c.json', overridden: true };
    assert.equal(parseCatalog('{"version":"1.0.0","files":[],"history":{}}', location).version, '1.0.0');
    assert.throws(
      () => parseCatalog('{ nope', location),
      (error: unknown) => error instanceof BulwarkError && /^the pattern catalog at \/c\.json is not valid JSON/.test(error.message),
    );
    assert.throws(() => parseCatalog('{"version":1}', location), /is not a Bulwark catalog \(expected version, files and history\)/);
  });
});
