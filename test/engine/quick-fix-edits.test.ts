// The rewrites of "Wrap in retry()" and "Limit concurrency", from the same facts the editor gets
// (the linter's parser finds the call), applied with the planned import, type-checked with the
// real patterns, and, for the mapper adaptations, run against Promise.all(map) for the same result.
import assert from 'node:assert/strict';
import { planPatternImport } from '../../src/engine/import-plan';
import { moduleFacts } from '../../src/engine/imports';
import { concurrencyRewrite, retryWrap } from '../../src/engine/quick-fix-edits';
import { callAt, fanOutAt } from '../../src/linter/ast-queries';
import { mapWithConcurrency } from '../../runtime/src/concurrency';
import { typecheck } from './typecheck';

interface MapperCase {
  readonly name: string;
  /** A module whose `Promise.all(…)` (the first) is rewritten; `users` is in scope. */
  readonly text: string;
  /** Expected: the rewrite contains this, or the fix declines. */
  readonly expect: string | 'declined';
  /** Run it (JavaScript-compatible mappers): same result as Promise.all(map). */
  readonly run?: boolean;
}

const PRELUDE = "const users: string[] = ['ann', 'bob', 'cy'];\nconst load = async (name: string): Promise<number> => name.length;\n";

const MAPPERS: readonly MapperCase[] = [
  {
    name: 'one parameter: kept',
    text: 'export const a = Promise.all(users.map(async (u) => load(u)));\n',
    expect: 'mapWithConcurrency(users, 8, async (u) => load(u))',
    run: true,
  },
  {
    name: 'item and index: kept (same index)',
    text: 'export const a = Promise.all(users.map(async (u, i) => `${u}${i}`));\n',
    expect: 'mapWithConcurrency(users, 8, async (u, i) =>',
    run: true,
  },
  {
    name: 'index and array: wrapped to pass the array',
    text: 'export const a = Promise.all(users.map(async (u, i, list) => `${u}${i}/${list.length}`));\n',
    expect: '(item, index) => (async (u, i, list) =>',
    run: true,
  },
  {
    name: 'typed array parameter: wrapped',
    text: 'export const a = Promise.all(users.map(async (u: string, i: number, list: string[]) => list.indexOf(u) === i));\n',
    expect: '(item, index, users)',
  },
  {
    name: 'rest parameter: wrapped',
    text: 'export const a = Promise.all(users.map(async (...args: [string, number, string[]]) => args[2].length));\n',
    expect: '(item, index, users)',
    run: false,
  },
  {
    name: 'a function reading `arguments`: declined',
    text: 'export const a = Promise.all(users.map(async function (u: string) { return arguments.length + u.length; }));\n',
    expect: 'declined',
  },
  {
    name: 'wrapper names avoid names the mapper uses',
    text: 'const item = 1;\nconst index = 2;\nexport const a = Promise.all(users.map(async (u, i, list) => u.length + i + list.length + item + index));\n',
    expect: '(item2, index2) =>',
    run: true,
  },
  {
    name: 'array from a call, mapper reads it: declined',
    text: 'export const a = Promise.all(users.slice(1).map(async (u, i, list) => list.length));\n',
    expect: 'declined',
  },
  {
    name: 'array from a call, one parameter: kept',
    text: 'export const a = Promise.all(users.slice(1).map(async (u) => load(u)));\n',
    expect: 'mapWithConcurrency(users.slice(1), 8,',
    run: true,
  },
  {
    name: 'a property path array: wrapped',
    text: 'const ctx = { users };\nexport const a = Promise.all(ctx.users.map(async (u, i, list) => list.length));\n',
    expect: 'ctx.users)',
  },
  { name: 'a thisArg: declined', text: 'export const a = Promise.all(users.map(async function (u: string) { return u; }, {}));\n', expect: 'declined' },
  {
    name: 'a reference: kept, TypeScript checks its parameters',
    text: 'export const a = Promise.all(users.map(load));\n',
    expect: 'mapWithConcurrency(users, 8, load)',
    run: true,
  },
];

function rewriteOf(item: MapperCase, local = 'mapWithConcurrency') {
  const text = PRELUDE + item.text;
  // The names the editor passes: every name of the document (engine/imports.ts).
  const names = moduleFacts(text).names;
  const start = text.indexOf('Promise.all(');
  const fanOut = fanOutAt(text, 'a.ts', start);
  assert.ok(fanOut, item.name);
  const facts = { ...fanOut, itemsText: text.slice(...fanOut.items), mapperText: text.slice(...fanOut.mapper) };
  return { text, fanOut, rewrite: concurrencyRewrite(facts, local, 8, names) };
}

