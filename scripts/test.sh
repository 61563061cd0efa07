#!/usr/bin/env bash
# The README's test command (`npm test`): provisions services, builds, and runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

ensure_apt_packages redis-server=redis-server postgres=postgresql
start_postgres
trap stop_postgres EXIT

npm run build
npm run typecheck
npm --workspace runtime test
