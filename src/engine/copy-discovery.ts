// Which files of a patterns folder may be copies: TypeScript sources (.ts, .tsx, .mts, .cts, not
// declaration files), outside dependency, build-output and dot folders. One rule for the CLI and
// the extension, so both find the same copies; a copy is then recognized by its provenance line
// or Bulwark header (copy-targets.ts), wherever it was moved or renamed to.
import { posix } from 'node:path';
import type { FoundCopy } from './copy-targets';
import type { ProjectFs } from './ports';

export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);

export function isSourceFileName(name: string): boolean {
  return /\.(ts|tsx|mts|cts)$/.test(name) && !/\.d\.(ts|mts|cts)$/.test(name);
}

export function isSearchedFolder(name: string): boolean {
  return !name.startsWith('.') && !SKIPPED_FOLDERS.has(name);
}

/** Every candidate file under `patternsDir` (relative to the project root), with paths relative to it. */
export async function readPatternsFolder(fs: ProjectFs, patternsDir: string, below = ''): Promise<FoundCopy[]> {
  const entries = await fs.list(below ? posix.join(patternsDir, below) : patternsDir);
  const found = await Promise.all(
    entries.map(async (entry): Promise<FoundCopy[]> => {
      const path = below ? `${below}/${entry.name}` : entry.name;
      if (entry.kind === 'folder') return isSearchedFolder(entry.name) ? readPatternsFolder(fs, patternsDir, path) : [];
      if (!isSourceFileName(entry.name)) return [];
      const text = await fs.readText(posix.join(patternsDir, path));
      return text === undefined ? [] : [{ path, text }];
    }),
  );
  return found.flat().sort((a, b) => a.path.localeCompare(b.path));
}
