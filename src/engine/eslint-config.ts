// Adds `bulwark.configs.recommended` to a project's flat ESLint config, or writes a new config.
// Edits only shapes it recognises (an exported array, defineConfig(…), tseslint.config(…), a
// single exported object), and re-parses every result with a real parser before returning it:
// a config Bulwark cannot edit safely is reported, never written half-right.
import type { PackageNeed } from './header';
import type { PackageJson } from './project';
import { scan, ScanError, stringValue, type Scan, type Token } from './js-scan';

export const PLUGIN_PACKAGE = 'eslint-plugin-bulwark';
/** Flat config files in the order ESLint itself looks for them (it uses the first it finds). */
export const FLAT_CONFIG_FILES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
/** Legacy eslintrc files: ESLint 9+ ignores them once a flat config exists. */
export const LEGACY_CONFIG_FILES = ['.eslintrc.js', '.eslintrc.cjs', '.eslintrc.yaml', '.eslintrc.yml', '.eslintrc.json', '.eslintrc'];
export const NEW_CONFIG_FILE = 'eslint.config.mjs';
const RECOMMENDED = 'configs.recommended';

/** Parses `text` as the file `fileName`; returns the first syntax error, or undefined when it parses. */
export type SyntaxCheck = (text: string, fileName: string) => string | undefined;

