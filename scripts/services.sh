#!/usr/bin/env bash
# Provisions the real services the tests need (Redis, PostgreSQL) on a fresh machine and starts
# PostgreSQL on a free loopback port. Sourced by scripts/test.sh and the bench/load scripts.
# Redis is started by the mocha fixture itself (runtime/test/fixtures/redis.ts), because the fault
# tests must stop and restart it.

bulwark_free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ensure_apt_packages <binary>=<package> ...: installs each package whose binary is missing.
ensure_apt_packages() {
  local missing=()
  local pair bin pkg
  for pair in "$@"; do
    bin=${pair%%=*}; pkg=${pair#*=}
    if ! command -v "$bin" >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/"$bin" >/dev/null 2>&1; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bulwark: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "bulwark: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

bulwark_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# start_postgres: starts a throwaway cluster on a free loopback port and exports DATABASE_URL,
# unless DATABASE_URL is already set (then that server is used as is).
start_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return 0; fi
  local bin port dir as_user=()
  bin=$(bulwark_pg_bin)
  [ -n "$bin" ] || { echo "bulwark: PostgreSQL server not found; install with: sudo apt-get install -y postgresql" >&2; return 1; }
  port=$(bulwark_free_port)
  dir=$(mktemp -d /tmp/bulwark-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    as_user=(runuser -u postgres --)
  fi
  "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U bulwark --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  BULWARK_PG_DIR=$dir
  BULWARK_PG_STOP=("${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop)
  export DATABASE_URL="postgres://bulwark@127.0.0.1:$port/postgres"
  echo "bulwark: PostgreSQL on 127.0.0.1:$port" >&2
}

stop_postgres() {
  if [ -n "${BULWARK_PG_DIR:-}" ]; then
    "${BULWARK_PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$BULWARK_PG_DIR"
    unset BULWARK_PG_DIR
  fi
}
