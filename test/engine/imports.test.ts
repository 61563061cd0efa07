import assert from 'node:assert/strict';
import { detectConventions, importInsertionOffset, importStatement, importsSymbol, relativeSpecifier } from '../../src/engine/imports';

describe('engine: imports in the file’s own style', () => {
  it('learns quotes, semicolons and the .js convention from existing imports', () => {
    assert.deepEqual(detectConventions(`import x from "./a.js";\nimport y from "pkg";\n`), { quote: '"', semicolon: true, jsExtension: true });
    assert.deepEqual(detectConventions(`import x from './a'\nconst z = 1\n`), { quote: "'", semicolon: false, jsExtension: false });
  });

  it('falls back to package.json "type" for the .js convention when the file has no relative import', () => {
    assert.equal(detectConventions(`import x from 'pkg';\n`, 'module').jsExtension, true);
    assert.equal(detectConventions(`import x from 'pkg';\n`, 'commonjs').jsExtension, false);
    assert.equal(detectConventions('').semicolon, true);
  });

  it('knows when a symbol is already imported (named import or require destructuring)', () => {
    assert.equal(importsSymbol(`import { retry, sleep } from './patterns/retry.js';`, 'retry'), true);
    assert.equal(importsSymbol(`import {\n  sleep,\n  retry,\n} from './x';`, 'retry'), true);
    assert.equal(importsSymbol(`const { retry } = require('./x');`, 'retry'), true);
    assert.equal(importsSymbol(`import { retryLater } from './x';`, 'retry'), false);
    assert.equal(importsSymbol(`// retry is great\nfetch(url)`, 'retry'), false);
  });

  it('inserts after the last import, or after a shebang and directives', () => {
    const source = `import a from 'a';\nimport {\n  b,\n} from 'b';\n\nrun();\n`;
    assert.equal(source.slice(0, importInsertionOffset(source)), `import a from 'a';\nimport {\n  b,\n} from 'b';\n`);
    const script = `#!/usr/bin/env node\n'use strict';\nrun();\n`;
    assert.equal(script.slice(importInsertionOffset(script)), 'run();\n');
    assert.equal(importInsertionOffset('run();\n'), 0);
  });

  it('writes the statement in the learned style', () => {
    assert.equal(
      importStatement('retry', './patterns/retry.js', { quote: '"', semicolon: false, jsExtension: true }),
      'import { retry } from "./patterns/retry.js"\n',
    );
  });

  it('computes relative specifiers between folders', () => {
    const esm = { quote: "'" as const, semicolon: true, jsExtension: true };
    const cjs = { ...esm, jsExtension: false };
    assert.equal(relativeSpecifier('/p/src/a.ts', '/p/src/patterns/retry.ts', esm), './patterns/retry.js');
    assert.equal(relativeSpecifier('/p/src/deep/er/a.ts', '/p/src/patterns/retry.ts', cjs), '../../patterns/retry');
    assert.equal(relativeSpecifier('/p/src/patterns/x.ts', '/p/src/patterns/cache/redis.ts', cjs), './cache/redis');
  });
});
