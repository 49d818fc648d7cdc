#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis servers for tests and benchmarks.
#
# Source this file, then:
#   trap stop_services EXIT
#   start_postgres            # exports PARLEY_TEST_POSTGRES, SVC_PG_PORT
#   start_redis               # exports PARLEY_TEST_REDIS, SVC_REDIS_PORT
#   ...
#   stop_services             # idempotent; also safe after a failed start
#
# Both servers listen on 127.0.0.1 only, on a free port (PostgreSQL tries 55432
# first, Redis 56379; override with SVC_PG_PORT / SVC_REDIS_PORT before calling),
# keep their data in a mktemp directory, and are stopped by the PID they recorded
# (postmaster.pid first line, Redis pidfile). Nothing is left behind.
#
# As root, missing packages are installed with apt-get (postgresql-15,
# redis-server) and initdb/pg_ctl run as the `postgres` OS user. As another
# user, the servers run as that user, and missing packages are reported.
#
# Standalone use (for developers):
#   bash scripts/services.sh up     # start both, print the connection strings, stay in the foreground
#                                   # until Ctrl-C, then stop both.

# Deliberately no `set -euo pipefail` here: this file is sourced and must not
# change the caller's shell options. Functions return non-zero on failure.

SVC_PG_BIN="${SVC_PG_BIN:-/usr/lib/postgresql/15/bin}"
SVC_TMP_BASE="${SVC_TMP_BASE:-/tmp}"

# State of what this shell started (never taken from the environment: stop_*
# deletes SVC_*_DIR).
SVC_PG_DIR=""
SVC_PG_PID=""
SVC_REDIS_DIR=""
SVC_REDIS_PID=""
_SVC_APT_UPDATED=0

svc_log() { printf '[services] %s\n' "$*" >&2; }

svc_is_root() { [ "$(id -u)" -eq 0 ]; }

# svc_apt_install PKG...: install Debian packages (root only). Runs `apt-get
# update` once per shell before the first install, then installs; if the install
# still fails it is reported.
svc_apt_install() {
  if ! svc_is_root; then
    svc_log "not root: cannot install $*; run: sudo apt-get install -y $*"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    svc_log "apt-get not found: install $* with your package manager"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ "$_SVC_APT_UPDATED" -eq 0 ]; then
    svc_log "apt-get update (something is missing: $*)"
    apt-get update -qq >&2 || svc_log "apt-get update failed; trying the install anyway"
    _SVC_APT_UPDATED=1
  fi
  svc_log "apt-get install -y $*"
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

# svc_port_in_use PORT: true if something listens on 127.0.0.1:PORT (or any address).
svc_port_in_use() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    if [ -n "$(ss -Hltn "( sport = :$port )" 2>/dev/null)" ]; then
      return 0
    fi
  fi
  # Fallback / second opinion: try to connect.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    return 0
  fi
  return 1
}

# svc_free_port PREFERRED: print PREFERRED if free, otherwise the next free port
# after it, otherwise a random free port in 20000-60000.
svc_free_port() {
  local port="$1" i
  for ((i = 0; i < 50; i++)); do
    if ! svc_port_in_use "$((port + i))"; then
      echo "$((port + i))"
      return 0
    fi
  done
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 40000))
    if ! svc_port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  svc_log "no free TCP port found"
  return 1
}

# Run a command as the postgres OS user when root, or as ourselves otherwise
# (PostgreSQL refuses to run as root).
_svc_as_pg() {
  if svc_is_root; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      local cmd="" a
      for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
      su postgres -s /bin/sh -c "$cmd"
    fi
  else
    "$@"
  fi
}

# svc_require_postgres: make sure initdb/pg_ctl exist (install as root) and, as
# root, that the postgres OS user exists.
svc_require_postgres() {
  if [ ! -x "$SVC_PG_BIN/initdb" ] || [ ! -x "$SVC_PG_BIN/pg_ctl" ]; then
    if svc_is_root; then
      svc_apt_install postgresql-15 || return 1
    else
      svc_log "PostgreSQL 15 server binaries not found in $SVC_PG_BIN."
      svc_log "Install them as root:  apt-get install -y postgresql-15"
      svc_log "(or set SVC_PG_BIN to the bin directory of a PostgreSQL 15 installation)"
      return 1
    fi
  fi
  if svc_is_root && ! id postgres >/dev/null 2>&1; then
    svc_log "creating system user postgres"
    useradd -r -M -d /nonexistent -s /usr/sbin/nologin postgres || return 1
  fi
}

