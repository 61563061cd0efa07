// What a quick fix needs to know about a user's module before it adds `import { retry } from '…'`:
// where imports may go (after a shebang, `///` references, `// @ts-check` pragmas, the directive
// prologue such as 'use server', and the existing imports), the file's own style (quotes,
// semicolons, line endings), the imports it already has, and every name it already uses. Read
// from tokens (js-scan.ts), never from lines: a quote or a semicolon inside a comment or a string
// counts for nothing, and CRLF files get CRLF.
import { scan, stringValue, type Token } from './js-scan';

export interface ImportBinding {
  /** The exported name (`default` for a default import, `*` for a namespace import). */
  readonly imported: string;
  readonly local: string;
  readonly typeOnly: boolean;
}

export interface ImportDeclaration {
  readonly specifier: string;
  readonly quote: "'" | '"';
  readonly semicolon: boolean;
  /** `import type { … }` or `import x = require()`-style: only bindings matter. */
  readonly typeOnly: boolean;
  readonly bindings: readonly ImportBinding[];
  /** [start, end) of the statement, its semicolon included. */
  readonly range: readonly [number, number];
}

export interface ModuleFacts {
  readonly eol: '\n' | '\r\n';
  readonly quote: "'" | '"';
  readonly semicolon: boolean;
  readonly imports: readonly ImportDeclaration[];
  /** Every identifier the file writes, except property names after `.`: a new binding must avoid them all. */
  readonly names: ReadonlySet<string>;
  /** Where a new import statement starts (the beginning of a line, or the end of the text). */
  readonly insertionOffset: number;
  /** Whether the text at the insertion point starts on a new line (false at the end of a file without a final newline). */
  readonly atLineStart: boolean;
}

export interface ImportConventions {
  readonly quote: "'" | '"';
  readonly semicolon: boolean;
  readonly eol: '\n' | '\r\n';
}

