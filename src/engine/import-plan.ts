// The import a quick fix adds for a pattern symbol, planned as a pure function of the document's
// text and the project's facts: under which local name (a free one when the file already uses
// the symbol's name for anything), from which specifier (extension from the file's own kind and
// the tsconfig's module resolution), where (after the preamble and the existing imports), in which
// style (quotes, semicolons, line endings), or not at all (an import of the pattern to reuse; a
// file kind the inserted TypeScript pattern cannot serve).
import { aliasSpecifier } from './import-style';
import { freeName, importStatement, moduleFacts, relativeSpecifier, resolveRelative, type ModuleFacts } from './imports';
import { ScanError } from './js-scan';

/** The compiler options that decide import specifiers, after following `extends`. */
export interface ModuleOptions {
  readonly module?: string;
  readonly moduleResolution?: string;
  readonly allowImportingTsExtensions?: boolean;
}

export interface ImportFacts {
  /** The document the symbol is used in. */
  readonly documentText: string;
  /** Its path relative to the project root, `/`-separated. */
  readonly documentPath: string;
  readonly symbol: string;
  /** The pattern file that exports it, relative to the project root (ends in `.ts`). */
  readonly targetFile: string;
  /** package.json `type`: decides whether a `.ts` file is ESM. */
  readonly packageType?: string;
  /** `relative` or a tsconfig paths prefix (see import-style.ts). */
  readonly importStyle: string;
  readonly tsconfigText?: string;
  /** The tsconfig's effective module options (engine/tsconfig.ts); none without a tsconfig. */
  readonly moduleOptions?: ModuleOptions;
}

export interface TextInsertion {
  readonly offset: number;
  readonly text: string;
}

export type ImportPlan =
  | {
      readonly kind: 'import';
      /** How the code refers to the symbol: its name, a free alias, or `ns.symbol` through an existing namespace import. */
      readonly local: string;
      /** The import to insert; undefined when the document already imports the symbol from the pattern. */
      readonly insertion?: TextInsertion;
      readonly facts: ModuleFacts;
    }
  | { readonly kind: 'declined'; readonly reason: string };

const JAVASCRIPT = /\.(js|mjs|cjs|jsx)$/;

/**
 * Whether a quick fix that imports a pattern may be offered in this file. Patterns are TypeScript
 * files: a JavaScript file run by plain `node` cannot import them (ERR_MODULE_NOT_FOUND), so
 * JavaScript files get only the fixes that need no pattern file.
 */
export function patternImportsSupported(documentPath: string): boolean {
  return !JAVASCRIPT.test(documentPath);
}

function effectiveResolution(options: ModuleOptions | undefined): string | undefined {
  const resolution = options?.moduleResolution?.toLowerCase();
  if (resolution) return resolution;
  const module = options?.module?.toLowerCase();
  if (module && /^node(16|18|20|next)$/.test(module)) return module;
  if (module === 'preserve') return 'bundler';
  return undefined;
}

/** Whether the document is an ECMAScript module when Node runs it (its extension, else package.json `type`). */
function isEsm(documentPath: string, packageType: string | undefined): boolean {
  if (/\.m[jt]s$/.test(documentPath)) return true;
  if (/\.c[jt]s$/.test(documentPath)) return false;
  return packageType === 'module';
}

/**
 * The extension relative and alias specifiers get: `.js` where Node's resolution needs it
 * (node16/nodenext, ESM files under Node) or the file already writes it, `.ts` where the file
 * imports `.ts` with allowImportingTsExtensions, else none.
 */
export function specifierExtension(
  documentPath: string,
  facts: ModuleFacts,
  options: ModuleOptions | undefined,
  packageType: string | undefined,
): '' | '.js' | '.ts' {
  const relative = facts.imports.map((declaration) => declaration.specifier).filter((specifier) => specifier.startsWith('.'));
  if (options?.allowImportingTsExtensions && relative.some((specifier) => /\.[mc]?ts$/.test(specifier))) return '.ts';
  const resolution = effectiveResolution(options);
  const nodeResolution = resolution === 'node16' || resolution === 'node18' || resolution === 'node20' || resolution === 'nodenext';
  // Under node16/nodenext an ESM file must write extensions (TS2835); `.js` is right in CommonJS files too.
  if (nodeResolution) return '.js';
  // An .mts file is ESM wherever it runs; `.js` resolves under a bundler's resolution too.
  if (/\.m[jt]s$/.test(documentPath)) return '.js';
  if (relative.some((specifier) => /\.[mc]?js$/.test(specifier))) return '.js';
  if (relative.length) return '';
  if (resolution === 'bundler') return '';
  // No tsconfig resolution to go by: Node itself runs ESM files, and Node needs the extension.
  return isEsm(documentPath, packageType) ? '.js' : '';
}

