#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 and prints its URL; `stop DIR` stops it.
# Usage: .ci/postgres.sh start PORT   -> prints "DIR URL"
#        .ci/postgres.sh stop DIR
set -euo pipefail

find_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$bin" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$bin"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    port=${2:-54329}
    bin=$(find_bin)
    dir=$(mktemp -d)
    if [ "$(id -u)" = 0 ]; then
      id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home postgres
    fi
    mkdir -p "$dir/data" "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
    chmod 700 "$dir/data"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/sock" \
      start >/dev/null
    as_postgres "$bin/psql" -q -h "$dir/sock" -p "$port" -U postgres \
      -c "CREATE ROLE citadel LOGIN PASSWORD 'citadel' CREATEDB" \
      -c "CREATE DATABASE citadel OWNER citadel" >/dev/null
    echo "$dir postgres://citadel:citadel@127.0.0.1:$port/citadel"
    ;;
  stop)
    dir=$2
    bin=$(find_bin)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start PORT | stop DIR" >&2
    exit 2
    ;;
esac
