#!/usr/bin/env bash
# Intent classification time per message (target, issue 4: < 1 ms), one message at a time on one
# thread, with the default model and with a 64-intent model trained on HWU64 (../shared/data).
#
#   bash bench/intents.sh            # PARLEY_SHARED_DATA overrides ../shared/data
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${PARLEY_SHARED_DATA:-$ROOT/../shared/data}"
HWU="$DATA/intents/hwu64"
[ -f "$HWU/train.csv" ] || { echo "[bench] HWU64 not found at $HWU (set PARLEY_SHARED_DATA); measuring the default model only" >&2; HWU=""; }
dotnet build "$ROOT/bench/IntentBench/IntentBench.csproj" -c Release -v quiet -nologo >/dev/null
mkdir -p "$ROOT/bench/results"
{
  echo "Parley intent classification benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr); dotnet $(dotnet --version)"
  echo
  dotnet "$ROOT/bench/IntentBench/bin/Release/net10.0/IntentBench.dll" ${HWU:+"$HWU"}
} | tee "$ROOT/bench/results/intents-latest.txt"
