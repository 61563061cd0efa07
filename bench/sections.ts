// The benchmark sections `npm run bench` knows, in report order, each loaded only in its own process.
import type { Section } from './results.js';

export const BENCH_SECTIONS: Readonly<Record<string, () => Promise<Section>>> = {
  retry: async () => (await import('./retry.bench.js')).benchRetry(),
  'token-bucket': async () => (await import('./token-bucket.bench.js')).benchTokenBucket(),
  'sliding-window': async () => (await import('./sliding-window.bench.js')).benchSlidingWindow(),
  cache: async () => (await import('./cache.bench.js')).benchCache(),
};