/** Comments that must stay above every statement: `///` references, `@ts-check`, JSX and lint pragmas. */
const PRAGMA =
  /^(\/\/\/\s*<(reference|amd)|\/\/\s*@ts-(no)?check\b|\/[/*][*\s]*(@jsx|@flow|eslint-disable(?![-\w])|eslint-env|@vitest-environment|@jest-environment))/;

function eolOf(text: string): '\n' | '\r\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

function quoteOf(token: Token): "'" | '"' {
  return token.text.startsWith('"') ? '"' : "'";
}

function isName(token: Token | undefined, text?: string): boolean {
  return token?.kind === 'name' && (text === undefined || token.text === text);
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

/** Parses the import declaration whose `import` keyword is tokens[i]; undefined for `import(…)` and `import.meta`. */
function importAt(tokens: readonly Token[], i: number): { declaration: ImportDeclaration; next: number } | undefined {
  const start = tokens[i] as Token;
  let j = i + 1;
  if (isPunct(tokens[j], '(') || isPunct(tokens[j], '.')) return undefined;
  let typeOnly = false;
  if (isName(tokens[j], 'type') && !isPunct(tokens[j + 1], ',') && !isName(tokens[j + 1], 'from')) {
    typeOnly = true;
    j += 1;
  }
  const bindings: ImportBinding[] = [];
  let specifierToken: Token | undefined;
  let end = j;
  if (tokens[j]?.kind === 'string') {
    specifierToken = tokens[j];
    end = j;
  } else {
    // `import x = require('y')` (TypeScript): the binding, then the require call.
    if (isName(tokens[j]) && isPunct(tokens[j + 1], '=')) {
      const local = (tokens[j] as Token).text;
      const call = tokens[j + 2];
      if (isName(call, 'require') && isPunct(tokens[j + 3], '(') && tokens[j + 4]?.kind === 'string') {
        specifierToken = tokens[j + 4];
        end = (tokens[j + 3] as Token).match ?? j + 5;
        bindings.push({ imported: '*', local, typeOnly });
      } else {
        // `import x = N.y`: an alias, no module.
        let k = j + 2;
        while (k < tokens.length && (isName(tokens[k]) || isPunct(tokens[k], '.'))) k += 1;
        const semicolon = isPunct(tokens[k], ';');
        const last = tokens[semicolon ? k : k - 1] as Token;
        return {
          declaration: {
            specifier: '',
            quote: "'",
            semicolon,
            typeOnly: true,
            bindings: [{ imported: '*', local, typeOnly: true }],
            range: [start.start, last.end],
          },
          next: k + (semicolon ? 1 : 0),
        };
      }
    } else {
      // Default, namespace and named bindings, up to `from 'specifier'`.
      while (j < tokens.length) {
        const token = tokens[j] as Token;
        if (isName(token, 'from') && tokens[j + 1]?.kind === 'string') {
          specifierToken = tokens[j + 1];
          end = j + 1;
          break;
        }
        if (isPunct(token, '{') && token.match !== undefined) {
          let k = j + 1;
          while (k < token.match) {
            let entryType = false;
            if (isName(tokens[k], 'type') && (isName(tokens[k + 1]) || tokens[k + 1]?.kind === 'string') && !isName(tokens[k + 1], 'as')) {
              entryType = true;
              k += 1;
            }
            const imported = tokens[k] as Token;
            const name = imported.kind === 'string' ? stringValue(imported) : imported.text;
            let local = name;
            if (isName(tokens[k + 1], 'as')) {
              local = (tokens[k + 2] as Token).text;
              k += 3;
            } else k += 1;
            if (isPunct(tokens[k], ',')) k += 1;
            bindings.push({ imported: name, local, typeOnly: typeOnly || entryType });
          }
          j = token.match + 1;
          continue;
        }
        if (isPunct(token, '*') && isName(tokens[j + 1], 'as')) {
          bindings.push({ imported: '*', local: (tokens[j + 2] as Token).text, typeOnly });
          j += 3;
          continue;
        }
        if (isName(token)) bindings.push({ imported: 'default', local: token.text, typeOnly });
        j += 1;
      }
      if (!specifierToken) return undefined;
    }
  }
  // Import attributes: `with { type: 'json' }` / `assert { … }`.
  let k = end + 1;
  if ((isName(tokens[k], 'with') || isName(tokens[k], 'assert')) && isPunct(tokens[k + 1], '{') && (tokens[k + 1] as Token).match !== undefined) {
    end = (tokens[k + 1] as Token).match as number;
    k = end + 1;
  }
  const semicolon = isPunct(tokens[k], ';');
  if (semicolon) end = k;
  const token = specifierToken as Token;
  return {
    declaration: {
      specifier: stringValue(token),
      quote: quoteOf(token),
      semicolon,
      typeOnly,
      bindings,
      range: [start.start, (tokens[end] as Token).end],
    },
    next: end + 1,
  };
}

function lineEnd(text: string, offset: number, comments: ReadonlyArray<readonly [number, number]>): number {
  let at = offset;
  for (;;) {
    const newline = text.indexOf('\n', at);
    if (newline === -1) return text.length;
    // A block comment that starts on this line and spans the newline: the line ends after it.
    const inside = comments.find(([from, to]) => from < newline && to > newline);
    if (!inside) return newline + 1;
    at = inside[1];
  }
}

/** Reads the facts of a module; throws a ScanError when the text cannot be tokenized. */
export function moduleFacts(text: string): ModuleFacts {
  const { tokens, comments } = scan(text);
  const imports: ImportDeclaration[] = [];
  const names = new Set<string>();
  let lastImportEnd = -1;
  // Brackets enclosing each position: a `;` inside `(` (a for header) says nothing about style.
  const enclosing: string[] = [];
  let statementSemicolons = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'punct' && (token.text === '(' || token.text === '[' || token.text === '{')) enclosing.push(token.text);
    else if (token.kind === 'punct' && (token.text === ')' || token.text === ']' || token.text === '}')) enclosing.pop();
    else if (isPunct(token, ';') && enclosing.at(-1) !== '(') statementSemicolons += 1;
    if (token.kind !== 'name') continue;
    const previous = tokens[i - 1];
    if (!isPunct(previous, '.') && !token.text.startsWith('#')) names.add(token.text);
    if (token.text === 'import' && token.depth === 0 && !isPunct(previous, '.')) {
      const found = importAt(tokens, i);
      if (found) {
        imports.push(found.declaration);
        lastImportEnd = found.declaration.range[1];
        for (let k = i + 1; k < found.next; k++) {
          const inner = tokens[k] as Token;
          if (inner.kind === 'name' && !isPunct(tokens[k - 1], '.')) names.add(inner.text);
          if (isPunct(inner, ';') && k === found.next - 1) statementSemicolons += 1;
        }
        i = found.next - 1;
      }
    }
  }

  // The preamble: a shebang, then pragmas and references before the first token, then directives.
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  let after = bom;
  if (text.startsWith('#!', bom)) after = lineEnd(text, bom, []);
  const first = tokens[0];
  for (const [from, to] of comments) {
    if (first && from > first.start) break;
    if (PRAGMA.test(text.slice(from, to))) after = Math.max(after, lineEnd(text, to, comments));
  }
  let directive = 0;
  while (tokens[directive]?.kind === 'string' && tokens[directive]?.depth === 0) {
    const next = tokens[directive + 1];
    const ends =
      next === undefined ||
      isPunct(next, ';') ||
      (!/\n/.test(text.slice((tokens[directive] as Token).end, next.start)) ? false : next.kind === 'name' || next.kind === 'string');
    if (!ends) break;
    const last = (isPunct(next, ';') ? next : tokens[directive]) as Token;
    after = Math.max(after, lineEnd(text, last.end, comments));
    directive += isPunct(next, ';') ? 2 : 1;
  }
  if (lastImportEnd >= 0) after = Math.max(after, lineEnd(text, lastImportEnd, comments));

  const strings = tokens.filter((token) => token.kind === 'string');
  const doubles = strings.filter((token) => token.text.startsWith('"')).length;
  const quote = imports[0]?.quote ?? (doubles > strings.length - doubles ? '"' : "'");
  const withSemicolon = imports.filter((declaration) => declaration.semicolon).length;
  const semicolon = imports.length ? withSemicolon * 2 >= imports.length : statementSemicolons > 0 || tokens.length === 0;
  const atLineStart = after === bom || after === 0 || text[after - 1] === '\n';
  return { eol: eolOf(text), quote, semicolon, imports, names, insertionOffset: after, atLineStart };
}

