#!/usr/bin/env bash
# Idle WebSocket capacity: opens COUNT (default 5000) WebSocket connections, one per conversation
# (/ws/chat/{id}; CONVERSATIONS defaults to COUNT), holds them idle, and reports how many stayed
# open and the server's resident memory per connection.
#
#   bash bench/websocket.sh
#
# The per-user connection limit (10 by default) is raised for this run, since every socket uses
# the same account; file-descriptor limits are raised for both processes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${COUNT:-5000}"
HOLD="${HOLD:-10}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export Parley__RateLimiting__WebSocketConnectionsPerUser=$((COUNT + 10))

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
build_release "$ROOT/bench/SocketHold/SocketHold.csproj" sockethold
start_parley
TOKEN="$(admin_token)"
# The subshell that started Parley exec'ed dotnet, so the recorded PID is the server's.
SERVER_PID="${PIDS[-1]}"
CONVERSATIONS="${CONVERSATIONS:-$COUNT}"
log "creating $CONVERSATIONS conversations (8 at a time)"
mkdir -p "$WORK/sessions"
batch=()
for ((i = 1; i <= CONVERSATIONS; i++)); do
  post_json "$PARLEY/api/v1/sessions/create" '{"channel":"web"}' "$WORK/sessions/$i.json" "$TOKEN" >/dev/null &
  batch+=("$!")
  if ((${#batch[@]} == 8 || i == CONVERSATIONS)); then
    wait "${batch[@]}" || true
    batch=()
  fi
done
python3 - "$WORK/sessions" "$CONVERSATIONS" "ws://${PARLEY#http://}" "$TOKEN" >"$WORK/urls.txt" <<'PY' || die "a conversation was not created"
import json, sys
folder, count, base, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
for i in range(1, count + 1):
    with open(f"{folder}/{i}.json") as f:
        print(f"{base}/ws/chat/{json.load(f)['session_id']}?token={token}")
PY

log "opening $COUNT WebSockets and holding them ${HOLD}s"
{
  echo "Parley idle WebSocket benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) cores, $(uname -sr); dotnet $(dotnet --version); client and server on the same machine"
  dotnet "$ROOT/bench/SocketHold/bin/Release/net10.0/SocketHold.dll" "$WORK/urls.txt" "$COUNT" "$SERVER_PID" "$HOLD"
} | tee "$WORK/table.txt"
mkdir -p "$RESULTS_DIR"
cp "$WORK/table.txt" "$RESULTS_DIR/websocket-latest.txt"
