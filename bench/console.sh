#!/usr/bin/env bash
# The console in a real browser: load to interactive (p50 of LOADS loads, cold and warm cache) and
# the inbox opened over CONVERSATIONS conversations (default 10,000) on the embedded default (SQLite).
# Target (issue 15): under 1 s each. Figures are printed, not asserted.
#   bash bench/console.sh                        # a few minutes on 2 cores (seeding is most of it)
#   CONVERSATIONS=2000 LOADS=10 bash bench/console.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONVERSATIONS="${CONVERSATIONS:-10000}"
LOADS="${LOADS:-20}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
[ -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ] || die "chromium not found: apt-get install chromium (or set PARLEY_CHROMIUM)"

build_release "$ROOT/src/Parley.Server" parley
build_release "$ROOT/bench/ConsoleBench" console-bench
start_parley
admin_token >/dev/null

log "seeding $CONVERSATIONS conversations, then measuring in chromium"
dotnet "$ROOT/bench/ConsoleBench/bin/Release/net10.0/ConsoleBench.dll" "$PARLEY" bench@example.com Bench-password-123 "$CONVERSATIONS" "$LOADS" |
  tee "$ROOT/bench/results/console-latest.txt"
{
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr); dotnet $(dotnet --version); $(${PARLEY_CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null | head -1)"
  echo "server:  Release build (not published), SQLite, browser and server on the same machine"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee -a "$ROOT/bench/results/console-latest.txt"
