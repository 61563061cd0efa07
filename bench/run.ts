// `npm run bench [-- <section>...]`: runs each section in its own Node.js process (a fresh heap and
// JIT per comparison), then renders docs/benchmarks.md from every stored section.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.js';
import { BENCH_SECTIONS } from './sections.js';

const SECTIONS = Object.keys(BENCH_SECTIONS);
const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((id) => !SECTIONS.includes(id) && id !== '--render-only');
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; expected any of ${SECTIONS.join(', ')}, or --render-only`);
  process.exit(2);
}
const selected = requested.includes('--render-only') ? [] : requested.length > 0 ? requested : SECTIONS;
const child = fileURLToPath(new URL('./section.ts', import.meta.url));

for (const id of selected) {
  console.error(`bench: ${id}`);
  const started = performance.now();
  const run = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, id], {
    stdio: 'inherit',
    // The patterns log through pino; a benchmark's warnings (e.g. the limiter's maxKeys notice) are expected noise.
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  });
  const [code, signal] = (await once(run, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    console.error(`bench: ${id} failed (${signal ?? `exit ${code}`}); its previous result, if any, is kept`);
    process.exitCode = 1;
    continue;
  }
  console.error(`bench: ${id} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
console.error(`bench: wrote ${await renderReport()}`);
