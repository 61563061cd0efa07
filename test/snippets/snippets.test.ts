// Proves the generated snippets are the tested runtime code: whole-file snippets expand to the
// runtime file byte for byte, usage snippets expand (with their defaults) to the code of the
// marked region in runtime/usage, which runtime's typecheck and tests exercise.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Catalog } from '../../src/engine/catalog';
import { escapeSnippetText, expandWithDefaults, usageSnippets, SnippetSourceError, type VsCodeSnippet } from '../../src/engine/snippets';

const root = join(__dirname, '..', '..');
const read = (...parts: string[]) => readFileSync(join(root, ...parts), 'utf8');
const catalog = JSON.parse(read('runtime', 'catalog.json')) as Catalog;
const typescript = JSON.parse(read('snippets', 'typescript.json')) as Record<string, VsCodeSnippet>;
const javascript = JSON.parse(read('snippets', 'javascript.json')) as Record<string, VsCodeSnippet>;
const manifest = JSON.parse(read('package.json')) as { contributes: { snippets: Array<{ language: string; path: string }> } };

describe('generated snippets', () => {
  it('has one whole-file snippet per runtime file, expanding to the file byte for byte', () => {
    const runtimeFiles = readdirSync(join(root, 'runtime', 'src'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    assert.equal(catalog.files.length, runtimeFiles.length);
    for (const file of catalog.files) {
      const snippet = typescript[`Bulwark pattern: ${file.id}`];
      assert.ok(snippet, `no snippet for ${file.id}`);
      assert.equal(snippet.prefix, `bulwark-${file.id.replace(/\//g, '-')}`);
      assert.equal(snippet.isFileTemplate, true);
      const expanded = expandWithDefaults(snippet.body.join('\n'));
      assert.equal(expanded, read('runtime', 'src', `${file.id}.ts`), `${file.id} snippet differs from runtime/src/${file.id}.ts`);
    }
  });

  it('has at least one usage snippet per pattern, including bw-retry, bw-cache and bw-app-error', () => {
    const prefixes = Object.values(typescript).map((snippet) => snippet.prefix);
    for (const required of ['bw-retry', 'bw-cache', 'bw-app-error']) assert.ok(prefixes.includes(required), `missing ${required}`);
    const usageFiles = readdirSync(join(root, 'runtime', 'usage')).filter((name) => name.endsWith('.ts'));
    const patterns = new Set(catalog.files.map((file) => file.pattern));
    for (const pattern of patterns) {
      if (pattern === 'log') continue; // log is infrastructure, used through the others
      assert.ok(usageFiles.includes(`${pattern}.ts`), `runtime/usage/${pattern}.ts is missing`);
    }
  });

  it('expands every usage snippet, with defaults, to the code of its marked region', () => {
    const usageDir = join(root, 'runtime', 'usage');
    let count = 0;
    for (const name of readdirSync(usageDir).filter((entry) => entry.endsWith('.ts'))) {
      const source = readFileSync(join(usageDir, name), 'utf8');
      for (const usage of usageSnippets(source, name)) {
        count++;
        assert.equal(expandWithDefaults(usage.body), usage.code, usage.source);
        const unmarked = source.replace(/\/\*\$\{\d+(?:\|[^}]*)?\}\*\/|\/\*\$\*\/|\/\*\$0\*\//g, '');
        const indented = usage.code.split('\n').map((line) => line.trim()).filter(Boolean);
        for (const line of indented) assert.ok(unmarked.includes(line), `${usage.source}: "${line}" is not in the tested source`);
        const published = typescript[`Bulwark usage: ${usage.prefix}`];
        assert.ok(published, `${usage.prefix} is not published`);
        assert.equal(published.body.join('\n'), usage.body);
      }
    }
    assert.ok(count > 0);
  });

  it('offers TypeScript snippets for typescript and typescriptreact, usage snippets for javascript(react)', () => {
    const byLanguage = Object.fromEntries(manifest.contributes.snippets.map((entry) => [entry.language, entry.path]));
    assert.equal(byLanguage.typescript, './snippets/typescript.json');
    assert.equal(byLanguage.typescriptreact, './snippets/typescript.json');
    assert.equal(byLanguage.javascript, './snippets/javascript.json');
    assert.equal(byLanguage.javascriptreact, './snippets/javascript.json');
    assert.ok(Object.keys(javascript).length > 0, 'no usage snippet is plain JavaScript');
    for (const snippet of Object.values(javascript)) assert.ok(!snippet.isFileTemplate, 'TypeScript files are not offered to JavaScript');
  });
});

describe('snippet escaping', () => {
  it('keeps $, } and \\ of template literals and regexes literal', () => {
    const source = 'const s = `${a}\\n${b}`; const re = /\\$\\{x\\}/; const o = { "$ref": "}" };\n';
    assert.equal(expandWithDefaults(escapeSnippetText(source)), source);
  });

  it('round-trips any text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => expandWithDefaults(escapeSnippetText(text)) === text), { numRuns: 2000 });
  });

  it('turns markers into tab stops, choices and a final cursor', () => {
    const source = [
      'export async function f(url: string) {',
      '  // @snippet bw-demo A demo',
      '  const r = await get(/*${1}*/url/*$*/, { method: /*${2|GET,HEAD}*/GET/*$*/ });/*$0*/',
      '  const t = `${r}`;',
      '  // @end',
      '}',
    ].join('\n');
    const [snippet] = usageSnippets(source, 'demo.ts');
    assert.ok(snippet);
    assert.equal(snippet.body, 'const r = await get(${1:url}, { method: ${2|GET,HEAD|} \\});$0\nconst t = `\\${r\\}`;');
    assert.equal(snippet.code, 'const r = await get(url, { method: GET });\nconst t = `${r}`;');
    assert.equal(expandWithDefaults(snippet.body), snippet.code);
  });

  it('rejects a choice whose code is not its first option, and an unterminated region', () => {
    assert.throws(() => usageSnippets('// @snippet bw-x X\nf(/*${1|a,b}*/b/*$*/)\n// @end', 'x.ts'), SnippetSourceError);
    assert.throws(() => usageSnippets('// @snippet bw-x X\nf()\n', 'x.ts'), /has no "\/\/ @end"/);
  });
});
