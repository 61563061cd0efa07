#!/usr/bin/env bash
# The README's test command (`npm test`): provisions the services the suites need, builds, and
# runs every suite — runtime on real Redis + PGlite + PostgreSQL, the ESLint plugin, the engine,
# CLI and snippets, then the extension in a real VS Code extension host.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

# Each step's wall time, printed as a summary at exit (also when a step fails), so a slow CI run
# says where the time went.
step_names=() step_seconds=() step_started=$SECONDS
step() {
  end_step
  step_names+=("$1")
  step_started=$SECONDS
  printf '\n\033[1m== %s\033[0m\n' "$*"
}
end_step() {
  if [ ${#step_names[@]} -gt ${#step_seconds[@]} ]; then step_seconds+=($((SECONDS - step_started))); fi
}
print_timings() {
  local status=$1 i verdict=passed
  end_step
  [ "$status" -eq 0 ] || verdict="FAILED in: ${step_names[*]: -1}"
  printf '\n\033[1m== timings (%s)\033[0m\n' "$verdict"
  for i in "${!step_names[@]}"; do printf '%5ss  %s\n' "${step_seconds[$i]}" "${step_names[$i]}"; done
  printf '%5ss  total\n' "$SECONDS"
}
trap 'status=$?; print_timings "$status"; stop_postgres; exit "$status"' EXIT

step "services"
ensure_apt_packages redis-server=redis-server postgres=postgresql
start_postgres

step "build"
npm run build

step "typecheck"
npm run typecheck

step "lint: typescript-eslint, bulwark/recommended (dogfooding), eslint-plugin-eslint-plugin, import directions, Prettier"
npm run lint

step "runtime patterns (real redis-server, PGlite, PostgreSQL at ${DATABASE_URL})"
LOG_LEVEL=silent npm --workspace runtime test

step "eslint-plugin-bulwark"
npm --workspace eslint-plugin test

# The suites above run ESLint 10; this is the plugin under ESLint 9 (installed apart from the lockfile).
step "eslint-plugin-bulwark under ESLint 9"
npm --workspace eslint-plugin run --silent check:eslint9

# The same plugin under Oxlint's JS plugins: every valid/invalid case of the rule tests, one oxlint run
# (oxlint installed apart from the lockfile, like ESLint 9; the build step above made dist/).
step "eslint-plugin-bulwark under Oxlint (JS plugins)"
(cd eslint-plugin && node --import tsx scripts/oxlint-check.mjs)

# 1,750 real source files from 17 pinned npm packages (fetched once into eslint-plugin/.corpus):
# fails on any rule crash, and on any fix or suggestion that, applied alone, leaves a file that does
# not re-parse or has a new TypeScript syntax error. (The 6,390-file labelled precision corpus is
# `npm --workspace eslint-plugin run precision` and `run check:suggestions`, outside CI: it is slower.)
step "eslint-plugin-bulwark on a real-world corpus: no crash, every suggestion compiles"
npm --workspace eslint-plugin run --silent corpus

# The editor's fast paths (prefilter, parser options) against the plain ESLint path on the same
# corpus: every message identical, in both rule sets.
step "in-editor linter: the same results as plain ESLint on every corpus file"
node scripts/linter-equivalence.mjs

step "engine, CLI, snippets, README, both front-ends on the shared drift table, VSIX"
npx mocha

step "VS Code host: code-server and chromium into .host/ (once per clone)"
node scripts/vscode-host/install.mjs

step "extension in a real VS Code extension host"
node scripts/vscode-host/compile-tests.mjs
node scripts/vscode-host/run.mjs
# The same extension in a window with two workspace folders, in one with none, and in an untrusted folder.
node scripts/vscode-host/run.mjs --layout multi-root
node scripts/vscode-host/run.mjs --layout no-folder
node scripts/vscode-host/run.mjs --layout untrusted
