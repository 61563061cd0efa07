/**
 * Bulwark pattern: cache/glob
 * Redis-style glob helpers: escaping a literal for a pattern, and matching keys in memory exactly as Redis would.
 *
 * Patterns used: none
 * Packages used: none
 */

/** Escapes a literal for use inside a Redis glob pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\^]/g, '\\$&');
}

/**
 * A test for keys that agrees with Redis's MATCH and KEYS on every pattern, odd ones included (`[z-a]`,
 * `[a-]`, an unclosed `[`): it runs Redis's own algorithm (stringmatchlen in util.c) on the UTF-8 bytes
 * Redis sees, so `?` is one byte, not one UTF-16 unit.
 */
export function globMatcher(glob: string): (key: string) => boolean {
  const pattern = bytesOf(glob);
  return (key) => matchAt(pattern, 0, bytesOf(key), 0, { giveUp: false }, 0);
}

const utf8 = new TextEncoder();
// Redis compares C chars, signed on the x86 and x86-64 builds it is tested on: only a range bounded by
// a non-ASCII byte, such as `[a-é]`, can tell, and it then covers what Redis's range covers.
const bytesOf = (text: string) => new Int8Array(utf8.encode(text).buffer);

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;
// Redis gives up on a pattern nested this deep in stars (no match), which also bounds the recursion here.
const MAX_NESTING = 1_000;

/**
 * Redis's stringmatchlen from pattern byte `p` and key byte `k` on. `search.giveUp` is set once the rest of
 * the pattern after a star matched nowhere in the rest of the key: no earlier star can then do better.
 */
function matchAt(pattern: Int8Array, p: number, key: Int8Array, k: number, search: { giveUp: boolean }, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  while (p < pattern.length && k < key.length) {
    switch (pattern[p]) {
      case STAR:
        while (pattern[p + 1] === STAR) p++;
        if (p + 1 === pattern.length) return true;
        for (; k < key.length; k++) {
          if (matchAt(pattern, p + 1, key, k, search, nesting + 1)) return true;
          if (search.giveUp) return false;
        }
        search.giveUp = true;
        return false;
      case QUESTION:
        k++;
        break;
      case OPEN: {
        p++;
        const negated = pattern[p] === CARET;
        if (negated) p++;
        let member = false;
        for (; ; p++) {
          if (pattern[p] === BACKSLASH && p + 1 < pattern.length) {
            p++;
            if (pattern[p] === key[k]) member = true;
          } else if (pattern[p] === CLOSE) break;
          else if (p === pattern.length) {
            p--; // an unclosed class ends with the pattern
            break;
          } else if (p + 2 < pattern.length && pattern[p + 1] === DASH) {
            // Redis takes any "x-y" as a range, `]` included as its end, and either way round.
            const low = Math.min(pattern[p]!, pattern[p + 2]!);
            const high = Math.max(pattern[p]!, pattern[p + 2]!);
            if (key[k]! >= low && key[k]! <= high) member = true;
            p += 2;
          } else if (pattern[p] === key[k]) member = true;
        }
        if (member === negated) return false;
        k++;
        break;
      }
      case BACKSLASH:
        if (p + 1 < pattern.length) p++;
      // falls through: the escaped byte (or a trailing backslash) is matched literally
      default:
        if (pattern[p] !== key[k]) return false;
        k++;
    }
    p++;
    if (k === key.length) {
      while (pattern[p] === STAR) p++;
      break;
    }
  }
  return p === pattern.length && k === key.length;
}
