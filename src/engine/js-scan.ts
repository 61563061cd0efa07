// A small JavaScript/TypeScript token scanner: enough to find statements and matching brackets
// in a config file without bundling a parser into the extension's main file (a real parser is
// several megabytes; the edits made from these tokens are re-parsed by one before anyone writes).
// Strings, template literals, comments and regular expressions are skipped as single tokens, so
// brackets inside them never count.

export type TokenKind = 'name' | 'string' | 'template' | 'number' | 'regex' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** Source text; for strings, the raw literal with its quotes. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Bracket depth the token sits at; an opening or closing bracket has the depth outside it. */
  readonly depth: number;
  /** For an opening bracket, the index of its closing token (and the reverse). */
  match?: number;
}

export interface Scan {
  readonly tokens: Token[];
  /** [start, end) of every comment, for callers that must not insert inside one. */
  readonly comments: Array<readonly [number, number]>;
}

export class ScanError extends Error {
  override readonly name = 'ScanError';
}

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);
/** After these words a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const OPERATOR = /[=+\-*%&|^!<>?~:]/;
const NAME_START = /[A-Za-z_$#@\u0080-\uffff]/;
const NAME_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function regexAllowed(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === 'name') return REGEX_AFTER_WORDS.has(previous.text);
  if (previous.kind === 'punct') return previous.text !== ')' && previous.text !== ']';
  return false;
}

/** Tokenizes `text`; throws a ScanError on unterminated literals, comments or unbalanced brackets. */
export function scan(text: string): Scan {
  const tokens: Token[] = [];
  const comments: Array<readonly [number, number]> = [];
  // Open bracket token indexes; -1 marks a template literal's `${`, closed by `}`.
  const open: number[] = [];
  const fail = (message: string, at: number): never => {
    throw new ScanError(`${message} at ${lineAndColumn(text, at)}`);
  };
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: text.slice(start, end), start, end, depth: open.length });
  };

  /** Reads template text from `from` up to its closing backtick or a `${`; returns where it stopped. */
  const templateChunk = (from: number, templateStart: number): number => {
    let i = from;
    for (;;) {
      if (i >= text.length) fail('unterminated template literal', templateStart);
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '`') return i + 1;
      else if (c === '$' && text[i + 1] === '{') {
        open.push(-1);
        return i + 2;
      } else i += 1;
    }
  };

  let i = text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      comments.push([i, stop]);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) fail('unterminated comment', i);
      comments.push([i, end + 2]);
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\n') fail('unterminated string', i);
        j += text[j] === '\\' ? 2 : 1;
      }
      if (j >= text.length) fail('unterminated string', i);
      push('string', i, j + 1);
      i = j + 1;
    } else if (c === '`') {
      const end = templateChunk(i + 1, i);
      push('template', i, end);
      i = end;
    } else if (c === '/' && regexAllowed(tokens.at(-1))) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && (inClass || text[j] !== '/')) {
        if (text[j] === '\n') fail('unterminated regular expression', i);
        if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j += text[j] === '\\' ? 2 : 1;
      }
      if (j >= text.length) fail('unterminated regular expression', i);
      j += 1;
      while (j < text.length && NAME_PART.test(text[j] as string)) j += 1;
      push('regex', i, j);
      i = j;
    } else if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < text.length && NAME_PART.test(text[j] as string)) j += 1;
      push('name', i, j);
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j] as string)) j += 1;
      push('number', i, j);
      i = j;
    } else if (c in OPENERS) {
      push('punct', i, i + 1);
      open.push(tokens.length - 1);
      i += 1;
    } else if (CLOSERS.has(c)) {
      const opener = open.pop();
      if (opener === undefined) fail(`unexpected "${c}"`, i);
      if (opener === -1) {
        if (c !== '}') fail(`unexpected "${c}" inside a template literal`, i);
        // Back in the template literal: its remaining text becomes one more template token.
        const end = templateChunk(i + 1, i);
        push('template', i, end);
        i = end;
        continue;
      }
      const openToken = tokens[opener as number] as Token;
      if (OPENERS[openToken.text] !== c) fail(`"${c}" does not close the "${openToken.text}" at ${lineAndColumn(text, openToken.start)}`, i);
      push('punct', i, i + 1);
      openToken.match = tokens.length - 1;
      (tokens.at(-1) as Token).match = opener;
      i += 1;
    } else if (OPERATOR.test(c)) {
      let j = i + 1;
      while (j < text.length && OPERATOR.test(text[j] as string)) j += 1;
      push('punct', i, j);
      i = j;
    } else {
      push('punct', i, i + 1);
      i += 1;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined)
    fail(
      unclosed === -1 ? 'unterminated template literal' : `unclosed "${tokens[unclosed]?.text}"`,
      unclosed === -1 ? text.length : (tokens[unclosed] as Token).start,
    );
  return { tokens, comments };
}

/** The value of a string token (quotes removed; escapes other than quotes are kept as written). */
export function stringValue(token: Token): string {
  return token.text.slice(1, -1).replace(/\\(['"\\])/g, '$1');
}