# svc_require_redis: make sure redis-server exists (install as root).
svc_require_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    if svc_is_root; then
      svc_apt_install redis-server || return 1
      # Debian's package may start its own service where an init system runs;
      # we never use it (our server has its own port and data dir).
    else
      svc_log "redis-server not found. Install it as root:  apt-get install -y redis-server"
      return 1
    fi
  fi
}

# start_postgres [PORT]: initdb into a new temp dir and start PostgreSQL on
# 127.0.0.1. Exports SVC_PG_PORT, SVC_PG_DIR, SVC_PG_PID and PARLEY_TEST_POSTGRES.
# shellcheck disable=SC2120  # optional PORT argument
start_postgres() {
  local want="${1:-${SVC_PG_PORT:-55432}}" port attempt pidfile
  svc_require_postgres || return 1

  SVC_PG_DIR="$(mktemp -d "$SVC_TMP_BASE/parley-pg.XXXXXX")" || return 1
  export SVC_PG_DIR
  if svc_is_root; then
    chown postgres:postgres "$SVC_PG_DIR" || return 1
  fi
  chmod 700 "$SVC_PG_DIR"

  if ! _svc_as_pg "$SVC_PG_BIN/initdb" -D "$SVC_PG_DIR/data" -U postgres \
    --auth=trust -E UTF8 --locale=C.UTF-8 >"$SVC_PG_DIR/initdb.log" 2>&1; then
    svc_log "initdb failed:"
    cat "$SVC_PG_DIR/initdb.log" >&2
    return 1
  fi

  # A port can be taken between the check and the bind (parallel runs): retry.
  for attempt in 1 2 3 4 5; do
    port="$(svc_free_port "$want")" || return 1
    if _svc_as_pg "$SVC_PG_BIN/pg_ctl" -D "$SVC_PG_DIR/data" -l "$SVC_PG_DIR/postgres.log" \
      -o "-p $port -k $SVC_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      -w -t 60 start >"$SVC_PG_DIR/pg_ctl.log" 2>&1; then
      break
    fi
    svc_log "PostgreSQL did not start on port $port (attempt $attempt):"
    tail -n 5 "$SVC_PG_DIR/postgres.log" >&2 2>/dev/null || true
    # pg_ctl may have given up while a postmaster is still alive: stop it.
    _svc_stop_postgres_pid
    port=""
    want=$((want + 7))
  done
  if [ -z "$port" ]; then
    svc_log "giving up on PostgreSQL"
    return 1
  fi

  pidfile="$SVC_PG_DIR/data/postmaster.pid"
  SVC_PG_PID="$(head -n 1 "$pidfile" 2>/dev/null)"
  SVC_PG_PORT="$port"
  export SVC_PG_PID SVC_PG_PORT
  export PARLEY_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  svc_log "PostgreSQL 15 up: 127.0.0.1:$port (pid $SVC_PG_PID, dir $SVC_PG_DIR)"
}

# Redis answers PING?
_svc_redis_ping() {
  local port="$1" reply=""
  if command -v redis-cli >/dev/null 2>&1; then
    reply="$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)"
  else
    reply="$(
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
      printf 'PING\r\n' >&3
      IFS= read -r -t 2 line <&3 && printf '%s' "$line"
    )" 2>/dev/null
  fi
  [[ "$reply" == *PONG* ]]
}

