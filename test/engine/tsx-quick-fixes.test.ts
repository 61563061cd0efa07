// The quick fixes in .tsx documents, applied whole (the planned import plus the rewrite, as the
// editor applies them) and type-checked with the real patterns, strict, JSX preserved. JSX text is
// where a token scanner goes wrong (`<p>Don't</p>` is not a string; `<T,>` is not an element), so
// every document carries some.
import assert from 'node:assert/strict';
import { planPatternImport } from '../../src/engine/import-plan';
import { concurrencyRewrite, retryWrap } from '../../src/engine/quick-fix-edits';
import { callAt, fanOutAt } from '../../src/linter/ast-queries';
import { typecheck, type Resolution } from './typecheck';

interface TsxCase {
  readonly name: string;
  readonly text: string;
  readonly fix: 'retry' | 'concurrency';
  /** Where the call to rewrite starts. */
  readonly at: string;
}

const [RELOAD, SAVE, SIZES] = [
  {
    name: 'wrap in retry(): a component whose JSX text holds quotes and the word retry',
    fix: 'retry',
    at: 'fetch(url)',
    text: [
      "import { render } from './render.js';",
      '',
      'export function Reload({ url }: { url: string }) {',
      '  const load = async () => (await fetch(url)).json();',
      '  return render(<button onClick={() => void load()} title="it\'s">Don\'t retry</button>);',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: "wrap in retry(): 'use client', CRLF, a generic arrow <T,> and an awaited argument",
    fix: 'retry',
    at: 'fetch(await',
    text: [
      "'use client';",
      '',
      'const first = <T,>(items: T[]): T | undefined => items[0];',
      "const pick = async (): Promise<string> => first(['https://example.com']) ?? '';",
      'export async function save(): Promise<JSX.Element> {',
      "  const response = await fetch(await pick(), { method: 'POST' });",
      '  return <p>{response.status} isn\'t {"ok"}</p>;',
      '}',
      '',
    ].join('\r\n'),
  },
  {
    name: 'limit concurrency: a mapper that reads the array, in a component module',
    fix: 'concurrency',
    at: 'Promise.all(',
    text: [
      "import { render } from './render.js';",
      '',
      "const users: string[] = ['ann', 'bob'];",
      'export async function Sizes() {',
      '  const sizes = await Promise.all(users.map(async (u, i, list) => `${u}${i}/${list.length}`));',
      "  return render(<ul>{sizes.map((size) => <li key={size}>{size} won't wait</li>)}</ul>);",
      '}',
      '',
    ].join('\n'),
  },
] as const satisfies readonly TsxCase[];
const CASES: readonly TsxCase[] = [RELOAD, SAVE, SIZES];

const RENDER = 'export function render(element: JSX.Element): JSX.Element {\n  return element;\n}\n';

/** The document after the fix: the rewrite at `at`, then the import the plan adds. */
function applied(item: TsxCase, documentPath: string, resolution: Resolution): string {
  const { text } = item;
  const start = text.indexOf(item.at);
  assert.ok(start >= 0, item.name);
  const symbol = item.fix === 'retry' ? 'retry' : 'mapWithConcurrency';
  const plan = planPatternImport({
    documentText: text,
    documentPath,
    symbol,
    targetFile: item.fix === 'retry' ? 'src/patterns/retry.ts' : 'src/patterns/concurrency.ts',
    importStyle: 'relative',
    moduleOptions: resolution === 'nodenext' ? { module: 'nodenext' } : { moduleResolution: 'bundler' },
  });
  assert.ok(plan.kind === 'import' && plan.insertion, `${item.name}: ${JSON.stringify(plan)}`);
  let range: readonly [number, number];
  let rewritten: string;
  if (item.fix === 'retry') {
    const call = callAt(text, documentPath, start);
    assert.ok(call, `${item.name}: no call found`);
    const rewrite = retryWrap(text.slice(...call), plan.local);
    assert.ok(rewrite.kind === 'rewrite', item.name);
    [range, rewritten] = [call, rewrite.text];
  } else {
    const fanOut = fanOutAt(text, documentPath, start);
    assert.ok(fanOut, `${item.name}: no fan-out found`);
    const facts = { ...fanOut, itemsText: text.slice(...fanOut.items), mapperText: text.slice(...fanOut.mapper) };
    // The names the editor passes (extension/quick-fix-table.ts): the plan's, every word in a .tsx file.
    const rewrite = concurrencyRewrite(facts, plan.local, 8, new Set([...plan.facts.names, plan.local]));
    assert.ok(rewrite.kind === 'rewrite', item.name);
    [range, rewritten] = [fanOut.call, rewrite.text];
  }
  const edited = text.slice(0, range[0]) + rewritten + text.slice(range[1]);
  // The import goes above the call, so the call's offsets were taken first.
  return edited.slice(0, plan.insertion.offset) + plan.insertion.text + edited.slice(plan.insertion.offset);
}

describe('engine: quick fixes in .tsx documents (each output type-checked, JSX preserved)', function () {
  this.timeout(180_000);

  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`every fix type-checks (strict, ${resolution})`, () => {
      const files: Record<string, string> = { 'src/cases/render.ts': RENDER };
      for (const [index, item] of CASES.entries()) {
        const documentPath = `src/cases/t${index}.tsx`;
        const output = applied(item, documentPath, resolution);
        if (item.text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(output), `${item.name}: a bare LF`);
        files[documentPath] = output;
      }
      assert.deepEqual(typecheck(files, resolution), []);
    });
  }

  it('the JSX text that says retry makes the import take another name', () => {
    const output = applied(RELOAD, 'src/cases/t0.tsx', 'bundler');
    assert.match(output, /import \{ retry as bulwarkRetry \} from '\.\.\/patterns\/retry\.js';/);
    assert.match(output, /bulwarkRetry\(\(\) => fetch\(url\)\)/);
  });

  it("the import lands after 'use client', not above it", () => {
    const output = applied(SAVE, 'src/cases/t1.tsx', 'nodenext');
    assert.ok(output.startsWith("'use client';\r\n"), JSON.stringify(output.slice(0, 80)));
    assert.match(output, /async \(\) => fetch\(await pick\(\)/);
  });

  it('the checker sees JSX errors (a control: the .tsx files are really checked)', () => {
    const broken = { 'src/cases/bad.tsx': 'export const a = <p>{qqzzx}</p>;\nexport const b: number = <p />;\n' };
    const codes = typecheck(broken, 'bundler').map((line) => /TS\d+/.exec(line)?.[0]);
    for (const code of ['TS2304', 'TS2322']) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
  });
});
