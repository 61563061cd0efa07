// Child process of run.ts: measures one section and stores its result.
// Usage: node --expose-gc --import tsx bench/section.ts <retry|token-bucket|sliding-window|cache>
import { describeMachine, writeSection } from './results.js';
import { BENCH_SECTIONS } from './sections.js';

const id = process.argv[2];
const measure = id === undefined ? undefined : BENCH_SECTIONS[id];
if (!measure) {
  console.error(`unknown section ${JSON.stringify(id)}; expected one of ${Object.keys(BENCH_SECTIONS).join(', ')}`);
  process.exit(2);
}
if (!globalThis.gc) {
  console.error('run with --expose-gc (npm run bench does): heap readings and pre-round collections need it');
  process.exit(2);
}
const machine = describeMachine();
const file = await writeSection(await measure(), machine);
console.error(`  ${id}: stored ${file}`);
