import assert from 'node:assert/strict';
import { freeName, importStatement, moduleFacts, relativeSpecifier, resolveRelative } from '../../src/engine/imports';

describe('engine: a module’s imports, names and style, read from tokens', () => {
  it('learns quotes, semicolons and line endings from the imports', () => {
    const facts = moduleFacts(`import x from "./a.js";\r\nimport y from "pkg";\r\nconst z = 'q'\r\n`);
    assert.equal(facts.quote, '"');
    assert.equal(facts.semicolon, true);
    assert.equal(facts.eol, '\r\n');
    assert.deepEqual(
      facts.imports.map((declaration) => declaration.specifier),
      ['./a.js', 'pkg'],
    );
    assert.equal(moduleFacts(`import x from './a'\nconst z = 1;\n`).semicolon, false);
    assert.equal(moduleFacts('').semicolon, true);
    assert.equal(moduleFacts('for (;;) break\n').semicolon, false);
  });

  it('reads every kind of binding', () => {
    const [named, namespace, type, required, sideEffect] = moduleFacts(
      [
        `import def, { a, b as c, type T, 'd-e' as de } from 'm';`,
        `import * as ns from './ns' with { type: 'json' };`,
        `import type { U } from './u';`,
        `import legacy = require('./legacy');`,
        `import './side';`,
      ].join('\n'),
    ).imports;
    assert.deepEqual(named?.bindings, [
      { imported: 'default', local: 'def', typeOnly: false },
      { imported: 'a', local: 'a', typeOnly: false },
      { imported: 'b', local: 'c', typeOnly: false },
      { imported: 'T', local: 'T', typeOnly: true },
      { imported: 'd-e', local: 'de', typeOnly: false },
    ]);
    assert.deepEqual(namespace?.bindings, [{ imported: '*', local: 'ns', typeOnly: false }]);
    assert.equal(namespace?.semicolon, true);
    assert.equal(type?.typeOnly, true);
    assert.deepEqual(required?.bindings, [{ imported: '*', local: 'legacy', typeOnly: false }]);
    assert.equal(sideEffect?.specifier, './side');
  });

  it('collects every name but property names, and none from strings or comments', () => {
    const { names } = moduleFacts("// retry\nconst a = 'retry';\nobj.retry();\nfunction f(attempts) { return `${backoff}`; }\n");
    assert.ok(names.has('a') && names.has('obj') && names.has('attempts') && names.has('backoff'));
    assert.ok(!names.has('retry'));
  });

  it('inserts after the last import, or after a shebang, pragmas and directives', () => {
    const source = `import a from 'a';\nimport {\n  b,\n} from 'b';\n\nrun();\n`;
    assert.equal(source.slice(0, moduleFacts(source).insertionOffset), `import a from 'a';\nimport {\n  b,\n} from 'b';\n`);
    const script = `#!/usr/bin/env node\n// @ts-check\n'use strict';\nrun();\n`;
    assert.equal(script.slice(moduleFacts(script).insertionOffset), 'run();\n');
    assert.equal(moduleFacts('run();\n').insertionOffset, 0);
    // A string statement that is not a directive.
    const expression = `'use strict'.length;\nrun();\n`;
    assert.equal(moduleFacts(expression).insertionOffset, 0);
  });

  it('writes the statement in the learned style, aliased when asked', () => {
    assert.equal(
      importStatement('retry', 'retry', './patterns/retry.js', { quote: '"', semicolon: false, eol: '\n' }),
      'import { retry } from "./patterns/retry.js"\n',
    );
    assert.equal(
      importStatement('retry', 'bulwarkRetry', './r', { quote: "'", semicolon: true, eol: '\r\n' }),
      "import { retry as bulwarkRetry } from './r';\r\n",
    );
  });

  it('finds a free name', () => {
    assert.equal(freeName('retry', new Set()), 'retry');
    assert.equal(freeName('retry', new Set(['retry'])), 'bulwarkRetry');
    assert.equal(freeName('retry', new Set(['retry', 'bulwarkRetry', 'bulwarkRetry2'])), 'bulwarkRetry3');
  });

  it('computes and resolves relative specifiers between folders', () => {
    assert.equal(relativeSpecifier('p/src/a.ts', 'p/src/patterns/retry.ts'), './patterns/retry');
    assert.equal(relativeSpecifier('p/src/deep/er/a.ts', 'p/src/patterns/retry.ts'), '../../patterns/retry');
    assert.equal(relativeSpecifier('p/src/patterns/x.ts', 'p/src/patterns/cache/redis.ts'), './cache/redis');
    assert.equal(resolveRelative('src/api/a.ts', '../patterns/retry.js'), 'src/patterns/retry.js');
    assert.equal(resolveRelative('a.ts', './patterns/retry'), 'patterns/retry');
  });
});