/** `import { symbol }` (or `import { symbol as local }`) in the given style, ending with a line break. */
export function importStatement(symbol: string, local: string, specifier: string, conventions: ImportConventions): string {
  const q = conventions.quote;
  const binding = symbol === local ? symbol : `${symbol} as ${local}`;
  return `import { ${binding} } from ${q}${specifier}${q}${conventions.semicolon ? ';' : ''}${conventions.eol}`;
}

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval undefined'.split(
    ' ',
  ),
);

/** `symbol` when the file uses no such name, else the first free one of bulwarkSymbol, bulwarkSymbol2, … */
export function freeName(symbol: string, used: ReadonlySet<string>): string {
  if (!used.has(symbol) && !RESERVED.has(symbol)) return symbol;
  const base = `bulwark${symbol[0]?.toUpperCase() ?? ''}${symbol.slice(1)}`;
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

export function posixRelative(fromDir: string, to: string): string {
  const from = fromDir.split('/').filter(Boolean);
  const target = to.split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common]) common++;
  const up = from.slice(common).map(() => '..');
  const path = [...up, ...target.slice(common)].join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * The extensionless relative specifier for importing `targetFile` (a path ending in `.ts`) from
 * `fromFile`, both `/`-separated paths from the same root.
 */
export function relativeSpecifier(fromFile: string, targetFile: string): string {
  const fromDir = fromFile.split('/').slice(0, -1).join('/');
  return posixRelative(fromDir, targetFile).replace(/\.ts$/, '');
}

/** Resolves a relative specifier against the importing file: `src/api/a.ts` + `../p/x.js` → `src/p/x.js`. */
export function resolveRelative(fromFile: string, specifier: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
