#!/usr/bin/env bash
# The chat widget's figures (issue 14), printed, never asserted:
#   - widget.js size, raw and gzipped (budget: <= 25 KB gzipped);
#   - launcher visible after widget.js has loaded, p50 over LOADS (20) loads of /demo in Debian's chromium;
#   - first token visible in the widget minus first token received on its socket, p50 over QUESTIONS (50);
#   - server memory per connected visitor with VISITORS (2000) idle visitors, each on its own socket.
#
#   bash bench/widget.sh
#
# Needs node/npm (bench/widget/package.json + lockfile: playwright-core, ws) and /usr/bin/chromium.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCRIPT="$ROOT/src/Parley.Server/Widget/Assets/widget.js"
RAW=$(wc -c <"$SCRIPT")
GZ=$(gzip -9 -c "$SCRIPT" | wc -c)
printf 'widget.js: %d bytes, %d bytes gzipped (%.1f KB of the 25 KB budget)\n' "$RAW" "$GZ" "$(echo "$GZ / 1024" | bc -l)"
[ "${SIZE_ONLY:-0}" = 1 ] && exit 0

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export Parley__RateLimiting__WebSocketConnectionsPerUser=100
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
command -v chromium >/dev/null || svc_apt_install chromium
(cd "$ROOT/bench/widget" && npm ci --no-audit --no-fund --silent)
build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
start_parley
TOKEN="$(admin_token)"
SERVER_PID="${PIDS[-1]}" node "$ROOT/bench/widget/measure.mjs" "$PARLEY" "$TOKEN" | tee "$RESULTS_DIR/widget-latest.txt"
