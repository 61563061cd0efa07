// One fresh process's first lint of the sample after the linter's warm-up (src/linter/warm-up.ts),
// which the extension runs on the linter thread when a JS/TS project opens: the first lint a user
// of a preloaded editor waits for. Prints one JSON object. Run by ../bench-extension.mjs.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleSource } from './sample.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SETTINGS = { timeoutMs: 10_000, rulesOnly: true };
const text = sampleSource();
const linter = createRequire(import.meta.url)(path.join(REPO_ROOT, 'dist', 'linter.js'));
let started = performance.now();
const warmUpMessages = linter.warmUp(SETTINGS);
const warmUpMs = performance.now() - started;
if (warmUpMessages === 0) throw new Error('the warm-up reported nothing: it skipped the rules it is meant to warm');
started = performance.now();
const messages = linter.lintText(text, path.join(REPO_ROOT, 'src', 'bench-sample.ts'), SETTINGS);
const firstLintMs = performance.now() - started;
if (messages.length === 0) throw new Error('no diagnostics on the sample');
console.log(JSON.stringify({ warmUpMs, firstLintMs }));
