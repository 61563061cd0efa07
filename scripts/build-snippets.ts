// Generates snippets/*.json from runtime/catalog.json (whole files) and runtime/usage/*.ts
// (usage snippets). TypeScript snippets serve typescript + typescriptreact; usage snippets whose
// code is also plain JavaScript serve javascript + javascriptreact.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as espree from 'espree';
import type { Catalog } from '../src/engine/catalog';
import { usageSnippets, wholeFileSnippet, type UsageSnippet, type VsCodeSnippet } from '../src/engine/snippets';

const root = join(import.meta.dirname, '..');
const catalog = JSON.parse(readFileSync(join(root, 'runtime', 'catalog.json'), 'utf8')) as Catalog;
const usageDir = join(root, 'runtime', 'usage');

function isPlainJavaScript(code: string): boolean {
  for (const wrapped of [code, `async function snippet() {\n${code}\n}`]) {
    try {
      espree.parse(wrapped, { ecmaVersion: 'latest', sourceType: 'module' });
      return true;
    } catch {
      // not JavaScript in this shape; try the next one
    }
  }
  return false;
}

const usage: UsageSnippet[] = readdirSync(usageDir)
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .flatMap((name) => usageSnippets(readFileSync(join(usageDir, name), 'utf8'), `runtime/usage/${name}`));

const prefixes = new Map<string, string>();
for (const snippet of usage) {
  const clash = prefixes.get(snippet.prefix);
  if (clash) throw new Error(`snippet prefix ${snippet.prefix} is used twice: ${clash} and ${snippet.source}`);
  prefixes.set(snippet.prefix, snippet.source);
}

const asVsCode = (snippet: UsageSnippet): VsCodeSnippet => ({
  prefix: snippet.prefix,
  description: snippet.description,
  body: snippet.body.split('\n'),
});

const typescript: Record<string, VsCodeSnippet> = {};
for (const file of catalog.files) typescript[`Bulwark pattern: ${file.id}`] = wholeFileSnippet(file);
for (const snippet of usage) typescript[`Bulwark usage: ${snippet.prefix}`] = asVsCode(snippet);

const javascript: Record<string, VsCodeSnippet> = {};
for (const snippet of usage.filter((s) => isPlainJavaScript(s.code))) javascript[`Bulwark usage: ${snippet.prefix}`] = asVsCode(snippet);

mkdirSync(join(root, 'snippets'), { recursive: true });
writeFileSync(join(root, 'snippets', 'typescript.json'), `${JSON.stringify(typescript, null, 2)}\n`);
writeFileSync(join(root, 'snippets', 'javascript.json'), `${JSON.stringify(javascript, null, 2)}\n`);
console.log(`snippets: ${Object.keys(typescript).length} TypeScript, ${Object.keys(javascript).length} JavaScript`);
