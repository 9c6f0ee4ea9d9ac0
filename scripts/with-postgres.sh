#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server (Debian's `postgresql` package), for the SQL pushdown
# tests: initdb into a temp folder (trust auth), listen on 127.0.0.1 at a random port with the socket in
# that folder, export IMPACT_TEST_PG_URL, run the command, then stop the server by PID and delete the folder
# on every exit path. As root, PostgreSQL runs as `nobody` (initdb and postgres refuse root) and is
# installed with apt when missing. Without PostgreSQL the command still runs and the pg tests skip.
#
#   scripts/with-postgres.sh pnpm test
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-postgres.sh <command> [args...]" >&2
  exit 2
fi

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "with-postgres: installing postgresql with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
  BIN="$(find_bin)"
fi
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/postgres" ]; then
  echo "with-postgres: PostgreSQL not found; running without it (the PostgreSQL tests will skip)" >&2
  exec "$@"
fi

DIR="$(mktemp -d /tmp/impact-pg.XXXXXX)"
PG_PID=""
as_db_user() {
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    exec "$@"
  fi
}
cleanup() {
  if [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; then
    kill -INT "$PG_PID" 2>/dev/null || true # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PG_PID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 700 "$DIR"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$DIR"
(as_db_user "$BIN/initdb" -D "$DIR/data" --auth=trust --username=impact --encoding=UTF8 --no-locale) >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2
  exit 1
}

started=""
for _ in 1 2 3 4 5; do
  PORT=$((20000 + RANDOM % 40000))
  # The subshell execs setpriv, which execs postgres: $! is the postmaster's PID.
  (as_db_user "$BIN/postgres" -D "$DIR/data" -k "$DIR" -h 127.0.0.1 -p "$PORT" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off) >"$DIR/server.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 100); do
    if ! kill -0 "$PG_PID" 2>/dev/null; then break; fi
    if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null || "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
      started=1
      break
    fi
    sleep 0.1
  done
  [ -n "$started" ] && break
  kill -KILL "$PG_PID" 2>/dev/null || true
  PG_PID=""
done
if [ -z "$started" ]; then
  echo "with-postgres: PostgreSQL did not start:" >&2
  cat "$DIR/server.log" >&2
  exit 1
fi

export IMPACT_TEST_PG_URL="postgres://impact@127.0.0.1:${PORT}/postgres"
echo "with-postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:${PORT} (pid ${PG_PID})" >&2
"$@"
