#!/usr/bin/env bash
# Analytics at a million messages: seeds MESSAGES (default 1,000,000) messages into a fresh SQLite
# Parley through the real schema, lets the rollup catch up once (timed), then measures the p99 of
# each analytics endpoint with wrk. Target (issue 6): p99 under 200 ms.
#   bash bench/analytics.sh                     # ~3 minutes on 2 cores
#   MESSAGES=200000 DURATION=5 bash bench/analytics.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
MESSAGES="${MESSAGES:-1000000}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
command -v python3 >/dev/null 2>&1 || die "python3 not found"

build_release "$ROOT/src/Parley.Server" parley
start_parley
TOKEN="$(admin_token)"
ADMIN_ID="$(json_field id <"$WORK/register.json")"
TENANT="00000000-0000-0000-0000-000000000001"

log "seeding $MESSAGES messages into $PARLEY_DATA/parley.db"
seed_start=$(date +%s.%N)
read -r stored sessions <<<"$(python3 "$ROOT/bench/analytics_seed.py" "$PARLEY_DATA/parley.db" "$TENANT" "$ADMIN_ID" "$MESSAGES" 90)"
seed_s=$(echo "$(date +%s.%N) - $seed_start" | bc)
log "stored $stored messages in $sessions conversations in ${seed_s}s"
# Seeded rows carry past timestamps, which the incremental rollup (it follows recent changes) does
# not look back for: clearing the watermark makes the next catch-up rebuild every day.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=60); c.execute("DELETE FROM analytics_rollup_state"); c.commit()' "$PARLEY_DATA/parley.db"

log "first read: the rollup catches up over every seeded day"
rollup_start=$(date +%s.%N)
code="$(curl -s -o "$WORK/first.json" -w '%{http_code}' --max-time 600 -H "Authorization: Bearer $TOKEN" "$PARLEY/api/v1/analytics/dashboard")"
rollup_s=$(echo "$(date +%s.%N) - $rollup_start" | bc)
[ "$code" = 200 ] || die "GET /analytics/dashboard -> $code: $(head -c 500 "$WORK/first.json")"
log "rollup caught up in ${rollup_s}s: $(head -c 300 "$WORK/first.json")"

endpoints=(
  "dashboard|/api/v1/analytics/dashboard"
  "conversations-daily|/api/v1/analytics/conversations?timeframe=daily&start_date=$(date -u -d '-90 days' +%F)"
  "conversations-hourly|/api/v1/analytics/conversations?timeframe=hourly&start_date=$(date -u -d '-7 days' +%F)"
  "stats|/api/v1/analytics/stats"
  "usage-30d|/api/v1/analytics/usage?period=30d"
  "performance|/api/v1/analytics/performance"
)
rows=()
for entry in "${endpoints[@]}"; do
  name="${entry%%|*}"
  path="${entry#*|}"
  run_wrk "$name" "$PARLEY$path" "$TOKEN"
  read -r rps p50 p99 reqs non2xx serr <<<"$(parse_wrk "$WORK/$name.wrk")"
  verdict=$(awk -v p="$p99" 'BEGIN { print (p < 200 ? "MET" : "NOT MET") }')
  rows+=("$(printf '%-22s %9s %9s %9s %8s %7s  %s' "$name" "$rps" "$p50" "$p99" "$reqs" "$non2xx" "$verdict")")
  [ "$non2xx" = 0 ] && [ "$serr" = 0 ] || log "WARNING: $name had $non2xx non-2xx responses and $serr socket errors"
done

mkdir -p "$RESULTS_DIR"
{
  machine_lines
  echo "data:    $stored messages, $sessions conversations over 90 days in one tenant (SQLite); seeded in ${seed_s}s; first rollup ${rollup_s}s"
  echo "uptime: $(uptime)"
  echo
  printf '%-22s %9s %9s %9s %8s %7s  %s\n' endpoint "req/s" "p50 ms" "p99 ms" requests non2xx "p99<200ms"
  printf '%s\n' "${rows[@]}"
} | tee "$RESULTS_DIR/analytics-latest.txt"
