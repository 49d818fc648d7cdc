#!/usr/bin/env bash
# Peak memory of Parley while it ingests a zip-bomb DOCX (issue 13): a document part of ~1 GB of
# repeated paragraphs, about 1 MB compressed, uploaded through POST /files/upload. Samples the
# server's RSS (and the kernel's high-water mark, VmHWM) every 0.1 s until the source settles,
# checks /health meanwhile, and prints the figures with the source's status and error.
#
#   bash bench/ingest-bomb.sh              # builds Parley (Release) first
#   SKIP_BUILD=1 bash bench/ingest-bomb.sh # uses the existing Release build
#
# Environment: BOMB_MB (unpacked size of the document part, default 1024).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BOMB_MB="${BOMB_MB:-1024}"
export BENCH_NO_WRK=1

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  build_release "$ROOT/src/Parley.Server/Parley.Server.csproj" parley
fi

log "writing a DOCX whose document part unpacks to $BOMB_MB MB"
python3 - "$WORK/bomb.docx" "$BOMB_MB" <<'PY'
import sys, zipfile
path, mb = sys.argv[1], int(sys.argv[2])
w = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    para = b'<w:p><w:r><w:t>Refunds are accepted within thirty days of delivery for unused items.</w:t></w:r></w:p>'
    block = para * (65536 // len(para))
    with z.open('word/document.xml', 'w', force_zip64=True) as f:
        f.write(('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="%s"><w:body>' % w).encode())
        for _ in range(mb * 1024 * 1024 // len(block)):
            f.write(block)
        f.write(b'</w:body></w:document>')
PY
log "bomb: $(stat -c %s "$WORK/bomb.docx") bytes packed"

start_parley
PID="${PIDS[-1]}"
TOKEN="$(admin_token)"
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
BASE_RSS="$(kb VmRSS)"

curl -s -o "$WORK/upload.json" -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
  -F "file=@$WORK/bomb.docx;filename=bomb.docx" "$PARLEY/api/v1/files/upload" >"$WORK/upload.code"
[ "$(cat "$WORK/upload.code")" = "202" ] || die "upload answered $(cat "$WORK/upload.code"): $(cat "$WORK/upload.json")"
STATUS_URL="$PARLEY$(json_field status_url <"$WORK/upload.json")"

PEAK=0 HEALTH_FAILS=0 STATUS="" START=$SECONDS
while [ $((SECONDS - START)) -lt 600 ]; do
  RSS="$(kb VmRSS)"
  [ "$RSS" -gt "$PEAK" ] && PEAK="$RSS"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$PARLEY/health")" = "200" ] || HEALTH_FAILS=$((HEALTH_FAILS + 1))
  curl -s --max-time 5 -H "Authorization: Bearer $TOKEN" "$STATUS_URL" >"$WORK/status.json" || true
  STATUS="$(json_field status <"$WORK/status.json" 2>/dev/null || true)"
  case "$STATUS" in ready | failed) break ;; esac
  sleep 0.1
done

SOURCE_CODE="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "${STATUS_URL%/status}")"
{
  echo "# bench/ingest-bomb.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "bomb: ${BOMB_MB} MB unpacked, $(stat -c %s "$WORK/bomb.docx") bytes packed"
  echo "source: status=$STATUS error=$(json_field error <"$WORK/status.json") (GET source: $SOURCE_CODE) after $((SECONDS - START)) s"
  echo "RSS before upload: $((BASE_RSS / 1024)) MB; peak RSS while processing: $((PEAK / 1024)) MB; VmHWM (whole life): $(($(kb VmHWM) / 1024)) MB"
  echo "/health failures while processing: $HEALTH_FAILS"
} | tee "$RESULTS_DIR/ingest-bomb-latest.txt"
