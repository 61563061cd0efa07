// The `namePattern` option some rules take: a case-insensitive regular expression source.
const compiled = new Map<string, RegExp>();

/**
 * `source` compiled case-insensitively, once per pattern rather than once per file. An invalid
 * pattern throws an error naming the rule and the option, which ESLint shows as the config problem.
 */
export function compileNamePattern(rule: string, source: string): RegExp {
  const known = compiled.get(source);
  if (known) return known;
  try {
    const pattern = new RegExp(source, 'i');
    compiled.set(source, pattern);
    return pattern;
  } catch (error) {
    throw new Error(`bulwark/${rule}: option "namePattern" is not a valid regular expression (${source}): ${(error as Error).message}`);
  }
}
