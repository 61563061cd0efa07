/**
 * Whole-file text checks that let a rule return no listeners for a file that cannot hold
 * anything it reports, which is most files. A listener on a frequent node type (every
 * `CallExpression`) costs more in ESLint's dispatch alone than a scan of the file's text, so a
 * rule asks these first.
 *
 * Every check answers "may the file hold it", never "does it": a `false` must be proof. The names
 * a rule looks for reach the AST from the source text (identifiers, property keys, string
 * literals), so a name the text does not contain is a name no node carries. The one exception,
 * shared by every prefilter of the plugin, is a name spelled with escape sequences
 * (`set\u0049nterval`, `'\x6beys'`): it is not seen.
 */
import type { TSESLint } from '@typescript-eslint/utils';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Whether the file's text contains `word`. */
export function mentions(sourceCode: SourceCode, word: string): boolean {
  const { text } = sourceCode;
  const { probe, offset } = probeFor(word);
  if (probe === word) return text.includes(word);
  for (let at = text.indexOf(probe); at !== -1; at = text.indexOf(probe, at + 1)) {
    if (text.startsWith(word, at - offset)) return true;
  }
  return false;
}

/** Whether the file's text contains at least one of `words`. */
export function mentionsAny(sourceCode: SourceCode, words: Iterable<string>): boolean {
  for (const word of words) if (mentions(sourceCode, word)) return true;
  return false;
}

/**
 * What to search for to find `word` quickly: the part of it (at most 6 characters) that starts
 * at its rarest letter. V8 looks for a pattern under 7 characters by jumping from one occurrence
 * of its first character to the next, which is fastest when that character is rare; longer
 * patterns take a Boyer-Moore search that source text (short skips) makes slow. On the lint
 * corpus, `finall` then `finally` scans in half the time of `finally`, `Cluste` in a quarter of
 * `Cluster`'s.
 */
interface Probe {
  probe: string;
  /** Where `probe` starts in the word. */
  offset: number;
}

const MAX_PROBE_LENGTH = 6;
const MIN_PROBE_LENGTH = 4;
/** Lower-case letters from the most to the least frequent in the corpus's source text. */
const LETTERS_BY_FREQUENCY = 'etrnsaoilcudpfmhygbvwxkqjz';
/** Upper-case letters, digits, `_` and `$` are each about as rare as `v`. */
const OTHER_CHARACTER_RARITY = LETTERS_BY_FREQUENCY.indexOf('v');

const probes = new Map<string, Probe>();

function probeFor(word: string): Probe {
  let probe = probes.get(word);
  if (probe) return probe;
  let offset = 0;
  const lastStart = Math.max(0, word.length - MIN_PROBE_LENGTH);
  for (let index = 1; index <= lastStart; index += 1) {
    if (rarity(word[index]!) > rarity(word[offset]!)) offset = index;
  }
  probe = { probe: word.slice(offset, offset + MAX_PROBE_LENGTH), offset };
  probes.set(word, probe);
  return probe;
}

function rarity(character: string): number {
  const rank = LETTERS_BY_FREQUENCY.indexOf(character);
  return rank === -1 ? OTHER_CHARACTER_RARITY : rank;
}

/**
 * The words to look for so that any of `names` is found: a name that contains another one of
 * the list is found by the shorter one (`Pool` finds `createPool`), so it is not searched again.
 */
export function searchWords(names: Iterable<string>): string[] {
  const unique = [...new Set(names)].sort((a, b) => a.length - b.length);
  const words: string[] = [];
  for (const name of unique) if (!words.some((word) => name.includes(word))) words.push(name);
  return words;
}

/** A pattern made only of literal alternatives: `cache|memo|store`. */
const LITERAL_ALTERNATION = /^[\w$]+(?:\|[\w$]+)*$/;

/**
 * Whether some name in the file may match `namePattern` (a rule's case-insensitive name option).
 * When the pattern is a list of literal alternatives (every default is), a matching name
 * contains one of them, so the text does too; any other pattern (anchors, classes, look-arounds)
 * says nothing about the whole text, and the answer is `true`.
 */
export function mayMatchName(sourceCode: SourceCode, namePattern: RegExp): boolean {
  if (!LITERAL_ALTERNATION.test(namePattern.source)) return true;
  return namePattern.test(sourceCode.text);
}
