// Child process of run.ts: measures one section and stores its result.
// Usage: node --expose-gc --import tsx bench/section.ts <retry|token-bucket|sliding-window|cache>
import { describeMachine, writeSection, type Section } from './results.js';

export const BENCH_SECTIONS: Record<string, () => Promise<Section>> = {
  retry: async () => (await import('./retry.bench.js')).benchRetry(),
  'token-bucket': async () => (await import('./token-bucket.bench.js')).benchTokenBucket(),
  'sliding-window': async () => (await import('./sliding-window.bench.js')).benchSlidingWindow(),
  cache: async () => (await import('./cache.bench.js')).benchCache(),
};

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
