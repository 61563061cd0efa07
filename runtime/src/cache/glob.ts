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

/** Converts a Redis-style glob to an anchored RegExp, so MemoryStore matches exactly what Redis would. */
export function globToRegExp(glob: string): RegExp {
  const escape = (ch: string) => ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) source += escape(glob[++i]!);
    else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else if (ch === '[') {
      let j = i + 1;
      let set = '';
      if (glob[j] === '^') {
        set = '^';
        j++;
      }
      for (; j < glob.length && glob[j] !== ']'; j++) {
        const member = glob[j]!;
        if (member === '\\' && j + 1 < glob.length) set += escape(glob[++j]!);
        else if (member === '-' && set !== '' && set !== '^' && j + 1 < glob.length && glob[j + 1] !== ']') set += '-';
        else set += escape(member);
      }
      source += `[${set}]`;
      i = j; // Redis treats an unclosed class as running to the end of the pattern
    } else source += escape(ch);
  }
  return new RegExp(`^${source}$`);
}
