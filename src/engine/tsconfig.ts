// The module options of a project's tsconfig.json as TypeScript sees them: `extends` followed
// (a relative file, a package's tsconfig, or an array of them; later entries and the file itself
// win), so a `moduleResolution: nodenext` inherited from `@tsconfig/node20` counts.
import { posix } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import type { ModuleOptions } from './import-plan';
import type { ProjectFs } from './ports';

interface RawConfig {
  extends?: unknown;
  compilerOptions?: { module?: unknown; moduleResolution?: unknown; allowImportingTsExtensions?: unknown };
}

const MAX_DEPTH = 10;

function extendsPaths(from: string, value: unknown): string[] {
  const entries = Array.isArray(value) ? value : [value];
  return entries
    .filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '')
    .map((entry) => {
      if (entry.startsWith('.') || entry.startsWith('/')) {
        const path = posix.normalize(posix.join(posix.dirname(from), entry));
        return path.endsWith('.json') ? path : `${path}.json`;
      }
      // A package: its tsconfig.json, or the file it names.
      return entry.endsWith('.json') ? `node_modules/${entry}` : `node_modules/${entry}/tsconfig.json`;
    });
}

function own(config: RawConfig): ModuleOptions {
  const options = config.compilerOptions ?? {};
  return {
    ...(typeof options.module === 'string' ? { module: options.module } : {}),
    ...(typeof options.moduleResolution === 'string' ? { moduleResolution: options.moduleResolution } : {}),
    ...(typeof options.allowImportingTsExtensions === 'boolean' ? { allowImportingTsExtensions: options.allowImportingTsExtensions } : {}),
  };
}

/** Effective module options of `path` (relative to the project root); undefined when it does not exist. */
export async function moduleOptions(fs: ProjectFs, path = 'tsconfig.json', depth = 0): Promise<ModuleOptions | undefined> {
  const text = await fs.readText(path);
  if (text === undefined || depth > MAX_DEPTH) return undefined;
  const config = (parseJsonc(text) ?? {}) as RawConfig;
  let merged: ModuleOptions = {};
  for (const base of extendsPaths(path, config.extends)) merged = { ...merged, ...((await moduleOptions(fs, base, depth + 1)) ?? {}) };
  const mine = own(config);
  return { ...merged, ...mine };
}
