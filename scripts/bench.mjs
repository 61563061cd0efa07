#!/usr/bin/env node
// `npm run bench [-- <section>...]`: see bench/run.ts. A launcher so the TypeScript runs through tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../bench/run.ts', import.meta.url));
const { status, signal } = spawnSync(process.execPath, ['--import', 'tsx', entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