export type ConfigEdit =
  | { readonly kind: 'updated'; readonly text: string; /** What was extended, for messages. */ readonly target: string }
  | { readonly kind: 'unchanged'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

export type ConfigFileChoice =
  { readonly kind: 'flat'; readonly file: string } | { readonly kind: 'legacy'; readonly file: string } | { readonly kind: 'none' };

/** Which ESLint config a folder has, from its file names and package.json (`eslintConfig`). */
export function findConfigFile(fileNames: readonly string[], manifest?: PackageJson): ConfigFileChoice {
  const flat = FLAT_CONFIG_FILES.find((name) => fileNames.includes(name));
  if (flat) return { kind: 'flat', file: flat };
  const legacy = LEGACY_CONFIG_FILES.find((name) => fileNames.includes(name));
  if (legacy) return { kind: 'legacy', file: legacy };
  if (manifest && 'eslintConfig' in manifest) return { kind: 'legacy', file: 'package.json ("eslintConfig")' };
  return { kind: 'none' };
}

export function isTypeScriptProject(fileNames: readonly string[], manifest?: PackageJson): boolean {
  const declared = { ...manifest?.dependencies, ...manifest?.devDependencies };
  return fileNames.includes('tsconfig.json') || 'typescript' in declared;
}

/** The dev dependencies a config from this module needs. */
export function configPackages(typescript: boolean, manifest?: PackageJson): PackageNeed[] {
  const needs = ['eslint', PLUGIN_PACKAGE];
  if (typescript && !usesTypescriptEslint(manifest)) needs.push('@typescript-eslint/parser');
  return needs.map((name) => ({ name, dev: true }));
}

function usesTypescriptEslint(manifest?: PackageJson): boolean {
  return 'typescript-eslint' in { ...manifest?.dependencies, ...manifest?.devDependencies };
}

/** A new `eslint.config.mjs`: the recommended rules, plus TypeScript parsing in TypeScript projects. */
export function newConfigText(typescript: boolean, manifest?: PackageJson): string {
  const lines = ['// ESLint flat config: https://eslint.org/docs/latest/use/configure/configuration-files'];
  if (!typescript) return [...lines, `import bulwark from '${PLUGIN_PACKAGE}';`, '', 'export default [bulwark.configs.recommended];', ''].join('\n');
  const [parserImport, parser] = usesTypescriptEslint(manifest)
    ? ["import tseslint from 'typescript-eslint';", 'tseslint.parser']
    : ["import tsParser from '@typescript-eslint/parser';", 'tsParser'];
  return [
    ...lines,
    parserImport,
    `import bulwark from '${PLUGIN_PACKAGE}';`,
    '',
    'export default [',
    // ESLint lints only .js/.mjs/.cjs unless a config names other files.
    `  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: ${parser} } },`,
    '  bulwark.configs.recommended,',
    '];',
    '',
  ].join('\n');
}

interface Insertion {
  readonly at: number;
  readonly text: string;
}

/** A bracketed list to append to: an array literal or a call's argument list. */
interface ListTarget {
  readonly kind: 'list';
  readonly open: number;
  readonly describe: string;
}

/** A single exported config object, wrapped into an array. */
interface ObjectTarget {
  readonly kind: 'object';
  readonly open: number;
  readonly describe: string;
}

class Unsupported extends Error {}

/** One config file's tokens and style, and the edits to make. */
class ConfigSource {
  readonly tokens: Token[];
  private readonly comments: Scan['comments'];
  readonly eol: string;

  constructor(readonly text: string) {
    ({ tokens: this.tokens, comments: this.comments } = scan(text));
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  token(index: number): Token | undefined {
    return this.tokens[index];
  }

  is(index: number, text: string): boolean {
    return this.tokens[index]?.text === text;
  }

  /** Index of the first top-level token sequence equal to `texts`. */
  findTopLevel(texts: readonly string[], from = 0): number {
    for (let i = from; i < this.tokens.length; i += 1) {
      if (this.tokens[i]?.depth === 0 && texts.every((text, k) => this.is(i + k, text)) && !this.is(i - 1, '.')) return i;
    }
    return -1;
  }

  hasName(name: string): boolean {
    return this.tokens.some((token) => token.kind === 'name' && token.text === name);
  }

  /** Whether the module is named in any string literal (an import, a require, a dynamic import). */
  mentionsModule(module: string): boolean {
    return this.tokens.some((token) => token.kind === 'string' && (stringValue(token) === module || stringValue(token).startsWith(`${module}/`)));
  }

  /** The local name bound to a module's default or namespace export, if the file binds one. */
  bindingOf(module: string): string | undefined {
    for (let i = 0; i < this.tokens.length; i += 1) {
      const token = this.tokens[i] as Token;
      if (token.kind !== 'string' || stringValue(token) !== module) continue;
      // import name from 'module' / import * as name from 'module'
      if (this.is(i - 1, 'from') && this.token(i - 2)?.kind === 'name' && (this.is(i - 3, 'import') || this.is(i - 3, 'as'))) return this.token(i - 2)?.text;
      // const name = require('module')
      if (this.is(i - 1, '(') && this.is(i - 2, 'require') && this.is(i - 3, '=') && this.token(i - 4)?.kind === 'name') return this.token(i - 4)?.text;
    }
    return undefined;
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  indentAt(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start))?.[0] ?? '';
  }

  /** The file's indentation unit, from its first indented line. */
  indentUnit(): string {
    return /^( +|\t)\S/m.exec(this.text)?.[1] ?? '  ';
  }

  private insideComment(offset: number): boolean {
    return this.comments.some(([start, end]) => start < offset && offset < end);
  }

  /**
   * Where to put a new line after the token ending at `end`: the end of that line when only
   * whitespace or a comment follows on it (so a trailing comment stays with its code), else `end`.
   */
  afterLine(end: number, nextToken: Token | undefined): number {
    const newline = this.text.indexOf('\n', end);
    const lineEnd = newline === -1 ? this.text.length : this.text[newline - 1] === '\r' ? newline - 1 : newline;
    const nextStarts = nextToken?.start ?? this.text.length;
    return nextStarts >= lineEnd && !this.insideComment(lineEnd) ? lineEnd : end;
  }
}

/** `a.b.c` starting at `index`: the dotted name and the index of its last token. */
function dottedName(source: ConfigSource, index: number): { name: string; last: number } | undefined {
  if (source.token(index)?.kind !== 'name') return undefined;
  let last = index;
  const parts = [source.token(index)?.text];
  while (source.is(last + 1, '.') && source.token(last + 2)?.kind === 'name') {
    parts.push(source.token(last + 2)?.text);
    last += 2;
  }
  return { name: parts.join('.'), last };
}

function isConfigHelper(source: ConfigSource, callee: string): boolean {
  if (callee === 'defineConfig') return true;
  const tseslint = source.bindingOf('typescript-eslint');
  return callee === 'tseslint.config' || (tseslint !== undefined && callee === `${tseslint}.config`);
}

/** The index of the value in `const name = value` (or `const name: Type = value`) at the top level. */
function constValue(source: ConfigSource, name: string): number {
  const declaration = source.findTopLevel(['const', name]);
  if (declaration === -1) throw new Unsupported(`it exports \`${name}\`, which is not a \`const\` declared at the top of the file`);
  let i = declaration + 2;
  while (i < source.tokens.length && !(source.is(i, '=') && source.token(i)?.depth === 0)) i += 1;
  if (i >= source.tokens.length) throw new Unsupported(`it exports \`${name}\`, which has no value`);
  const reassigned = source.tokens.some(
    (token, k) => k !== declaration + 1 && token.kind === 'name' && token.text === name && source.is(k + 1, '=') && !source.is(k - 1, '.'),
  );
  if (reassigned) throw new Unsupported(`it exports \`${name}\`, which is assigned more than once`);
  return i + 1;
}

function targetOf(source: ConfigSource, index: number, seen: ReadonlySet<string> = new Set()): ListTarget | ObjectTarget {
  const first = source.token(index);
  if (!first) throw new Unsupported('its export has no value');
  if (first.text === '[') return { kind: 'list', open: index, describe: 'the exported array' };
  if (first.text === '{') {
    const after = source.token((first.match ?? index) + 1);
    if (after?.text === 'satisfies' || after?.text === 'as') throw new Unsupported('its exported object has a type assertion that an array would not satisfy');
    return { kind: 'object', open: index, describe: 'the exported config object' };
  }
  const shown = source.text.slice(first.start, Math.min(source.text.length, first.start + 40)).split('\n')[0];
  const unknownShape = new Unsupported(`its export (\`${shown}…\`) is not an array, an object, defineConfig(…) or tseslint.config(…)`);
  if (['async', 'function', 'class', 'await', 'new'].includes(first.text)) throw unknownShape;
  const callee = dottedName(source, index);
  if (callee && source.is(callee.last + 1, '(')) {
    if (!isConfigHelper(source, callee.name))
      throw new Unsupported(`it exports the result of \`${callee.name}(…)\`, which Bulwark does not know how to extend`);
    const open = callee.last + 1;
    const close = source.token(open)?.match as number;
    // defineConfig([…]) takes one array: extend the array rather than add a second argument.
    const onlyArgument = source.token(open + 1);
    if (
      onlyArgument?.text === '[' &&
      (onlyArgument.match === close - 1 || (source.is((onlyArgument.match ?? 0) + 1, ',') && onlyArgument.match === close - 2))
    ) {
      return { kind: 'list', open: open + 1, describe: `the array passed to ${callee.name}()` };
    }
    return { kind: 'list', open, describe: `the arguments of ${callee.name}()` };
  }
  if (callee && callee.last === index && !seen.has(first.text) && /^[A-Za-z_$][\w$]*$/.test(first.text)) {
    return targetOf(source, constValue(source, first.text), new Set([...seen, first.text]));
  }
  throw unknownShape;
}

/** Appends `element` to the list opened at `open`, in the list's own layout. */
function appendToList(source: ConfigSource, open: number, element: string): Insertion[] {
  const close = source.token(open)?.match as number;
  const closeToken = source.token(close) as Token;
  const openToken = source.token(open) as Token;
  const last = source.token(close - 1) as Token;
  const multiline = source.text.slice(openToken.end, closeToken.start).includes('\n');
  if (close === open + 1) {
    if (!multiline) return [{ at: openToken.end, text: element }];
    const indent = source.indentAt(closeToken.start) + source.indentUnit();
    return [{ at: openToken.end, text: `${source.eol}${indent}${element},` }];
  }
  const trailingComma = last.text === ',';
  if (!multiline || !source.text.slice(last.end, closeToken.start).includes('\n')) {
    return [{ at: last.end, text: trailingComma ? ` ${element},` : `, ${element}` }];
  }
  // The element the new one follows: after the previous top-level comma of the list.
  let firstOfLast = trailingComma ? close - 2 : close - 1;
  while (firstOfLast > open + 1 && !(source.is(firstOfLast - 1, ',') && source.token(firstOfLast - 1)?.depth === openToken.depth + 1)) {
    const token = source.token(firstOfLast) as Token;
    firstOfLast = token.match !== undefined && token.match < firstOfLast ? token.match : firstOfLast - 1;
  }
  const indent = source.indentAt((source.token(firstOfLast) as Token).start);
  const at = source.afterLine(last.end, closeToken);
  return [...(trailingComma ? [] : [{ at: last.end, text: ',' }]), { at, text: `${source.eol}${indent}${element}${trailingComma ? ',' : ''}` }];
}

/** Where a new top-level statement goes: after the last import (or require), else at the top. */
function importInsertion(source: ConfigSource, statement: string, commonJs: boolean): Insertion {
  let end = -1;
  for (let i = 0; i < source.tokens.length; i += 1) {
    const token = source.token(i) as Token;
    if (token.depth !== 0 || source.is(i - 1, '.')) continue;
    if (!commonJs && token.text === 'import' && !source.is(i + 1, '(') && !source.is(i + 1, '.')) {
      let j = i + 1;
      while (j < source.tokens.length && !(source.token(j)?.kind === 'string' && source.token(j)?.depth === 0)) j += 1;
      if (source.is(j + 1, 'with') || source.is(j + 1, 'assert')) j = source.token(j + 2)?.match ?? j;
      if (source.is(j + 1, ';')) j += 1;
      end = j;
    } else if (commonJs && /^(const|let|var)$/.test(token.text)) {
      // `const x = require('…')…;` with only member accesses after the call.
      // Past the binding, which may be a destructuring pattern: `const { a, b } = require(…)`.
      let j = i + 1;
      while (j < source.tokens.length && source.token(j)?.text !== '=') j = Math.max(j, source.token(j)?.match ?? j) + 1;
      if (!source.is(j + 1, 'require') || !source.is(j + 2, '(')) continue;
      j = source.token(j + 2)?.match ?? j;
      while (source.is(j + 1, '.') && source.token(j + 2)?.kind === 'name') j += 2;
      if (source.is(j + 1, ';')) j += 1;
      const next = source.token(j + 1);
      if (next && !source.text.slice(source.token(j)?.end, next.start).includes('\n')) continue;
      end = j;
    }
  }
  const endToken = source.token(end);
  if (endToken) return { at: source.afterLine(endToken.end, source.token(end + 1)), text: `${source.eol}${statement}` };
  // No imports: after a leading 'use strict' directive, else before the first statement.
  const first = source.token(0);
  if (first?.kind === 'string' && (source.is(1, ';') || !source.text.slice(first.end, source.token(1)?.start).trim())) {
    const directiveEnd = source.token(source.is(1, ';') ? 1 : 0) as Token;
    return { at: source.afterLine(directiveEnd.end, source.token(source.is(1, ';') ? 2 : 1)), text: `${source.eol}${statement}` };
  }
  return { at: first ? source.lineStart(first.start) : 0, text: `${statement}${source.eol}${source.eol}` };
}

function quoteOf(source: ConfigSource): string {
  const specifier = source.tokens.find((token, i) => token.kind === 'string' && (source.is(i - 1, 'from') || source.is(i - 2, 'require')));
  const sample = specifier ?? source.tokens.find((token) => token.kind === 'string');
  return sample?.text[0] === '"' ? '"' : "'";
}

function usesSemicolons(source: ConfigSource): boolean {
  const ends = source.tokens.filter((token) => token.depth === 0 && token.text === ';').length;
  return ends > 0 || source.tokens.length === 0;
}

function freeName(source: ConfigSource): string {
  for (const candidate of ['bulwark', 'bulwarkPlugin']) if (!source.hasName(candidate)) return candidate;
  let n = 2;
  while (source.hasName(`bulwarkPlugin${n}`)) n += 1;
  return `bulwarkPlugin${n}`;
}

function applyInsertions(text: string, insertions: readonly Insertion[]): string {
  // Stable sort by offset, applied back to front so earlier offsets stay valid.
  const ordered = insertions.map((insertion, order) => ({ ...insertion, order })).sort((a, b) => b.at - a.at || b.order - a.order);
  let result = text;
  for (const { at, text: inserted } of ordered) result = result.slice(0, at) + inserted + result.slice(at);
  return result;
}

/**
 * The first half of {@link addRecommendedConfig}, for callers whose parser answers asynchronously:
 * the edit, not yet re-parsed. Pass an `updated` one to {@link verifyRecommendedConfig}.
 */
export function planRecommendedConfig(text: string): ConfigEdit {
  let source: ConfigSource;
  try {
    source = new ConfigSource(text);
  } catch (error) {
    if (error instanceof ScanError) return { kind: 'unsupported', reason: `it could not be read as JavaScript (${error.message})` };
    throw error;
  }
  if (source.mentionsModule(PLUGIN_PACKAGE)) return { kind: 'unchanged', reason: `it already uses ${PLUGIN_PACKAGE}` };
  const esm = source.findTopLevel(['export', 'default']);
  const cjs = source.findTopLevel(['module', '.', 'exports', '=']);
  if ((esm === -1) === (cjs === -1)) {
    return {
      kind: 'unsupported',
      reason: esm === -1 ? 'it has no `export default` or `module.exports =`' : 'it has both `export default` and `module.exports =`',
    };
  }
  const commonJs = cjs !== -1;
  try {
    const target = targetOf(source, commonJs ? cjs + 4 : esm + 2);
    const name = freeName(source);
    const element = `${name}.${RECOMMENDED}`;
    const quote = quoteOf(source);
    const semicolon = usesSemicolons(source) ? ';' : '';
    const statement = commonJs
      ? // Node's require() of an ES module (the plugin is one) returns its namespace.
        `const ${name} = require(${quote}${PLUGIN_PACKAGE}${quote}).default${semicolon}`
      : `import ${name} from ${quote}${PLUGIN_PACKAGE}${quote}${semicolon}`;
    const edits: Insertion[] = [importInsertion(source, statement, commonJs)];
    if (target.kind === 'list') {
      edits.push(...appendToList(source, target.open, element));
    } else {
      const object = source.token(target.open) as Token;
      const objectEnd = source.token(object.match as number) as Token;
      edits.push({ at: object.start, text: '[' }, { at: objectEnd.end, text: `, ${element}]` });
    }
    return { kind: 'updated', text: applyInsertions(text, edits), target: target.describe };
  } catch (error) {
    if (error instanceof Unsupported) return { kind: 'unsupported', reason: error.message };
    throw error;
  }
}

/**
 * Adds `bulwark.configs.recommended` to the flat config `text` of `fileName`. The result is
 * re-parsed with `checkSyntax` and must read as already configured, or the edit is refused.
 */
export function addRecommendedConfig(text: string, fileName: string, checkSyntax: SyntaxCheck): ConfigEdit {
  const edit = planRecommendedConfig(text);
  return edit.kind === 'updated' ? verifyRecommendedConfig(edit, checkSyntax(edit.text, fileName)) : edit;
}

/** The second half: `edit` as planned, given `syntaxError`, the re-parse of its text (undefined: it parses). */
export function verifyRecommendedConfig(edit: Extract<ConfigEdit, { kind: 'updated' }>, syntaxError: string | undefined): ConfigEdit {
  if (syntaxError !== undefined) return { kind: 'unsupported', reason: `the edited file would not parse (${syntaxError})` };
  if (planRecommendedConfig(edit.text).kind !== 'unchanged') return { kind: 'unsupported', reason: 'the edit could not be verified' };
  return edit;
}

/** What to add by hand when the config cannot be edited, in the file's module system. */
export function manualInstructions(fileName: string, text = ''): string {
  const commonJs = /\.c[jt]s$/.test(fileName) || /\bmodule\.exports\b/.test(text);
  const statement = commonJs ? `const bulwark = require('${PLUGIN_PACKAGE}').default;` : `import bulwark from '${PLUGIN_PACKAGE}';`;
  return `${statement} and add bulwark.configs.recommended to the exported configs`;
}
