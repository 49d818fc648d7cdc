#!/usr/bin/env bash
# Shared pieces of the benchmark scripts: logging, cleanup by PID, building, starting Parley on a
# free port with a fresh data directory, an admin token, and running/parsing wrk.
# Source it after setting ROOT; it sets an EXIT trap that stops whatever it started.

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh" # svc_free_port, svc_apt_install, svc_is_root

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
RESULTS_DIR="$ROOT/bench/results"
PARLEY_DIR="$ROOT/src/Parley.Server/bin/Release/net10.0"

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] ERROR: %s\n' "$*" >&2
  exit 1
}

WORK=""
PIDS=()
PARLEY_DATA=""

stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # invoked from the EXIT trap
bench_cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM HUP
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ -n "$PARLEY_DATA" ]; then rm -rf "$PARLEY_DATA"; fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

WORK="$(mktemp -d "${TMPDIR:-/tmp}/parley-bench.XXXXXX")"

# Scripts that measure something else than request rates set BENCH_NO_WRK=1.
if [ "${BENCH_NO_WRK:-0}" != "1" ] && ! command -v wrk >/dev/null 2>&1; then
  if svc_is_root; then
    svc_apt_install wrk || die "could not install wrk"
  else
    die "wrk not found; install it as root: apt-get install -y wrk"
  fi
fi
command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install -y curl)"
command -v dotnet >/dev/null 2>&1 || die "dotnet not found; install the .NET 10 SDK"

json_field() { # json_field FIELD < json
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# build_release PROJECT NAME
build_release() {
  log "building $2 (Release)"
  dotnet build "$1" -c Release -v quiet -nologo </dev/null >"$WORK/build-$2.log" 2>&1 ||
    {
      cat "$WORK/build-$2.log" >&2
      die "$2 build failed"
    }
}

# wait_http URL PID NAME LOGFILE: wait up to 60 s for URL to answer 200.
wait_http() {
  local url="$1" pid="$2" name="$3" logfile="$4" code i
  for ((i = 0; i < 600; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "$name exited during startup (log above)"
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    if [ "$code" = "200" ]; then return 0; fi
    sleep 0.1
  done
  tail -n 40 "$logfile" >&2 || true
  die "$name did not answer 200 on $url within 60 s (last status: ${code:-none})"
}

# start_parley: Parley (Release build) on a free port with a fresh data directory; sets PARLEY.
start_parley() {
  local port
  port="$(svc_free_port 58090)"
  PARLEY_DATA="$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-data.XXXXXX")"
  log "starting Parley on 127.0.0.1:$port (data $PARLEY_DATA)"
  (
    cd "$PARLEY_DIR"
    exec env PARLEY_DATA_DIR="$PARLEY_DATA" \
      Logging__LogLevel__Default=Warning \
      Parley__RateLimiting__Enabled=false \
      ASPNETCORE_ENVIRONMENT=Production \
      dotnet Parley.Server.dll --urls "http://127.0.0.1:$port"
  ) </dev/null >"$WORK/parley.log" 2>&1 &
  PIDS+=("$!")
  PARLEY="http://127.0.0.1:$port"
  wait_http "$PARLEY/health" "$!" Parley "$WORK/parley.log"
}

# post_json URL BODY OUTFILE [TOKEN]: prints the HTTP status.
post_json() {
  local auth=()
  if [ -n "${4:-}" ]; then auth=(-H "Authorization: Bearer $4"); fi
  curl -s -o "$3" -w '%{http_code}' --max-time 30 -X POST \
    -H 'Content-Type: application/json' "${auth[@]}" --data "$2" "$1" || echo 000
}

# admin_token: registers the first (admin) account and prints its access token.
admin_token() {
  local code
  code="$(post_json "$PARLEY/api/v1/auth/register" \
    '{"email":"bench@example.com","username":"bench","password":"Bench-password-123","full_name":"Bench Admin"}' \
    "$WORK/register.json")"
  [[ "$code" == 2* ]] || die "POST /api/v1/auth/register -> $code: $(head -c 500 "$WORK/register.json")"
  code="$(post_json "$PARLEY/api/v1/auth/login" '{"email":"bench@example.com","password":"Bench-password-123"}' "$WORK/login.json")"
  [[ "$code" == 2* ]] || die "POST /api/v1/auth/login -> $code: $(head -c 500 "$WORK/login.json")"
  json_field access_token <"$WORK/login.json" || die "no access_token in the login response"
}

# run_wrk NAME URL [TOKEN] [extra wrk args...]: warm-up run, then the measured run into $WORK/NAME.wrk
run_wrk() {
  local name="$1" url="$2" token="${3:-}" hdr=()
  shift 3 2>/dev/null || shift $#
  if [ -n "$token" ]; then hdr=(-H "Authorization: Bearer $token"); fi
  log "wrk $name: ${WARMUP}s warm-up, ${DURATION}s measured ($url)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${hdr[@]}" "$@" "$url" >"$WORK/$name.warmup" 2>&1 ||
    {
      cat "$WORK/$name.warmup" >&2
      die "wrk warm-up failed for $url"
    }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${hdr[@]}" "$@" "$url" >"$WORK/$name.wrk" 2>&1 ||
    {
      cat "$WORK/$name.wrk" >&2
      die "wrk failed for $url"
    }
}

# parse_wrk FILE: prints "rps p50_ms p99_ms requests non2xx socket_errors"
parse_wrk() {
  awk '
    function ms(v,   n, u) {
      n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000
      if (u == "ms") return n
      if (u == "s")  return n * 1000
      if (u == "m")  return n * 60000
      if (u == "h")  return n * 3600000
      return n
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ {
      line = $0; gsub(/[^0-9 ]/, " ", line); k = split(line, a, / +/)
      for (j = 1; j <= k; j++) serr += a[j] + 0
    }
    END { printf "%s %.3f %.3f %d %d %d\n", rps + 0, p50, p99, reqs + 0, non2xx + 0, serr + 0 }
  ' "$1"
}

# machine_lines: the header lines every report starts with.
machine_lines() {
  local cpu_model commit wrk_version
  cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")"
  if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null || true)" ]; then commit="$commit (dirty tree)"; fi
  wrk_version="$(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }' || true)"
  echo "machine: $(nproc) cores, ${cpu_model:-unknown CPU}, $(uname -sr); dotnet $(dotnet --version); ${wrk_version:-wrk}"
  echo "load:    wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (after a ${WARMUP}s warm-up), client and servers on the same machine"
  echo "commit:  $commit"
}
