// The linter's own thread. ESLint and the TypeScript parser take a few hundred ms per lint of a
// large file; on the extension host's thread, which every extension shares, that would stall
// completions and other extensions on each pause in typing. Bundled to dist/linter-worker.js.
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { requireWithCodeCache } from './code-cache';
import type * as LinterModule from './lint';
import type { LinterReply, LinterRequest, LinterWorkerData } from './worker-protocol';

// Loaded by path at run time, so esbuild does not bundle the 5 MB linter into this file a second time.
const { codeCacheDir } = (workerData ?? {}) as LinterWorkerData;
const loaded = requireWithCodeCache<typeof LinterModule>(path.join(__dirname, 'linter.js'), codeCacheDir);
const linter = loaded.exports;

const methods: { [M in LinterRequest['method']]: (...args: never[]) => unknown } = {
  lintText: linter.lintText,
  callAt: linter.callAt,
  fanOutAt: linter.fanOutAt,
  ruleDocs: linter.ruleDocs,
  warmUp: linter.warmUp,
  codeCacheState: () => loaded.state,
};

if (!parentPort) throw new Error('dist/linter-worker.js runs as a worker thread; require dist/linter.js instead');
const port = parentPort;
let cacheSaved = false;
port.on('message', ({ id, method, args }: LinterRequest) => {
  let reply: LinterReply;
  try {
    const run = methods[method] as ((...args: unknown[]) => unknown) | undefined;
    if (!run) throw new Error(`unknown linter method ${JSON.stringify(method)}`);
    reply = { id, value: run(...args) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
  // After the first lint (or the warm-up's) the functions a lint runs are compiled: caching them now spares the next
  // session's first lint their compilation. Done after replying, so no answer waits for it.
  if (!cacheSaved && (method === 'lintText' || method === 'warmUp') && reply.error === undefined) {
    cacheSaved = true;
    setImmediate(() => loaded.save());
  }
});
