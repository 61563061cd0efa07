#!/usr/bin/env bash
# The README's test command (`npm test`): provisions the services the suites need, builds, and
# runs every suite — runtime on real Redis + PGlite + PostgreSQL, the ESLint plugin, the engine,
# CLI and snippets, then the extension in a real VS Code extension host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "services"
ensure_apt_packages redis-server=redis-server postgres=postgresql
start_postgres
trap stop_postgres EXIT

step "build"
npm run build

step "typecheck"
npm run typecheck

step "lint (dogfooding: runtime and extension code under bulwark/recommended)"
npm run lint

step "runtime patterns (real redis-server, PGlite, PostgreSQL at ${DATABASE_URL})"
LOG_LEVEL=silent npm --workspace runtime test

step "eslint-plugin-bulwark"
npm --workspace eslint-plugin test

step "engine, CLI and snippets"
npx mocha

step "extension in a real VS Code extension host"
node scripts/vscode-host/install.mjs
node scripts/vscode-host/compile-tests.mjs
node scripts/vscode-host/run.mjs
