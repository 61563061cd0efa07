import assert from 'node:assert/strict';
import { aliasSpecifier, aliasStyleFor } from '../../src/engine/import-style';
import { planPatternImport } from '../../src/engine/import-plan';

const TSCONFIG = `{
  // comments and trailing commas are fine (JSONC)
  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"], "~lib/*": ["lib/*"], }, },
}`;

describe('import style', () => {
  it('uses a tsconfig paths alias that reaches the patterns folder, and only then', () => {
    assert.equal(aliasSpecifier(TSCONFIG, '@/', 'src/patterns/retry.ts'), '@/patterns/retry');
    assert.equal(aliasSpecifier(TSCONFIG, '~lib/', 'src/patterns/retry.ts'), undefined);
    assert.equal(aliasSpecifier(TSCONFIG, '#/', 'src/patterns/retry.ts'), undefined);
    assert.equal(aliasSpecifier(TSCONFIG, 'relative', 'src/patterns/retry.ts'), undefined);
    assert.equal(aliasSpecifier('{ "compilerOptions": {} }', '@/', 'src/patterns/retry.ts'), undefined);
    assert.equal(aliasSpecifier('not json at all', '@/', 'src/patterns/retry.ts'), undefined);
    assert.equal(aliasSpecifier(undefined, '@/', 'src/patterns/retry.ts'), undefined);
  });

  it('finds the style bulwark init suggests through baseUrl and nested targets, and none when paths do not reach the folder', () => {
    const tsconfig = '{ "compilerOptions": { "baseUrl": "src", "paths": { "~lib/*": ["lib/*"], "@app/*": ["*"] } } }';
    assert.equal(aliasStyleFor(tsconfig, 'src/lib/patterns'), '~lib/');
    assert.equal(aliasStyleFor(tsconfig, 'src/patterns'), '@app/');
    assert.equal(aliasStyleFor(tsconfig, 'other'), undefined);
    assert.equal(aliasSpecifier(tsconfig, '@app/', 'src/patterns/retry.ts'), '@app/patterns/retry');
  });

  it('plans the import a quick fix adds in the project style, or none when the symbol is imported', () => {
    const facts = {
      documentText: "import x from 'y';\n\nx();\n",
      documentPath: 'src/api/a.ts',
      symbol: 'retry',
      targetFile: 'src/patterns/retry.ts',
      importStyle: '@/',
      tsconfigText: TSCONFIG,
    };
    const insertion = (plan: ReturnType<typeof planPatternImport>) => (plan.kind === 'import' ? plan.insertion : plan.reason);
    assert.deepEqual(insertion(planPatternImport(facts)), { offset: 19, text: "import { retry } from '@/patterns/retry';\n" });
    assert.deepEqual(insertion(planPatternImport({ ...facts, importStyle: 'relative' })), { offset: 19, text: "import { retry } from '../patterns/retry';\n" });
    // Our pattern imported through the alias is reused; another module's `retry` is not ours.
    assert.equal(insertion(planPatternImport({ ...facts, documentText: "import { retry } from '@/patterns/retry';\n" })), undefined);
    const other = planPatternImport({ ...facts, documentText: "import { retry } from './r';\n" });
    assert.deepEqual(other.kind === 'import' && [other.local, other.insertion?.text], [
      'bulwarkRetry',
      "import { retry as bulwarkRetry } from '@/patterns/retry';\n",
    ]);
  });
});
