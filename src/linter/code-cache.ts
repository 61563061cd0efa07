// Loads dist/linter.js (5 MB: TypeScript's parser, ESLint, the rules) through V8's code cache.
// Compiling the bundle and, during the first lint, the functions it runs is most of the time until
// the first diagnostics; V8 can store that work (bytecode) and reuse it in the next session. The
// cache is written once a lint has run, so it holds the functions a lint needs, into a folder the
// caller owns (the extension's global storage). V8 checks the cache against the source and its own
// version and flags, and rejects a stale one; it is then rewritten.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** `hit`: compiled from the cache; `miss`: none yet; `rejected`: V8 refused a stale one; `off`: no folder given. */
export type CodeCacheState = 'hit' | 'miss' | 'rejected' | 'off';

export interface CachedModule<T> {
  readonly exports: T;
  readonly state: CodeCacheState;
  /** Writes the cache (bytecode of everything compiled so far) unless it was used as it is. */
  save(): void;
}

const PREFIX = 'linter-';

/** The cache file of this bundle under this V8: a rebuilt bundle or another VS Code gets its own. */
function cacheFile(file: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(file);
  const key = createHash('sha256').update(`${file}\0${size}\0${mtimeMs}\0${process.versions.v8}\0${process.arch}`).digest('hex').slice(0, 16);
  return path.join(cacheDir, `${PREFIX}${key}.v8-cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Requires the CommonJS `file`, compiled with the code cache in `cacheDir` when one is given. */
export function requireWithCodeCache<T>(file: string, cacheDir: string | undefined): CachedModule<T> {
  const target = cacheDir === undefined ? undefined : cacheFile(file, cacheDir);
  const cachedData = target === undefined ? undefined : readCache(target);
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const state: CodeCacheState = target === undefined ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports,
    state,
    save() {
      if (target === undefined || state === 'hit') return;
      try {
        mkdirSync(path.dirname(target), { recursive: true });
        // Another window may write the same cache at once: each writes its own file, then renames.
        const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, target);
        for (const name of readdirSync(path.dirname(target))) {
          const other = path.join(path.dirname(target), name);
          if (name.startsWith(PREFIX) && name.endsWith('.v8-cache') && other !== target) rmSync(other, { force: true });
        }
      } catch {
        // A cache that cannot be written costs the next session its speed-up, nothing else.
      }
    },
  };
}
