// One fresh process's view of the in-editor linter (dist/linter.js), in plain Node: its load
// time, the first lint of the sample after loading, re-lints after small edits (as the extension's
// diagnostics lint: default rule set, bulwark/* messages only), and the pure
// parts of the code-action provider; then the same lints as the extension runs them, on the linter
// thread (dist/linter-worker.js through LinterClient): the time until the answer arrives, and the
// time the calling thread (the extension host's, in VS Code) was busy meanwhile. Prints one JSON
// object. Run by ../bench-extension.mjs with tsx (LinterClient is TypeScript).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinterClient } from '../../src/linter/worker-client.ts';
import { sampleSource } from './sample.mjs';
import { median } from './median.cjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILE_NAME = path.join(REPO_ROOT, 'src', 'bench-sample.ts');
const EDITS = Number(process.env.BULWARK_BENCH_EDITS ?? 20);
const QUERIES = Number(process.env.BULWARK_BENCH_QUERIES ?? 20);

// Wall time, the value, and CPU time: on a machine shared with other jobs, waiting for a core
// inflates the wall time and not the CPU time (the process's: V8's GC and compiler threads too).
const time = (work) => {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const value = work();
  const cpu = process.cpuUsage(cpuStarted);
  return [performance.now() - started, value, (cpu.user + cpu.system) / 1000];
};
// What the extension's diagnostics ask for with default settings (bulwark.ruleSet recommended).
const SETTINGS = { timeoutMs: 10_000, rulesOnly: true };
const text = sampleSource();
const [loadMs, linter] = time(() => createRequire(import.meta.url)(path.join(REPO_ROOT, 'dist', 'linter.js')));
const [firstLintMs, diagnostics, firstLintCpuMs] = time(() => linter.lintText(text, FILE_NAME, SETTINGS));
// The code-action part needs require-retry's messages, which only the `all` rule set reports.
const messages = linter.lintText(text, FILE_NAME, { ruleSet: 'all' });
const fatal = messages.find((message) => message.fatal);
if (fatal) throw new Error(`the sample does not parse: ${fatal.message}`);
// The same file with nothing an enabled rule looks for (no fetch, no Redis): the prefilter skips its parse.
const quiet = text.replaceAll('fetch(', 'load(').replaceAll('Redis', 'Store').replaceAll('keys(', 'matching(');
if (linter.needsLint(quiet, FILE_NAME, SETTINGS)) throw new Error('the quiet variant of the sample still needs a lint');

// Edits like typing: each changes one string literal somewhere in the file, then the whole
// document is linted again (the extension re-lints the full text after its debounce).
const literals = [...text.matchAll(/'not found'/g)].map((match) => match.index);
const editedText = (i) => {
  const at = literals[i % literals.length];
  return `${text.slice(0, at)}'not found ${i}'${text.slice(at + "'not found'".length)}`;
};
const relintMs = [];
const relintCpuMs = [];
const quietRelintMs = [];
for (let i = 0; i < EDITS; i += 1) {
  const edited = editedText(i);
  const [wallMs, , cpuMs] = time(() => linter.lintText(edited, FILE_NAME, SETTINGS));
  relintMs.push(wallMs);
  relintCpuMs.push(cpuMs);
  const quietEdited = quiet.replace("'not found'", `'not found ${i}'`);
  quietRelintMs.push(time(() => linter.lintText(quietEdited, FILE_NAME, SETTINGS))[0]);
}

// The code-action provider for one diagnostic: find the lint message behind it (the messages
// are cached per document version), then locate the call it fixes by parsing the text.
const lines = text.split('\n');
const offsetOf = (message) => lines.slice(0, message.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + message.column - 1;
const retries = messages.filter((message) => message.ruleId === 'bulwark/require-retry');
const fanOuts = [...text.matchAll(/Promise\.all\(/g)].map((match) => match.index);
if (retries.length === 0 || fanOuts.length === 0) throw new Error('the sample has no require-retry diagnostic or no Promise.all');
const matchMs = [];
const callAtMs = [];
const fanOutAtMs = [];
for (let i = 0; i < QUERIES; i += 1) {
  const target = retries[(i * 7) % retries.length];
  const [found] = time(() => messages.find((message) => message.ruleId === target.ruleId && message.line === target.line && message.column === target.column));
  matchMs.push(found);
  const [callMs, call] = time(() => linter.callAt(text, FILE_NAME, offsetOf(target)));
  if (!call) throw new Error(`callAt found no call at line ${target.line}`);
  callAtMs.push(callMs);
  const [fanMs, fanOut] = time(() => linter.fanOutAt(text, FILE_NAME, fanOuts[i % fanOuts.length]));
  if (!fanOut) throw new Error('fanOutAt found no Promise.all');
  fanOutAtMs.push(fanMs);
}

// On the linter thread. Busy time is this thread's event-loop utilization over the call: sending
// the text, receiving and decoding the messages. The first call includes starting the thread and
// loading the linter into it.
// BULWARK_BENCH_CODE_CACHE: the folder the thread keeps V8's code cache in, as the extension's global
// storage; the runner shares one across its probes, so the first probe writes it and the others use it.
const codeCacheDir = process.env.BULWARK_BENCH_CODE_CACHE;
const client = new LinterClient(path.join(REPO_ROOT, 'dist', 'linter-worker.js'), codeCacheDir ? { codeCacheDir } : {});
const onThread = async (work) => {
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  await work();
  return { latencyMs: performance.now() - started, busyMs: performance.eventLoopUtilization(elu).active };
};
const threadFirst = await onThread(() => client.call('lintText', text, FILE_NAME, SETTINGS));
const codeCache = await client.call('codeCacheState');
const threadRelints = [];
for (let i = 0; i < EDITS; i += 1) threadRelints.push(await onThread(() => client.call('lintText', editedText(i), FILE_NAME, SETTINGS)));
// The thread writes the code cache after its first lint, once idle; give it the time it has in an editor.
await new Promise((resolve) => setTimeout(resolve, 2_000));
client.dispose();

console.log(
  JSON.stringify({
    codeCache,
    threadFirstLatencyMs: threadFirst.latencyMs,
    threadFirstBusyMs: threadFirst.busyMs,
    threadRelintLatencyMs: median(threadRelints.map((run) => run.latencyMs)),
    threadRelintBusyMs: median(threadRelints.map((run) => run.busyMs)),
    threadRelintBusyMaxMs: Math.max(...threadRelints.map((run) => run.busyMs)),
    lines: lines.length - 1,
    diagnostics: diagnostics.length,
    quietRelintMedianMs: median(quietRelintMs),
    loadMs,
    firstLintMs,
    relintMedianMs: median(relintMs),
    firstLintCpuMs,
    relintCpuMedianMs: median(relintCpuMs),
    relintMaxMs: Math.max(...relintMs),
    matchMedianMs: median(matchMs),
    callAtMedianMs: median(callAtMs),
    fanOutAtMedianMs: median(fanOutAtMs),
    firstCallAtMs: callAtMs[0],
  }),
);
