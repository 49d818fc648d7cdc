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

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
RESULTS_FILE="$RESULTS_DIR/foundation-latest.txt"
HELLO_DIR="$ROOT/bench/HelloWorld/bin/Release/net10.0"

build_release "$ROOT/bench/HelloWorld/HelloWorld.csproj" hello
if [ "$HELLO_ONLY" -eq 0 ]; then
  build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
fi

HELLO_PORT="$(svc_free_port 58080)"
log "starting HelloWorld on 127.0.0.1:$HELLO_PORT"
(
  cd "$HELLO_DIR"
  exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet HelloWorld.dll --urls "http://127.0.0.1:$HELLO_PORT"
) </dev/null >"$WORK/hello.log" 2>&1 &
PIDS+=("$!")
HELLO="http://127.0.0.1:$HELLO_PORT"
wait_http "$HELLO/hello" "$!" HelloWorld "$WORK/hello.log"

PARLEY=""
if [ "$HELLO_ONLY" -eq 0 ]; then
  start_parley
  TOKEN="$(admin_token)"
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

run_wrk hello "$HELLO/hello"
if [ "$HELLO_ONLY" -eq 0 ]; then
  run_wrk me "$PARLEY/api/v1/auth/me" "$TOKEN"
  run_wrk list "$PARLEY/api/v1/users?page=1&size=20" "$TOKEN"
fi

# ---------------------------------------------------------------- report
read -r hello_rps _ <<<"$(parse_wrk "$WORK/hello.wrk")"
failed_endpoints=()
target_line=""
{
  echo "Parley foundation benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  machine_lines
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
  if [ -n "$PARLEY" ]; then
    log "last lines of the Parley log:"
    tail -n 30 "$WORK/parley.log" >&2 || true
  fi
  die "non-2xx responses during the benchmark: the figures above are not valid"
fi
if [ "${BENCH_STRICT:-0}" = "1" ] && [[ "$target_line" == *"NOT MET"* ]]; then
  die "BENCH_STRICT=1 and the /auth/me target was not met"
fi
