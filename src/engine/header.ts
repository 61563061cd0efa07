// Parses the header every runtime file opens with; the catalog is built from these headers,
// and a test checks each header against the file's real imports.

export interface PackageNeed {
  readonly name: string;
  /** Needed only at compile time (type packages), installed with `-D`. */
  readonly dev: boolean;
}

export interface PatternHeader {
  /** Path under `runtime/src/` without `.ts`, e.g. `cache/redis`. */
  readonly id: string;
  readonly summary: string;
  readonly patterns: readonly string[];
  readonly packages: readonly PackageNeed[];
}

const HEADER = /^\/\*\*\n \* Bulwark pattern: (\S+)\n \* (.+)\n \*\n \* Patterns used: (.+)\n \* Packages used: (.+)\n \*\//;

export class HeaderError extends Error {
  override readonly name = 'HeaderError';
}

function list(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed === 'none') return [];
  return trimmed
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function parseHeader(source: string, file: string): PatternHeader {
  const match = HEADER.exec(source.replace(/\r\n/g, '\n'));
  if (!match) {
    throw new HeaderError(
      `${file}: missing or malformed Bulwark header (expected "/**\\n * Bulwark pattern: <id>\\n * <summary>\\n *\\n * Patterns used: …\\n * Packages used: …\\n */")`,
    );
  }
  const [, id = '', summary = '', patterns = '', packages = ''] = match;
  return {
    id,
    summary: summary.trim(),
    patterns: list(patterns),
    packages: list(packages).map((entry) => {
      const dev = /\s*\(dev\)$/.test(entry);
      return { name: entry.replace(/\s*\(dev\)$/, ''), dev };
    }),
  };
}

/** Import specifiers of a TypeScript module (static imports and re-exports, type-only included). */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  const pattern = /^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier) found.add(specifier);
  }
  return [...found];
}

/** The npm package an import specifier resolves to (`@scope/name/sub` → `@scope/name`). */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
