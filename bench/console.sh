#!/usr/bin/env bash
# The console in a real browser: load to interactive (p50 of LOADS loads, cold and warm cache) and
# the inbox opened over CONVERSATIONS conversations (default 10,000) on the embedded default (SQLite).
# Target (issue 15): under 1 s each. Figures are printed, not asserted.
#   bash bench/console.sh                        # a few minutes on 2 cores (seeding is most of it)
#   CONVERSATIONS=2000 LOADS=10 bash bench/console.sh
#   PUBLISH=0 bash bench/console.sh             # a Release build instead of the published, trimmed app
# By default the server is published (dotnet publish -c Release: the WASM app trimmed, its files
# precompressed .br/.gz and served compressed by MapStaticAssets), as it would be deployed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONVERSATIONS="${CONVERSATIONS:-10000}"
LOADS="${LOADS:-20}"
PUBLISH="${PUBLISH:-1}"
export BENCH_NO_WRK=1
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
[ -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ] || die "chromium not found: apt-get install chromium (or set PARLEY_CHROMIUM)"

if [ "$PUBLISH" = "1" ]; then
  log "publishing Parley (Release, WASM console trimmed and precompressed)"
  dotnet publish "$ROOT/src/Parley.Server" -c Release -o "$WORK/publish" -v quiet -nologo </dev/null >"$WORK/publish.log" 2>&1 ||
    {
      tail -n 60 "$WORK/publish.log" >&2
      die "publish failed"
    }
  PARLEY_DIR="$WORK/publish"
  FRAMEWORK="$(find "$WORK/publish/wwwroot" -type d -name _framework | head -1)"
  [ -n "$FRAMEWORK" ] || die "no _framework folder in the published wwwroot"
  RAW_KIB="$(find "$(dirname "$FRAMEWORK")" -type f ! -name '*.br' ! -name '*.gz' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')"
  BR_KIB="$(find "$(dirname "$FRAMEWORK")" -type f -name '*.br' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')"
  GZ_KIB="$(find "$(dirname "$FRAMEWORK")" -type f -name '*.gz' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')"
else
  build_release "$ROOT/src/Parley.Server" parley
fi
build_release "$ROOT/bench/ConsoleBench" console-bench
start_parley
admin_token >/dev/null

log "seeding $CONVERSATIONS conversations, then measuring in chromium"
dotnet "$ROOT/bench/ConsoleBench/bin/Release/net10.0/ConsoleBench.dll" "$PARLEY" bench@example.com Bench-password-123 "$CONVERSATIONS" "$LOADS" |
  tee "$ROOT/bench/results/console-latest.txt"
{
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr); dotnet $(dotnet --version); $(${PARLEY_CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null | head -1)"
  if [ "$PUBLISH" = "1" ]; then
    echo "server:  published (dotnet publish -c Release), SQLite, browser and server on the same machine"
    echo "console files on disk: ${RAW_KIB} KiB uncompressed, ${BR_KIB} KiB as .br, ${GZ_KIB} KiB as .gz ($(dirname "$FRAMEWORK" | sed "s|$WORK/publish/||"))"
  else
    echo "server:  Release build (not published), SQLite, browser and server on the same machine"
  fi
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average when the run ended; the machine is shared)"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD)"
} | tee -a "$ROOT/bench/results/console-latest.txt"
