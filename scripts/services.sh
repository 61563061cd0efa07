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
  # A fresh image has no package lists; noninteractive keeps tzdata & co. from prompting on a CI log.
  # Scoped to these two commands so the test processes do not inherit it.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for pair in "$@"; do
    bin=${pair%%=*}
    if ! command -v "$bin" >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/"$bin" >/dev/null 2>&1; then
      echo "bulwark: apt-get installed ${missing[*]}, but $bin is still not found" >&2
      return 1
    fi
  done
}

# The directory holding initdb/pg_ctl/postgres: Debian keeps them off PATH under
# /usr/lib/postgresql/<major>/bin (newest major wins); other installs put them on PATH.
bulwark_pg_bin() {
  local debian on_path
  debian=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$debian" ]; then echo "$debian"; return 0; fi
  on_path=$(command -v initdb 2>/dev/null) && dirname "$on_path"
  return 0
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
    # The server refuses to run as root; Debian's package creates the postgres user.
    id -u postgres >/dev/null 2>&1 || { echo "bulwark: running as root, but there is no postgres user to run PostgreSQL as" >&2; return 1; }
    chown postgres:postgres "$dir"
    as_user=(runuser -u postgres --)
  fi
  # From $dir: the postgres user may not be allowed into the checkout (e.g. under /root).
  # C locale: byte-order collation like PGlite's, and no dependence on which locales the image generated.
  (cd "$dir" && "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U bulwark --auth=trust -E UTF8 --no-locale) >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  (cd "$dir" && "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start) >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  BULWARK_PG_DIR=$dir
  BULWARK_PG_STOP=("${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop)
  export DATABASE_URL="postgres://bulwark@127.0.0.1:$port/postgres"
  echo "bulwark: PostgreSQL on 127.0.0.1:$port" >&2
}

stop_postgres() {
  if [ -n "${BULWARK_PG_DIR:-}" ]; then
    (cd "$BULWARK_PG_DIR" && "${BULWARK_PG_STOP[@]}") >/dev/null 2>&1 || true
    rm -rf "$BULWARK_PG_DIR"
    unset BULWARK_PG_DIR
  fi
}
