#!/usr/bin/env bash
# Streaming relay benchmark: Parley (built-in understanding, SQLite) answering through a fake
# OpenAI-compatible SSE server (bench/StreamingBench) on a local port.
#   - time to first token ADDED by Parley: median TTFT through POST /api/v1/chat/stream minus median
#     TTFT straight from the fake, both measured by the same client, requests alternating (target < 2 ms);
#   - tokens/s through one long stream (target >= 5,000).
#
#   bash bench/streaming.sh
#
# Environment: SAMPLES (turns measured, 200), TOKENS (tokens in the long stream, 20000), WARMUP
# (at least this many seconds of alternating warm-up pairs first, 15), WARMUP_MAX (120): a fresh
# server runs unoptimised code until the tiered JIT has recompiled the hot methods (about 30 s of
# this load on 2 cores), and the figure wanted is a running server's, so the warm-up goes on until
# Parley's /metrics shows fewer than 100 methods compiled in 5 s, or WARMUP_MAX has passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SAMPLES="${SAMPLES:-200}"
TOKENS="${TOKENS:-20000}"
WARMUP="${WARMUP:-15}"
WARMUP_MAX="${WARMUP_MAX:-120}"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
build_release "$ROOT/bench/StreamingBench/StreamingBench.csproj" streaming-bench

FAKE_PORT="$(svc_free_port 58190)"
port="$(svc_free_port 58290)"
PARLEY_DATA="$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-data.XXXXXX")"
log "starting Parley on 127.0.0.1:$port with its LLM at the fake on 127.0.0.1:$FAKE_PORT"
(
  cd "$PARLEY_DIR"
  exec env PARLEY_DATA_DIR="$PARLEY_DATA" \
    Logging__LogLevel__Default=Warning \
    Parley__RateLimiting__Enabled=false \
    Parley__Llm__BaseUrl="http://127.0.0.1:$FAKE_PORT/v1" \
    Parley__Llm__Model=bench \
    Parley__Llm__MaxTokens=1000000 \
    Parley__Llm__MaxStreamSeconds=600 \
    Parley__Llm__TimeoutSeconds=60 \
    ASPNETCORE_ENVIRONMENT=Production \
    dotnet Parley.Server.dll --urls "http://127.0.0.1:$port"
) </dev/null >"$WORK/parley.log" 2>&1 &
PIDS+=("$!")
PARLEY="http://127.0.0.1:$port"
wait_http "$PARLEY/health" "$!" Parley "$WORK/parley.log"
TOKEN="$(admin_token)"

log "measuring ($SAMPLES turns each way, then one stream of $TOKENS tokens)"
dotnet "$ROOT/bench/StreamingBench/bin/Release/net10.0/StreamingBench.dll" \
  --fake-port "$FAKE_PORT" --parley "$PARLEY" --token "$TOKEN" --samples "$SAMPLES" --tokens "$TOKENS" --warmup-seconds "$WARMUP" --warmup-max-seconds "$WARMUP_MAX" >"$WORK/figures.txt" ||
  {
    tail -n 40 "$WORK/parley.log" >&2
    die "StreamingBench failed"
  }

{
  echo "Parley streaming relay benchmark (fake OpenAI-compatible SSE server, SQLite), $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr); dotnet $(dotnet --version)"
  echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none); fake server, Parley and client share the machine"
  echo
  cat "$WORK/figures.txt"
} >"$WORK/table.txt"

echo
cat "$WORK/table.txt"
mkdir -p "$RESULTS_DIR"
cp "$WORK/table.txt" "$RESULTS_DIR/streaming-latest.txt"
log "written to bench/results/streaming-latest.txt"
