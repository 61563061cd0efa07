// The linter's own thread. ESLint and the TypeScript parser take a few hundred ms per lint of a
// large file; on the extension host's thread, which every extension shares, that would stall
// completions and other extensions on each pause in typing. Bundled to dist/linter-worker.js.
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type * as LinterModule from './lint';
import type { LinterReply, LinterRequest } from './worker-protocol';

// A computed path keeps esbuild from bundling the 5 MB linter into this file a second time; it
// has to be a plain require() for that (an import is resolved at bundle time).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const linter = require(path.join(__dirname, 'linter.js')) as typeof LinterModule;

const methods: { [M in LinterRequest['method']]: (...args: never[]) => unknown } = {
  lintText: linter.lintText,
  callAt: linter.callAt,
  fanOutAt: linter.fanOutAt,
  ruleDocs: linter.ruleDocs,
};

if (!parentPort) throw new Error('dist/linter-worker.js runs as a worker thread; require dist/linter.js instead');
const port = parentPort;
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
});
