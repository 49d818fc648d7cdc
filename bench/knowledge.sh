#!/usr/bin/env bash
# Knowledge benchmark: ingestion throughput (chunks/s through the durable queue, chunker and FTS5
# index) and search latency (the hybrid search service, in process) at CHUNKS chunks on SQLite.
# Targets (issue 4): ingestion >= 500 chunks/s; search p50 < 5 ms and p99 < 20 ms at 100,000 chunks.
#
#   bash bench/knowledge.sh
#
# Environment: CHUNKS (default 100000), QUERIES (1000); ENCODER_CHUNKS (default 1000) and
# ENCODER_QUERIES (200) for the second run.
# Two runs: issue 4's figures are the keyword index's (Provider=none: chunker, queue, FTS5, BM25);
# the second run is the default, with the built-in sentence encoder (decision 0026/0027) embedding
# every chunk at ingestion and every query, at a smaller size because each chunk costs the encoder.
# Each run also prints the time to searchable (every source's keyword index stored: it is ready) and the time to
# fully embedded (every vector filled in by the background fill, decision 0030).
# Wall-clock figures move with the machine's load; the process CPU time per chunk and per query is
# printed beside them as the load-independent figure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CHUNKS="${CHUNKS:-100000}"
QUERIES="${QUERIES:-1000}"
ENCODER_CHUNKS="${ENCODER_CHUNKS:-1000}"
ENCODER_QUERIES="${ENCODER_QUERIES:-200}"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
# Run from a copy so a rebuild during the run cannot change the binaries under it.
cp -r "$PARLEY_DIR" "$WORK/parley"

log "ingesting $CHUNKS chunks, then $QUERIES searches"
{
  echo "# bench/knowledge.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "## keyword index only (Parley__Knowledge__Embeddings__Provider=none)"
  Parley__Knowledge__Embeddings__Provider=none dotnet "$WORK/parley/Parley.Server.dll" bench-knowledge --chunks "$CHUNKS" --queries "$QUERIES"
  echo "# targets (issue 4): ingestion >= 500 chunks/s; search p50 < 5 ms, p99 < 20 ms at 100,000 chunks"
  echo "## the default: built-in sentence encoder (Provider=builtin)"
  Parley__Knowledge__Embeddings__Provider=builtin dotnet "$WORK/parley/Parley.Server.dll" bench-knowledge --chunks "$ENCODER_CHUNKS" --queries "$ENCODER_QUERIES"
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/out.txt"
mkdir -p "$RESULTS_DIR"
cp "$WORK/out.txt" "$RESULTS_DIR/knowledge-latest.txt"
log "wrote $RESULTS_DIR/knowledge-latest.txt"
