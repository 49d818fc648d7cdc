#!/usr/bin/env bash
# Foundation benchmark: requests/s, p50 and p99 of Parley's GET /api/v1/auth/me and
# a paginated list (GET /api/v1/users?page=1&size=20) under wrk with 32 concurrent
# connections, beside a hello-world ASP.NET Core JSON endpoint (bench/HelloWorld)
# measured in the same run on the same machine. Target: /auth/me >= 30% of hello.
#
#   bash bench/foundation.sh                # full run (builds Release first)
#   bash bench/foundation.sh --hello-only   # only the hello-world baseline
#
# Environment: DURATION (s, default 15), WARMUP (s, default 3), CONNECTIONS (32),
# THREADS (2), USERS (extra users created for the list, 200),
# BENCH_STRICT=1 (exit 1 when the /auth/me target is missed).
# Prints a table and (full runs only) writes it to bench/results/foundation-latest.txt.
# Exits non-zero if any measured request got a non-2xx answer.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh" # svc_free_port, svc_apt_install, svc_is_root

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
USERS="${USERS:-200}"
HELLO_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --hello-only) HELLO_ONLY=1 ;;
    -h | --help)
      sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "foundation.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

RESULTS_DIR="$ROOT/bench/results"
RESULTS_FILE="$RESULTS_DIR/foundation-latest.txt"
HELLO_DIR="$ROOT/bench/HelloWorld/bin/Release/net10.0"
PARLEY_DIR="$ROOT/src/Parley.Server/bin/Release/net10.0"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  printf '[bench] ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- cleanup
WORK=""
HELLO_PID=""
PARLEY_PID=""
PARLEY_DATA=""

