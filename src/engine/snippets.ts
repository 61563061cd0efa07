// VS Code snippets generated from the runtime: whole-file snippets from catalog files, and
// usage snippets from marked regions of the tested examples in runtime/usage/*.ts.
//
// Usage markers (in comments, so the example stays compilable and its defaults ARE the code):
//   // @snippet <prefix> <description>   …   // @end        the region that becomes the body
//   /*${N}*/default/*$*/        tab stop N with default text
//   /*${N|a,b,c}*/a/*$*/        choice N; the default must be the first choice
//   /*$0*/                      final cursor
import type { CatalogFile } from './catalog';

export interface VsCodeSnippet {
  readonly prefix: string;
  readonly description: string;
  readonly body: string[];
  readonly isFileTemplate?: boolean;
}

export interface UsageSnippet {
  readonly prefix: string;
  readonly description: string;
  /** Snippet syntax. */
  readonly body: string;
  /** The region's code with markers removed: what the snippet expands to with its defaults. */
  readonly code: string;
  /** Where it came from, for error messages and tests. */
  readonly source: string;
}

export class SnippetSourceError extends Error {
  override readonly name = 'SnippetSourceError';
}

/** Escapes text so a snippet expands to it literally. */
export function escapeSnippetText(text: string): string {
  return text.replace(/[\\$}]/g, (char) => `\\${char}`);
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, (char) => `\\${char}`);
}

export function toBodyLines(text: string): string[] {
  return text.split('\n');
}

export function wholeFilePrefix(file: CatalogFile): string {
  return `bulwark-${file.id.replace(/\//g, '-')}`;
}

export function wholeFileSnippet(file: CatalogFile): VsCodeSnippet {
  return {
    prefix: wholeFilePrefix(file),
    description: `Bulwark ${file.id}: ${file.summary}`,
    body: toBodyLines(escapeSnippetText(file.content)),
    isFileTemplate: true,
  };
}

const MARKER = /\/\*\$\{(\d+)(?:\|([^}]*))?\}\*\/([\s\S]*?)\/\*\$\*\/|\/\*\$0\*\//g;

function dedent(lines: string[]): string[] {
  const indents = lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(cut));
}

function convertLine(line: string, where: string): { body: string; code: string } {
  let body = '';
  let code = '';
  let last = 0;
  for (const match of line.matchAll(MARKER)) {
    const literal = line.slice(last, match.index);
    body += escapeSnippetText(literal);
    code += literal;
    last = match.index + match[0].length;
    if (match[0] === '/*$0*/') {
      body += '$0';
      continue;
    }
    const [, stop = '', choices, value = ''] = match;
    if (value.includes('/*$')) throw new SnippetSourceError(`${where}: nested snippet markers are not supported`);
    if (choices !== undefined) {
      const options = choices.split(',');
      if (options[0] !== value) {
        throw new SnippetSourceError(`${where}: choice \${${stop}|${choices}} must have its first option "${options[0]}" as the code, found "${value}"`);
      }
      body += `\${${stop}|${options.map(escapeChoice).join(',')}|}`;
    } else {
      body += `\${${stop}:${escapeSnippetText(value)}}`;
    }
    code += value;
  }
  const rest = line.slice(last);
  if (/\/\*\$/.test(rest)) throw new SnippetSourceError(`${where}: unterminated snippet marker in "${line.trim()}"`);
  body += escapeSnippetText(rest);
  code += rest;
  return { body, code };
}

/** Extracts the marked usage snippets of one example file. */
export function usageSnippets(source: string, file: string): UsageSnippet[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const found: UsageSnippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const start = /^\s*\/\/ @snippet (bw-[a-z0-9-]+) (.+)$/.exec(lines[index] ?? '');
    if (!start) continue;
    const [, prefix = '', description = ''] = start;
    const end = lines.findIndex((line, at) => at > index && /^\s*\/\/ @end\s*$/.test(line));
    if (end === -1) throw new SnippetSourceError(`${file}:${index + 1}: "@snippet ${prefix}" has no "// @end"`);
    const region = dedent(lines.slice(index + 1, end));
    const converted = region.map((line, offset) => convertLine(line, `${file}:${index + 2 + offset}`));
    found.push({
      prefix,
      description: description.trim(),
      body: converted.map((line) => line.body).join('\n'),
      code: converted.map((line) => line.code).join('\n'),
      source: `${file}:${index + 1}`,
    });
    index = end;
  }
  return found;
}

/**
 * Expands a snippet the way VS Code does with every placeholder left at its default
 * (first choice, empty final cursor). Covers the syntax this module generates.
 */
export function expandWithDefaults(body: string): string {
  let out = '';
  let index = 0;
  const readUntilClose = (): string => {
    // Reads a placeholder's default up to its matching unescaped `}`, expanding nested ones.
    let text = '';
    while (index < body.length) {
      const char = body[index] ?? '';
      if (char === '\\' && index + 1 < body.length && '\\$}'.includes(body[index + 1] ?? '')) {
        text += body[index + 1];
        index += 2;
      } else if (char === '}') {
        index++;
        return text;
      } else if (char === '$') {
        text += readVariable();
      } else {
        text += char;
        index++;
      }
    }
    throw new Error('unterminated placeholder');
  };
  const readVariable = (): string => {
    index++; // `$`
    const digits = /^\d+/.exec(body.slice(index));
    if (digits) {
      index += digits[0].length;
      return '';
    }
    if (body[index] !== '{') return '$';
    index++;
    const head = /^(\d+)([:|]?)/.exec(body.slice(index));
    if (!head) throw new Error(`unsupported snippet syntax at ${index}`);
    index += head[0].length;
    if (head[2] === ':') return readUntilClose();
    if (head[2] === '|') {
      const close = body.indexOf('|}', index);
      const options = body
        .slice(index, close)
        .split(/(?<!\\),/)
        .map((option) => option.replace(/\\(.)/g, '$1'));
      index = close + 2;
      return options[0] ?? '';
    }
    index++; // `}` of `${1}`
    return '';
  };
  while (index < body.length) {
    const char = body[index] ?? '';
    if (char === '\\' && index + 1 < body.length && '\\$}'.includes(body[index + 1] ?? '')) {
      out += body[index + 1];
      index += 2;
    } else if (char === '$') {
      out += readVariable();
    } else {
      out += char;
      index++;
    }
  }
  return out;
}
