// Adding `import { retry } from '…'` to a user's file the way that file already writes imports:
// its quote style, its semicolons, its `.js` extension convention, or a tsconfig path alias.

export interface ImportConventions {
  readonly quote: "'" | '"';
  readonly semicolon: boolean;
  /** Relative imports end in `.js` (ESM with NodeNext resolution). */
  readonly jsExtension: boolean;
}

const IMPORT_STATEMENT = /^import\s[\s\S]*?from\s*(['"])([^'"\n]+)\1(;?)[ \t]*$|^import\s*(['"])([^'"\n]+)\4(;?)[ \t]*$/gm;

/**
 * The file's own conventions; with no relative import to learn from, `.js` follows
 * package.json `"type": "module"`.
 */
export function detectConventions(source: string, packageType?: string): ImportConventions {
  const imports = [...source.matchAll(IMPORT_STATEMENT)];
  const first = imports[0];
  const quote = ((first?.[1] ?? first?.[4]) as "'" | '"' | undefined) ?? (/(^|[^\\])"/.test(source) && !/'/.test(source) ? '"' : "'");
  const semicolon = first ? (first[3] || first[6]) === ';' : source.trim() === '' || /;[ \t]*$/m.test(source);
  const relative = imports.map((match) => match[2] ?? match[5] ?? '').filter((specifier) => specifier.startsWith('.'));
  const jsExtension = relative.length ? relative.some((specifier) => /\.(m?js)$/.test(specifier)) : packageType === 'module';
  return { quote, semicolon, jsExtension };
}

/** True when the file already imports `symbol` (named import), so nothing needs adding. */
export function importsSymbol(source: string, symbol: string): boolean {
  const named = new RegExp(`import\\s*(?:type\\s+)?\\{[^}]*\\b${symbol}\\b[^}]*\\}\\s*from`, 'm');
  const required = new RegExp(`const\\s*\\{[^}]*\\b${symbol}\\b[^}]*\\}\\s*=\\s*require\\(`, 'm');
  return named.test(source) || required.test(source);
}

/** Where a new import goes: after the last top-level import, else after a shebang/directives. */
export function importInsertionOffset(source: string): number {
  let offset = 0;
  for (const match of source.matchAll(IMPORT_STATEMENT)) offset = match.index + match[0].length + 1;
  if (offset > 0) return Math.min(offset, source.length);
  const preamble = /^(#![^\n]*\n)?((['"])use [a-z]+\3;?[ \t]*\n)*/.exec(source);
  return preamble?.[0].length ?? 0;
}

export function importStatement(symbol: string, specifier: string, conventions: ImportConventions): string {
  const q = conventions.quote;
  return `import { ${symbol} } from ${q}${specifier}${q}${conventions.semicolon ? ';' : ''}\n`;
}

function posixRelative(fromDir: string, to: string): string {
  const from = fromDir.split('/').filter(Boolean);
  const target = to.split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common]) common++;
  const up = from.slice(common).map(() => '..');
  const path = [...up, ...target.slice(common)].join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * The specifier for importing `targetFile` (a path ending in `.ts`) from `fromFile`, both
 * absolute with `/` separators.
 */
export function relativeSpecifier(fromFile: string, targetFile: string, conventions: ImportConventions): string {
  const fromDir = fromFile.split('/').slice(0, -1).join('/');
  const withoutExtension = posixRelative(fromDir, targetFile).replace(/\.ts$/, '');
  return conventions.jsExtension ? `${withoutExtension}.js` : withoutExtension;
}