stop_pid() {
  local pid="$1" name="$2" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_pid "$HELLO_PID" HelloWorld
  stop_pid "$PARLEY_PID" Parley
  if [ -n "$PARLEY_DATA" ]; then rm -rf "$PARLEY_DATA"; fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

WORK="$(mktemp -d "${TMPDIR:-/tmp}/parley-bench.XXXXXX")"

# ---------------------------------------------------------------- tools
if ! command -v wrk >/dev/null 2>&1; then
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

# ---------------------------------------------------------------- build
log "building Release"
dotnet build "$ROOT/bench/HelloWorld/HelloWorld.csproj" -c Release -v quiet -nologo </dev/null >"$WORK/build-hello.log" 2>&1 ||
  {
    cat "$WORK/build-hello.log" >&2
    die "HelloWorld build failed"
  }
if [ "$HELLO_ONLY" -eq 0 ]; then
  dotnet build "$ROOT/src/Parley.Server/Parley.Server.csproj" -c Release -v quiet -nologo </dev/null >"$WORK/build-parley.log" 2>&1 ||
    {
      cat "$WORK/build-parley.log" >&2
      die "Parley.Server build failed"
    }
fi

# ---------------------------------------------------------------- servers
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

HELLO_PORT="$(svc_free_port 58080)"
log "starting HelloWorld on 127.0.0.1:$HELLO_PORT"
(
  cd "$HELLO_DIR"
  exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet HelloWorld.dll --urls "http://127.0.0.1:$HELLO_PORT"
) </dev/null >"$WORK/hello.log" 2>&1 &
HELLO_PID=$!
HELLO="http://127.0.0.1:$HELLO_PORT"
wait_http "$HELLO/hello" "$HELLO_PID" HelloWorld "$WORK/hello.log"

if [ "$HELLO_ONLY" -eq 0 ]; then
  PARLEY_PORT="$(svc_free_port 58090)"
  PARLEY_DATA="$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-data.XXXXXX")"
  log "starting Parley on 127.0.0.1:$PARLEY_PORT (data $PARLEY_DATA)"
  (
    cd "$PARLEY_DIR"
    exec env PARLEY_DATA_DIR="$PARLEY_DATA" \
      Logging__LogLevel__Default=Warning \
      Parley__RateLimiting__Enabled=false \
      ASPNETCORE_ENVIRONMENT=Production \
      dotnet Parley.Server.dll --urls "http://127.0.0.1:$PARLEY_PORT"
  ) </dev/null >"$WORK/parley.log" 2>&1 &
  PARLEY_PID=$!
  PARLEY="http://127.0.0.1:$PARLEY_PORT"
  wait_http "$PARLEY/health" "$PARLEY_PID" Parley "$WORK/parley.log"

  # ------------------------------------------------------------ data
  # post_json URL BODY OUTFILE [TOKEN]: prints the HTTP status.
  post_json() {
    local auth=()
    if [ -n "${4:-}" ]; then auth=(-H "Authorization: Bearer $4"); fi
    curl -s -o "$3" -w '%{http_code}' --max-time 30 -X POST \
      -H 'Content-Type: application/json' "${auth[@]}" --data "$2" "$1" || echo 000
  }

  log "registering the admin account"
  code="$(post_json "$PARLEY/api/v1/auth/register" \
    '{"email":"bench@example.com","username":"bench","password":"Bench-password-123","full_name":"Bench Admin"}' \
    "$WORK/register.json")"
  [[ "$code" == 2* ]] || die "POST /api/v1/auth/register -> $code: $(head -c 500 "$WORK/register.json")"

  code="$(post_json "$PARLEY/api/v1/auth/login" \
    '{"email":"bench@example.com","password":"Bench-password-123"}' "$WORK/login.json")"
  [[ "$code" == 2* ]] || die "POST /api/v1/auth/login -> $code: $(head -c 500 "$WORK/login.json")"
  TOKEN="$(json_field access_token <"$WORK/login.json")" ||
    die "no access_token in the login response: $(head -c 500 "$WORK/login.json")"

  log "creating $USERS users (4 at a time)"
  mkdir -p "$WORK/users"
  batch=()
  for ((i = 1; i <= USERS; i++)); do
    # Zero-padded (u001): Parley's usernames need at least 3 characters.
    u="$(printf 'u%03d' "$i")"
    post_json "$PARLEY/api/v1/users" \
      "{\"email\":\"$u@example.com\",\"username\":\"$u\",\"password\":\"Bench-password-123\",\"role\":\"user\"}" \
      "$WORK/users/$i.json" "$TOKEN" >"$WORK/users/$i.code" &
    batch+=("$!")
    # Wait for this batch only (a bare `wait` would also wait for the servers).
    if ((${#batch[@]} == 4 || i == USERS)); then
      wait "${batch[@]}" || true
      batch=()
    fi
  done
  bad=0
  for ((i = 1; i <= USERS; i++)); do
    code="$(cat "$WORK/users/$i.code")"
    if [[ "$code" != 2* ]]; then
      if ((bad == 0)); then log "POST /api/v1/users (user $i) -> $code: $(head -c 300 "$WORK/users/$i.json")"; fi
      bad=$((bad + 1))
    fi
  done
  ((bad == 0)) || die "$bad of $USERS user creations failed"

  for path in /api/v1/auth/me "/api/v1/users?page=1&size=20"; do
    code="$(curl -s -o "$WORK/check.json" -w '%{http_code}' --max-time 10 \
      -H "Authorization: Bearer $TOKEN" "$PARLEY$path" || echo 000)"
    [ "$code" = "200" ] || die "GET $path -> $code: $(head -c 500 "$WORK/check.json")"
  done
fi

# ---------------------------------------------------------------- load
# run_wrk NAME URL [TOKEN]: warm-up run, then the measured run into $WORK/NAME.wrk
run_wrk() {
  local name="$1" url="$2" hdr=()
  if [ -n "${3:-}" ]; then hdr=(-H "Authorization: Bearer $3"); fi
  log "wrk $name: ${WARMUP}s warm-up, ${DURATION}s measured ($url)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${hdr[@]}" "$url" >"$WORK/$name.warmup" 2>&1 ||
    {
      cat "$WORK/$name.warmup" >&2
      die "wrk warm-up failed for $url"
    }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${hdr[@]}" "$url" >"$WORK/$name.wrk" 2>&1 ||
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

run_wrk hello "$HELLO/hello"
if [ "$HELLO_ONLY" -eq 0 ]; then
  run_wrk me "$PARLEY/api/v1/auth/me" "$TOKEN"
  run_wrk list "$PARLEY/api/v1/users?page=1&size=20" "$TOKEN"
fi

# ---------------------------------------------------------------- report
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")"
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null || true)" ]; then commit="$commit (dirty tree)"; fi
wrk_version="$(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }' || true)"

read -r hello_rps _ <<<"$(parse_wrk "$WORK/hello.wrk")"
failed_endpoints=()
target_line=""
{
  echo "Parley foundation benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) cores, ${cpu_model:-unknown CPU}, $(uname -sr); dotnet $(dotnet --version); ${wrk_version:-wrk}"
  echo "load:    wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (after a ${WARMUP}s warm-up), client and servers on the same machine"
  echo "commit:  $commit"
  echo
  printf '%-36s %12s %10s %10s %10s %9s %9s\n' "endpoint" "req/s" "p50 ms" "p99 ms" "vs hello" "non-2xx" "sock.err"
  for name in hello me list; do
    [ -f "$WORK/$name.wrk" ] || continue
    case "$name" in
      hello) label="GET /hello (bench/HelloWorld)" ;;
      me) label="GET /api/v1/auth/me" ;;
      list) label="GET /api/v1/users?page=1&size=20" ;;
    esac
    read -r rps p50 p99 _ non2xx serr <<<"$(parse_wrk "$WORK/$name.wrk")"
    pct="$(awk -v a="$rps" -v b="$hello_rps" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }')"
    printf '%-36s %12.1f %10.2f %10.2f %10s %9d %9d\n' "$label" "$rps" "$p50" "$p99" "$pct" "$non2xx" "$serr"
    if [ "$non2xx" -gt 0 ]; then failed_endpoints+=("$label: $non2xx non-2xx"); fi
    if [ "$name" = "me" ]; then
      if awk -v a="$rps" -v b="$hello_rps" 'BEGIN { exit !(b > 0 && a >= 0.3 * b) }'; then
        target_line="target: /auth/me >= 30% of hello-world req/s: MET ($pct)"
      else
        target_line="target: /auth/me >= 30% of hello-world req/s: NOT MET ($pct)"
      fi
    fi
  done
  echo
  if [ -n "$target_line" ]; then echo "$target_line"; fi
  if [ "${#failed_endpoints[@]}" -gt 0 ]; then
    echo "INVALID RUN: non-2xx responses (${failed_endpoints[*]})"
  fi
} >"$WORK/table.txt"

echo
cat "$WORK/table.txt"
echo
if [ "$HELLO_ONLY" -eq 0 ]; then
  mkdir -p "$RESULTS_DIR"
  cp "$WORK/table.txt" "$RESULTS_FILE"
  log "written to ${RESULTS_FILE#"$ROOT"/}"
else
  log "--hello-only: ${RESULTS_FILE#"$ROOT"/} left unchanged"
fi

if [ "${#failed_endpoints[@]}" -gt 0 ]; then
  for name in me list; do
    if [ -f "$WORK/$name.wrk" ] && grep -q 'Non-2xx' "$WORK/$name.wrk"; then
      log "wrk output for $name:"
      cat "$WORK/$name.wrk" >&2
    fi
  done
  if [ -n "$PARLEY_PID" ]; then
    log "last lines of the Parley log:"
    tail -n 30 "$WORK/parley.log" >&2 || true
  fi
  die "non-2xx responses during the benchmark: the figures above are not valid"
fi
if [ "${BENCH_STRICT:-0}" = "1" ] && [[ "$target_line" == *"NOT MET"* ]]; then
  die "BENCH_STRICT=1 and the /auth/me target was not met"
fi
