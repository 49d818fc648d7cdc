#!/usr/bin/env bash
# Webhook delivery fairness: tenant A has DEAD_DELIVERIES (5,000) pending deliveries to DEAD_ENDPOINTS
# (4) endpoints that never answer; tenant B's healthy endpoint then receives EVENTS (100) events,
# and the script prints B's event-to-receiver latency (p50/p95/p99). Parley runs with its defaults
# (10 s timeout, 16 deliveries in flight) except that the outbound guard allows 127.0.0.1.
#
#   bash bench/webhooks.sh                 # about 2-3 minutes on 2 cores
#   DEAD_DELIVERIES=1000 bash bench/webhooks.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEAD_DELIVERIES="${DEAD_DELIVERIES:-5000}"
DEAD_ENDPOINTS="${DEAD_ENDPOINTS:-4}"
EVENTS="${EVENTS:-100}"
EVENT_GAP="${EVENT_GAP:-0.2}"
WAIT="${WAIT:-60}"
export Parley__Outbound__Allow__0=127.0.0.1

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
python3 "$ROOT/bench/webhooks_receiver.py" "$WORK/receiver.port" "$WORK/latency.txt" >"$WORK/receiver.log" 2>&1 &
PIDS+=("$!")
for ((i = 0; i < 50; i++)); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
[ -s "$WORK/receiver.port" ] || die "the receiver did not start"
RECEIVER="http://127.0.0.1:$(cat "$WORK/receiver.port")"
start_parley
PLATFORM="$(admin_token)"

# tenant NAME: creates a tenant with its own admin (as the platform admin) and prints the admin's token.
tenant() {
  local code
  code="$(post_json "$PARLEY/api/v1/tenants" \
    "{\"name\":\"$1\",\"admin\":{\"email\":\"$1@example.com\",\"username\":\"$1\",\"password\":\"Bench-password-123\",\"full_name\":\"$1\"}}" \
    "$WORK/tenant-$1.json" "$PLATFORM")"
  [[ "$code" == 2* ]] || die "POST /api/v1/tenants -> $code: $(head -c 500 "$WORK/tenant-$1.json")"
  code="$(post_json "$PARLEY/api/v1/auth/login" "{\"email\":\"$1@example.com\",\"password\":\"Bench-password-123\"}" "$WORK/login-$1.json")"
  [[ "$code" == 2* ]] || die "login $1 -> $code"
  json_field access_token <"$WORK/login-$1.json"
}

# subscribe TOKEN URL: one endpoint for conversation.created.
subscribe() {
  local code
  code="$(post_json "$PARLEY/api/v1/webhooks" "{\"url\":\"$2\",\"events\":[\"conversation.created\"]}" "$WORK/webhook.json" "$1")"
  [[ "$code" == 201 ]] || die "POST /api/v1/webhooks -> $code: $(head -c 500 "$WORK/webhook.json")"
}

A="$(tenant flooder)"
B="$(tenant bystander)"
for ((i = 1; i <= DEAD_ENDPOINTS; i++)); do subscribe "$A" "$RECEIVER/dead/$i"; done
sessions=$(((DEAD_DELIVERIES + DEAD_ENDPOINTS - 1) / DEAD_ENDPOINTS))
log "tenant A: $sessions conversations x $DEAD_ENDPOINTS dead endpoints = $((sessions * DEAD_ENDPOINTS)) deliveries (8 requests at a time)"
started=$SECONDS
batch=()
for ((i = 1; i <= sessions; i++)); do
  post_json "$PARLEY/api/v1/sessions/create" '{"channel":"web"}' /dev/null "$A" >/dev/null &
  batch+=("$!")
  if ((${#batch[@]} == 8 || i == sessions)); then
    wait "${batch[@]}" || true
    batch=()
  fi
done
log "tenant A's backlog created in $((SECONDS - started)) s; dead endpoints hit $(curl -s "$RECEIVER/") times so far"

subscribe "$B" "$RECEIVER/healthy"
log "tenant B: $EVENTS events, one every ${EVENT_GAP}s"
for ((i = 1; i <= EVENTS; i++)); do
  code="$(post_json "$PARLEY/api/v1/sessions/create" '{"channel":"web"}' /dev/null "$B")"
  [[ "$code" == 201 ]] || die "tenant B POST /sessions/create -> $code"
  sleep "$EVENT_GAP"
done
for ((i = 0; i < WAIT * 10; i++)); do
  [ "$(wc -l <"$WORK/latency.txt" 2>/dev/null || echo 0)" -ge "$EVENTS" ] && break
  sleep 0.1
done

{
  echo "Parley webhook fairness benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr); dotnet $(dotnet --version)"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD)$([ -z "$(git -C "$ROOT" status --porcelain)" ] || echo ' (dirty tree)')"
  echo "setup:   tenant A: $((sessions * DEAD_ENDPOINTS)) pending deliveries to $DEAD_ENDPOINTS endpoints that never answer (Parley defaults: 10 s timeout, 16 in flight)"
  echo "         tenant B: $EVENTS events (conversation.created) one every ${EVENT_GAP}s to a healthy endpoint"
  echo "dead endpoints were attempted $(curl -s "$RECEIVER/") times in all"
  python3 - "$WORK/latency.txt" "$EVENTS" <<'PY'
import sys
path, expected = sys.argv[1], int(sys.argv[2])
try:
    values = sorted(float(v) for v in open(path) if v.strip())
except FileNotFoundError:
    values = []
import math
def pct(p):  # nearest rank
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)] * 1000 if values else float("nan")
print(f"tenant B received {len(values)} of {expected} events")
print(f"latency event -> receiver (ms): p50 {pct(50):.0f}  p95 {pct(95):.0f}  p99 {pct(99):.0f}  max {(values[-1] * 1000 if values else float('nan')):.0f}")
ok = len(values) == expected and pct(99) < 5000
print("target p99 < 5000 ms (every event received): " + ("MET" if ok else "NOT MET"))
PY
} | tee "$WORK/table.txt"
mkdir -p "$RESULTS_DIR"
cp "$WORK/table.txt" "$RESULTS_DIR/webhooks-latest.txt"