const LAST_IMPORT = /^import\s[^;]*?from\s*(['"])[^'"\n]*\1[^\n]*\n?|^import\s*(['"])[^'"\n]*\2[^\n]*\n?/gm;
const PREAMBLE = /^\uFEFF?(#![^\n]*\n)?(\s*(\/\/[^\n]*|\/\*[\s\S]*?\*\/|(['"])use [^'"\n]*\4;?))*[ \t]*\r?\n?/;

/** The part of a JSX file up to the end of its last import line, or its preamble when it has none. */
function headOf(text: string): string {
  let end = -1;
  for (const match of text.matchAll(LAST_IMPORT)) end = match.index + match[0].length;
  return text.slice(0, end >= 0 ? end : (PREAMBLE.exec(text)?.[0].length ?? 0));
}

function withoutExtension(path: string): string {
  return path.replace(/\.([mc]?[jt]s|tsx|jsx)$/, '');
}

/** The import (or the existing one to reuse) that makes `symbol` of `targetFile` usable in the document. */
export function planPatternImport(input: ImportFacts): ImportPlan {
  if (!patternImportsSupported(input.documentPath)) {
    return { kind: 'declined', reason: 'this is a JavaScript file, and Bulwark patterns are TypeScript files it cannot import.' };
  }
  const jsx = /x$/.test(input.documentPath);
  let facts: ModuleFacts;
  try {
    facts = moduleFacts(input.documentText);
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    // The scanner does not know JSX text (`<p>Don't</p>`): in a .tsx file, read the head alone
    // (the imports, or the directives and comments above the code), where JSX does not go.
    const head = jsx ? headOf(input.documentText) : undefined;
    try {
      if (head === undefined) throw error;
      facts = moduleFacts(head);
    } catch (headError) {
      if (!(headError instanceof ScanError)) throw headError;
      return { kind: 'declined', reason: `this file could not be read for its imports (${error.message}).` };
    }
  }
  const alias = aliasSpecifier(input.tsconfigText, input.importStyle, input.targetFile);
  const target = withoutExtension(input.targetFile);
  const pointsAtPattern = (specifier: string) =>
    specifier.startsWith('.')
      ? withoutExtension(resolveRelative(input.documentPath, specifier)) === target
      : alias !== undefined && withoutExtension(specifier) === alias;

  for (const declaration of facts.imports) {
    if (declaration.typeOnly || !pointsAtPattern(declaration.specifier)) continue;
    const named = declaration.bindings.find((binding) => binding.imported === input.symbol && !binding.typeOnly);
    if (named) return { kind: 'import', local: named.local, facts };
    const namespace = declaration.bindings.find((binding) => binding.imported === '*' && !binding.typeOnly);
    if (namespace) return { kind: 'import', local: `${namespace.local}.${input.symbol}`, facts };
  }

  const extension = specifierExtension(input.documentPath, facts, input.moduleOptions, input.packageType);
  const specifier = `${alias ?? relativeSpecifier(input.documentPath, input.targetFile)}${extension}`;
  // The scanner does not know JSX: in a .tsx file every word of the text counts as a name in use.
  const used = jsx ? new Set([...facts.names, ...(input.documentText.match(/[A-Za-z_$][\w$]*/g) ?? [])]) : facts.names;
  const local = freeName(input.symbol, used);
  let text = importStatement(input.symbol, local, specifier, facts);
  if (!facts.atLineStart) text = `${facts.eol}${text}`;
  // A first import gets a blank line between it and the code below.
  const rest = input.documentText.slice(facts.insertionOffset);
  if (facts.imports.length === 0 && rest.trim() !== '' && !/^[ \t]*\r?\n/.test(rest)) text += facts.eol;
  return { kind: 'import', local, insertion: { offset: facts.insertionOffset, text }, facts: { ...facts, names: used } };
}
