#!/usr/bin/env node
// `npm run load`: the example service under load and a Redis restart (bench/load/run.ts), on a throwaway
// PostgreSQL that scripts/services.sh starts (or DATABASE_URL when set) and a redis-server of its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = [
  'set -euo pipefail',
  'source scripts/services.sh',
  'ensure_apt_packages redis-server=redis-server postgres=postgresql',
  'start_postgres',
  'trap stop_postgres EXIT',
  `"${process.execPath}" --import tsx bench/load/run.ts`,
].join('\n');
const { status, signal } = spawnSync('bash', ['-c', script], { cwd: root, stdio: 'inherit' });
process.exit(status ?? (signal ? 1 : 0));
