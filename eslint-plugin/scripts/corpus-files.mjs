// The crash corpus: real sources that nobody here wrote, from npm packages that ship them.
// Fetched with `npm pack` into the ignored `.corpus/` (see npm-corpus.mjs).
import { ensurePackages, packageFiles } from './npm-corpus.mjs';

export { corpusRoot, isTypeScript, pluginRoot, sourceTypeOf } from './npm-corpus.mjs';

/** Pinned so runs are comparable. Server-side code: HTTP clients, drivers, frameworks, workers. */
export const PACKAGES = [
  '@temporalio/workflow@1.24.0',
  '@temporalio/worker@1.24.0',
  '@temporalio/client@1.24.0',
  '@temporalio/common@1.24.0',
  '@temporalio/activity@1.24.0',
  '@temporalio/testing@1.24.0',
  '@trpc/server@11.25.2',
  '@tanstack/query-core@5.108.4',
  'mongodb@7.9.0',
  'undici@7.30.2',
  'express@5.3.0',
  'fastify@5.12.8',
  'pg@8.23.1',
  'ioredis@6.0.0',
  'axios@1.21.1',
  'rxjs@7.8.2',
  'effect@4.1.0',
];

/** Downloads and unpacks any package missing from `.corpus/`. */
export function ensureCorpus() {
  ensurePackages(PACKAGES);
}

/**
 * Every source file of the corpus: a package's `src/` when it ships one (TypeScript packages
 * also ship compiled output, which no one wrote), otherwise its hand-written JavaScript.
 */
export function corpusFiles() {
  return packageFiles(PACKAGES);
}
