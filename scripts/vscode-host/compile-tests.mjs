#!/usr/bin/env node
// Compiles test/host into out/test/host from a clean folder: tsc never deletes the output of a
// removed or renamed test, and the mocha index would otherwise keep running that stale file.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

const outDir = path.join(REPO_ROOT, 'out', 'test', 'host');
rmSync(outDir, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'test', 'host')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