# start_redis [PORT]: start redis-server on 127.0.0.1 with no persistence.
# Exports SVC_REDIS_PORT, SVC_REDIS_DIR, SVC_REDIS_PID and PARLEY_TEST_REDIS.
# shellcheck disable=SC2120  # optional PORT argument
start_redis() {
  local want="${1:-${SVC_REDIS_PORT:-56379}}" port="" attempt i pid
  svc_require_redis || return 1

  SVC_REDIS_DIR="$(mktemp -d "$SVC_TMP_BASE/parley-redis.XXXXXX")" || return 1
  export SVC_REDIS_DIR

  for attempt in 1 2 3 4 5; do
    port="$(svc_free_port "$want")" || return 1
    rm -f "$SVC_REDIS_DIR/redis.pid"
    if redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$SVC_REDIS_DIR" --logfile "$SVC_REDIS_DIR/redis.log" \
      --daemonize yes --pidfile "$SVC_REDIS_DIR/redis.pid" >/dev/null 2>&1; then
      for ((i = 0; i < 100; i++)); do
        pid="$(cat "$SVC_REDIS_DIR/redis.pid" 2>/dev/null || true)"
        if [ -n "$pid" ] && _svc_redis_ping "$port"; then
          SVC_REDIS_PID="$pid"
          SVC_REDIS_PORT="$port"
          export SVC_REDIS_PID SVC_REDIS_PORT
          export PARLEY_TEST_REDIS="127.0.0.1:$port"
          svc_log "Redis up: 127.0.0.1:$port (pid $pid, dir $SVC_REDIS_DIR)"
          return 0
        fi
        # Daemon gone (e.g. port taken): stop waiting.
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
          break
        fi
        sleep 0.1
      done
    fi
    svc_log "Redis did not start on port $port (attempt $attempt):"
    tail -n 5 "$SVC_REDIS_DIR/redis.log" >&2 2>/dev/null || true
    _svc_stop_redis_pid
    want=$((want + 7))
  done
  svc_log "giving up on Redis"
  return 1
}

# _svc_kill_wait PID NAME SIGNAL: send SIGNAL, wait up to ~30 s, then SIGKILL.
_svc_kill_wait() {
  local pid="$1" name="$2" sig="$3" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  svc_log "$name (pid $pid) did not stop after SIG$sig; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

_svc_stop_postgres_pid() {
  local pid="$SVC_PG_PID"
  if [ -z "$pid" ] && [ -n "$SVC_PG_DIR" ] && [ -f "$SVC_PG_DIR/data/postmaster.pid" ]; then
    pid="$(head -n 1 "$SVC_PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
  fi
  # SIGINT = PostgreSQL "fast" shutdown (disconnect clients, no checkpoint wait).
  _svc_kill_wait "$pid" "PostgreSQL" INT
  SVC_PG_PID=""
}

_svc_stop_redis_pid() {
  local pid="$SVC_REDIS_PID"
  if [ -z "$pid" ] && [ -n "$SVC_REDIS_DIR" ] && [ -f "$SVC_REDIS_DIR/redis.pid" ]; then
    pid="$(cat "$SVC_REDIS_DIR/redis.pid" 2>/dev/null || true)"
  fi
  _svc_kill_wait "$pid" "Redis" TERM
  SVC_REDIS_PID=""
}

stop_postgres() {
  _svc_stop_postgres_pid
  if [ -n "$SVC_PG_DIR" ] && [ -d "$SVC_PG_DIR" ]; then
    rm -rf "$SVC_PG_DIR"
  fi
  SVC_PG_DIR=""
}

stop_redis() {
  _svc_stop_redis_pid
  if [ -n "$SVC_REDIS_DIR" ] && [ -d "$SVC_REDIS_DIR" ]; then
    rm -rf "$SVC_REDIS_DIR"
  fi
  SVC_REDIS_DIR=""
}

# stop_services: stop whatever start_postgres/start_redis started and remove
# their temp dirs. Idempotent; never fails (it runs from EXIT traps).
stop_services() {
  stop_redis || true
  stop_postgres || true
  return 0
}

# Standalone: `bash scripts/services.sh up`
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    up)
      _svc_sleep_pid=""
      trap 'if [ -n "$_svc_sleep_pid" ]; then kill "$_svc_sleep_pid" 2>/dev/null || true; fi; stop_services' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      start_postgres "${2:-}"
      start_redis "${3:-}"
      echo "export PARLEY_TEST_POSTGRES='$PARLEY_TEST_POSTGRES'"
      echo "export PARLEY_TEST_REDIS='$PARLEY_TEST_REDIS'"
      echo "# psql -h 127.0.0.1 -p $SVC_PG_PORT -U postgres    redis-cli -p $SVC_REDIS_PORT"
      echo "# Ctrl-C stops both servers."
      while true; do
        sleep 3600 &
        _svc_sleep_pid=$!
        wait "$_svc_sleep_pid" || true
      done
      ;;
    *)
      echo "usage: bash scripts/services.sh up   (or source it and call start_postgres/start_redis/stop_services)" >&2
      exit 2
      ;;
  esac
fi