describe('engine: the rewrites of the quick fixes', function () {
  this.timeout(180_000);

  it('wraps a call in retry() under the planned name, async when the call awaits, never around a yield', () => {
    assert.deepEqual(retryWrap("fetch('x')", 'retry'), { kind: 'rewrite', text: "retry(() => fetch('x'))" });
    assert.deepEqual(retryWrap('fetch(await getUrl(), { method: "POST" })', 'bulwarkRetry'), {
      kind: 'rewrite',
      text: 'bulwarkRetry(async () => fetch(await getUrl(), { method: "POST" }))',
    });
    assert.deepEqual(retryWrap("client.await('x')", 'retry'), { kind: 'rewrite', text: "retry(() => client.await('x'))" });
    assert.deepEqual(retryWrap("fetch('await')", 'retry'), { kind: 'rewrite', text: "retry(() => fetch('await'))" });
    assert.equal(retryWrap('fetch(yield url)', 'retry').kind, 'declined');
  });

  it('wrap in retry(): the whole edit type-checks, with a p-retry default import and an awaited argument', () => {
    const text =
      "import retry from 'p-retry';\n\nconst getUrl = async () => 'https://example.com';\nexport async function load(): Promise<Response> {\n  await retry(async () => 1);\n  return fetch(await getUrl(), { method: 'POST' });\n}\n";
    const start = text.indexOf('fetch(await');
    const call = callAt(text, 'load.ts', start);
    assert.ok(call);
    const plan = planPatternImport({
      documentText: text,
      documentPath: 'src/load.ts',
      symbol: 'retry',
      targetFile: 'src/patterns/retry.ts',
      importStyle: 'relative',
      moduleOptions: { module: 'nodenext' },
    });
    assert.ok(plan.kind === 'import' && plan.insertion);
    const rewrite = retryWrap(text.slice(...call), plan.local);
    assert.ok(rewrite.kind === 'rewrite');
    const edited = text.slice(0, call[0]) + rewrite.text + text.slice(call[1]);
    const output = edited.slice(0, plan.insertion.offset) + plan.insertion.text + edited.slice(plan.insertion.offset);
    assert.match(output, /import \{ retry as bulwarkRetry \} from '\.\/patterns\/retry\.js';/);
    assert.match(output, /return bulwarkRetry\(async \(\) => fetch\(await getUrl\(\)/);
    assert.deepEqual(typecheck({ 'src/load.ts': output }, 'nodenext'), []);
  });

  for (const item of MAPPERS) {
    it(`limit concurrency: ${item.name}`, () => {
      const { rewrite } = rewriteOf(item);
      if (item.expect === 'declined') assert.equal(rewrite.kind, 'declined');
      else assert.ok(rewrite.kind === 'rewrite' && rewrite.text.includes(item.expect), `${item.name}: ${JSON.stringify(rewrite)}`);
    });
  }

  it('limit concurrency: every rewrite, with its import, type-checks (strict, NodeNext and Bundler)', () => {
    for (const resolution of ['nodenext', 'bundler'] as const) {
      const files: Record<string, string> = {};
      for (const [index, item] of MAPPERS.entries()) {
        const text = PRELUDE + item.text;
        // As the editor does it: the import planned on the document, the call rewritten under its local name.
        const plan = planPatternImport({
          documentText: text,
          documentPath: `src/m${index}.ts`,
          symbol: 'mapWithConcurrency',
          targetFile: 'src/patterns/concurrency.ts',
          importStyle: 'relative',
          moduleOptions: resolution === 'nodenext' ? { module: 'nodenext' } : { moduleResolution: 'bundler' },
        });
        assert.ok(plan.kind === 'import' && plan.insertion && plan.local === 'mapWithConcurrency');
        const { fanOut, rewrite } = rewriteOf(item, plan.local);
        if (rewrite.kind === 'declined') continue;
        const edited = text.slice(0, fanOut.call[0]) + rewrite.text + text.slice(fanOut.call[1]);
        files[`src/m${index}.ts`] = edited.slice(0, plan.insertion.offset) + plan.insertion.text + edited.slice(plan.insertion.offset);
      }
      assert.deepEqual(typecheck(files, resolution), []);
    }
  });

  it('limit concurrency: the adapted mappers give what Promise.all(map) gave', async () => {
    const users = ['ann', 'bob', 'cy'];
    const load = async (name: string) => name.length;
    const item = 1;
    const index = 2;
    for (const entry of MAPPERS.filter((candidate) => candidate.run)) {
      const { rewrite, fanOut, text } = rewriteOf(entry);
      assert.ok(rewrite.kind === 'rewrite');
      const original = text.slice(...fanOut.call);
      // The cases' mappers are JavaScript as written; evaluated with the same variables in scope.
      const evaluate = (expression: string) =>
        new Function('mapWithConcurrency', 'users', 'load', 'item', 'index', `return ${expression};`)(
          mapWithConcurrency,
          users,
          load,
          item,
          index,
        ) as Promise<unknown>;
      assert.deepEqual(await evaluate(rewrite.text), await evaluate(original), entry.name);
    }
  });
});
