// How the user's code imports pattern files: one concept, "import style", read by the CLI
// (`bulwark init` finds it, `bulwark add` shows it) and by the extension's quick fixes, from the
// same places: the VS Code setting `bulwark.importStyle` when set, else bulwark.json
// `importStyle`, else relative. A style other than `relative` is a tsconfig `paths` prefix such
// as `@/` (for `"@/*": ["src/*"]`); a file no such path reaches is imported relatively.
import { posix } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';

export const RELATIVE_IMPORTS = 'relative';

interface TsconfigPaths {
  /** Folder the `paths` targets are relative to, relative to the project root. */
  readonly base: string;
  readonly paths: Readonly<Record<string, readonly string[]>>;
}

/** The `paths` of a tsconfig (JSONC) at the project root; undefined when it has none or is unreadable. */
export function tsconfigPaths(tsconfigText: string | undefined): TsconfigPaths | undefined {
  if (tsconfigText === undefined) return undefined;
  const config = parseJsonc(tsconfigText) as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  const paths = config?.compilerOptions?.paths;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) return undefined;
  const baseUrl = typeof config?.compilerOptions?.baseUrl === 'string' ? config.compilerOptions.baseUrl : '.';
  const clean = Object.fromEntries(
    Object.entries(paths as Record<string, unknown>).map(([key, targets]) => [
      key,
      Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : [],
    ]),
  );
  return { base: posix.normalize(baseUrl), paths: clean };
}

function inside(folder: string, path: string): string | undefined {
  const relative = posix.relative(posix.normalize(folder), posix.normalize(path));
  return relative.startsWith('..') || posix.isAbsolute(relative) ? undefined : relative;
}

/**
 * The style `bulwark init` suggests: the prefix of the first `paths` entry (`"@/*": ["./src/*"]`
 * → `@/`) whose folder holds the patterns folder. Paths are relative to the project root.
 */
export function aliasStyleFor(tsconfigText: string | undefined, patternsDir: string): string | undefined {
  const config = tsconfigPaths(tsconfigText);
  if (!config) return undefined;
  for (const [key, targets] of Object.entries(config.paths)) {
    if (!key.endsWith('*')) continue;
    for (const target of targets) {
      if (!target.endsWith('*')) continue;
      if (inside(posix.join(config.base, target.slice(0, -1)), patternsDir) !== undefined) return key.slice(0, -1);
    }
  }
  return undefined;
}

/**
 * The alias specifier for `targetFile` (relative to the project root, ending in `.ts`) under
 * `style`; undefined when the style is relative or its `paths` entry does not reach the file.
 */
export function aliasSpecifier(tsconfigText: string | undefined, style: string, targetFile: string): string | undefined {
  if (style === RELATIVE_IMPORTS || !style.trim()) return undefined;
  const config = tsconfigPaths(tsconfigText);
  for (const target of config?.paths[`${style}*`] ?? []) {
    if (!target.endsWith('*') || !config) continue;
    const rest = inside(posix.join(config.base, target.slice(0, -1)), targetFile);
    if (rest) return `${style}${rest.replace(/\.ts$/, '')}`;
  }
  return undefined;
}
