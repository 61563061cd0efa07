// Messages between the extension host thread (LinterClient) and the linter thread (worker.ts).
import type { CodeCacheState } from './code-cache';
import type { callAt, fanOutAt, lintText, ruleDocs, warmUp } from './lint';

interface Methods {
  lintText: typeof lintText;
  callAt: typeof callAt;
  fanOutAt: typeof fanOutAt;
  ruleDocs: typeof ruleDocs;
  warmUp: typeof warmUp;
  /** How the thread compiled dist/linter.js (code-cache.ts): for tests and the benchmark. */
  codeCacheState: () => CodeCacheState;
}

/** What the thread is started with. */
export interface LinterWorkerData {
  /** Folder for V8's code cache of dist/linter.js (the extension's global storage); none: no cache. */
  readonly codeCacheDir?: string;
}

export type LinterMethod = keyof Methods;
export type LinterArgs<M extends LinterMethod> = Parameters<Methods[M]>;
export type LinterResult<M extends LinterMethod> = ReturnType<Methods[M]>;

export type LinterRequest = { [M in LinterMethod]: { readonly id: number; readonly method: M; readonly args: LinterArgs<M> } }[LinterMethod];

/** `error` is the thrown error's stack (errors do not survive the thread boundary as instances). */
export type LinterReply = { readonly id: number; readonly value?: unknown; readonly error?: string };
