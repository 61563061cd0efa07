// Each inserted copy starts with one comment line naming the catalog file, version and content
// hash it came from. A line comment at the top survives formatters (prettier, dprint, eslint
// --fix) and import sorters, and is matched anywhere in the first lines in case a license
// banner is added above it.
import type { Catalog, CatalogFile, ReleasedFile } from './catalog';

export interface Provenance {
  readonly id: string;
  readonly version: string;
  readonly sha256: string;
}

const RECORD = /^\/\/ bulwark: (\S+)@(\S+) sha256:([0-9a-f]{16,64})\b.*$/;
const SEARCHED_LINES = 10;

export function provenanceLine(file: CatalogFile, version: string): string {
  return `// bulwark: ${file.id}@${version} sha256:${file.sha256.slice(0, 16)} (where this copy came from; keep it for \`bulwark update\`)`;
}

/** The file as inserted: its provenance line, then the runtime source byte for byte. */
export function withProvenance(file: CatalogFile, version: string, eol = '\n'): string {
  const body = eol === '\n' ? file.content : file.content.replace(/\n/g, eol);
  return `${provenanceLine(file, version)}${eol}${body}`;
}

export interface ParsedCopy {
  readonly provenance?: Provenance;
  /** The copy without its provenance line, line endings normalized to `\n`. */
  readonly body: string;
  readonly eol: '\n' | '\r\n';
  /** Line index of the provenance record (0 unless, say, a license banner was added above it). */
  readonly recordLine?: number;
}

export function parseCopy(text: string): ParsedCopy {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let index = 0; index < Math.min(lines.length, SEARCHED_LINES); index++) {
    const match = RECORD.exec(lines[index] ?? '');
    if (match) {
      const [, id = '', version = '', sha256 = ''] = match;
      lines.splice(index, 1);
      return { provenance: { id, version, sha256 }, body: lines.join('\n'), eol, recordLine: index };
    }
  }
  return { body: lines.join('\n'), eol };
}

const WORD = /[A-Za-z0-9_$]/;

/**
 * The code with formatting-only whitespace dropped: indentation, line breaks, spaces around
 * punctuation, and whitespace inside comments. Whitespace inside string and template literals is
 * kept (`join(' ')` → `join('')` is an edit, not formatting), and so is one space between two
 * words (`return x`). A literal delimiter inside a regex can confuse it; that only ever makes two
 * copies compare as different, which at worst turns a replace into a merge.
 */
function formattingFree(code: string): string {
  let out = '';
  let pendingSpace = false;
  const emit = (token: string) => {
    if (pendingSpace && WORD.test(out.at(-1) ?? '') && WORD.test(token[0] ?? '')) out += ' ';
    pendingSpace = false;
    out += token;
  };
  for (let index = 0; index < code.length;) {
    const char = code[index] ?? '';
    let end = index + 1;
    if (/\s/.test(char)) {
      pendingSpace = true;
      index++;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      while (end < code.length && code[end] !== char) end += code[end] === '\\' ? 2 : 1;
      emit(code.slice(index, end + 1));
      index = end + 1;
      continue;
    }
    if (char === '/' && (code[index + 1] === '/' || code[index + 1] === '*')) {
      const close = code[index + 1] === '/' ? code.indexOf('\n', index) : code.indexOf('*/', index + 2);
      end = close === -1 ? code.length : code[index + 1] === '/' ? close : close + 2;
      emit(code.slice(index, end).replace(/\s+/g, ''));
      pendingSpace = true;
      index = end;
      continue;
    }
    emit(char);
    index = end;
  }
  return out;
}

/**
 * Compares code ignoring formatting only, so a copy that was merely reformatted counts as
 * untouched, while any edit that can change behaviour (even whitespace inside a string) counts
 * as an edit and is merged, never replaced.
 */
export function sameCode(a: string, b: string): boolean {
  return a === b || formattingFree(a) === formattingFree(b);
}

/** The released content a copy came from: by its record's hash, else by identical content. */
export function baseOf(catalog: Catalog, copy: ParsedCopy, id: string): ReleasedFile | undefined {
  if (copy.provenance) {
    const prefix = copy.provenance.sha256;
    const byHash = Object.entries(catalog.history).find(([hash]) => hash.startsWith(prefix));
    if (byHash && byHash[1].id === copy.provenance.id) return byHash[1];
  }
  return Object.values(catalog.history).find((released) => released.id === id && sameCode(released.content, copy.body));
}
