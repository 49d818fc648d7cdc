#!/usr/bin/env bash
# Runs every Parley test, on a fresh machine and in CI.
#
#   ./test.sh                         # all tests
#   ./test.sh --filter "FullyQualifiedName~Auth"   # extra args go to `dotnet test`
#
# Starts a throwaway PostgreSQL 15 and Redis on free 127.0.0.1 ports (see
# scripts/services.sh; as root, missing packages are installed with apt-get),
# exports PARLEY_TEST_POSTGRES and PARLEY_TEST_REDIS for the tests, runs
# `dotnet test`, prints "N passed, N failed" as the last line, stops both servers
# and removes their data, and exits with dotnet test's exit code.
#
# Tests that need ../shared/data (the labelled evaluation data beside the
# repository, not part of it) are listed as "not run: <test> (<reason>)" when it is
# absent; PARLEY_REQUIRE_SHARED_DATA=1 (set by .ci/run) makes them fail instead.
# Browser tests (Playwright driving Debian's chromium, installed with apt as root)
# likewise; PARLEY_REQUIRE_BROWSER=1 (set by .ci/run) makes them fail without it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [ "${CI:-}" = "true" ]; then
  # No MSBuild worker nodes left running after the job.
  export MSBUILDDISABLENODEREUSE=1
fi

TEST_LOG=""
# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_services
  if [ -n "$TEST_LOG" ]; then rm -f "$TEST_LOG"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: dotnet not found; install the .NET 10 SDK" >&2
  exit 1
fi

if ! start_postgres; then
  echo "test.sh: could not start PostgreSQL 15 (as root this script installs postgresql-15;" \
    "otherwise: sudo apt-get install -y postgresql-15)" >&2
  exit 1
fi
if ! start_redis; then
  echo "test.sh: could not start Redis (as root this script installs it;" \
    "otherwise: sudo apt-get install -y redis-server)" >&2
  exit 1
fi

# PDF uploads are read with pdftotext; the knowledge tests cover both its presence and its absence.
if ! command -v pdftotext >/dev/null 2>&1 && svc_is_root; then
  svc_apt_install poppler-utils || echo "test.sh: poppler-utils not installed; PDF uploads will be refused with 503" >&2
fi

# Browser tests drive Debian's chromium through Playwright for .NET (which never downloads a
# browser here). Without it they are listed as "not run"; PARLEY_REQUIRE_BROWSER=1 (.ci/run) fails them.
if [ -z "${PARLEY_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && svc_is_root; then
  svc_apt_install chromium || echo "test.sh: chromium not installed; browser tests will not run" >&2
fi

echo "PARLEY_TEST_POSTGRES=$PARLEY_TEST_POSTGRES"
echo "PARLEY_TEST_REDIS=$PARLEY_TEST_REDIS"

TEST_LOG="$(mktemp "${TMPDIR:-/tmp}/parley-test-log.XXXXXX")"

set +e
dotnet test Parley.slnx -c Release --logger "console;verbosity=normal" "$@" </dev/null 2>&1 | tee "$TEST_LOG"
dotnet_rc=${PIPESTATUS[0]}
set -e
rc=$dotnet_rc

# Sum the per-assembly summaries. With the console logger at normal verbosity
# each test assembly ends with
#   Test Run Failed.            (or: Test Run Successful.)
#   Total tests: 4
#        Passed: 2
#        Failed: 1
#       Skipped: 1
#    Total time: 1.6 Seconds
# and at minimal verbosity (if another logger is passed in "$@") with
#   Failed!  - Failed:     1, Passed:     2, Skipped:     1, Total:     4, Duration: ... - X.dll (net10.0)
# Count the compact lines if there are any, the blocks otherwise (never both).
read -r passed failed skipped _ < <(
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$TEST_LOG" | awk '
    function num(s) { gsub(/[^0-9]/, "", s); return s + 0 }
    /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
      line = $0
      if (match(line, /Failed: +[0-9]+/))  cf += num(substr(line, RSTART, RLENGTH))
      if (match(line, /Passed: +[0-9]+/))  cp += num(substr(line, RSTART, RLENGTH))
      if (match(line, /Skipped: +[0-9]+/)) cs += num(substr(line, RSTART, RLENGTH))
      cn++
      next
    }
    /^Total tests: +[0-9]+ *$/ { inblock = 1; bn++; next }
    inblock && /^ +Passed: +[0-9]+ *$/  { bp += num($0); next }
    inblock && /^ +Failed: +[0-9]+ *$/  { bf += num($0); next }
    inblock && /^ +Skipped: +[0-9]+ *$/ { bs += num($0); next }
    inblock && /Total time:/ { inblock = 0 }
    END {
      if (cn > 0) printf "%d %d %d %d\n", cp, cf, cs, cn
      else        printf "%d %d %d %d\n", bp, bf, bs, bn
    }'
)

if [ "$rc" -eq 0 ] && [ "$((passed + failed))" -eq 0 ]; then
  echo "test.sh: no tests ran" >&2
  rc=1
fi
if [ "$dotnet_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test exited with code $dotnet_rc although no test failed" \
    "(build error, crashed test host, or an assembly without tests: see the output above)" >&2
fi
# Repeat each failure (name, message, first stack lines) at the end, where a CI
# log that keeps only its tail still shows it.
if [ "$failed" -gt 0 ]; then
  echo "== failed tests"
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$TEST_LOG" | awk '
    /^  Failed [A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+/ { show = 1; n = 0; print; next }
    show && /^  (Passed|Failed|Skipped) / { show = 0 }
    show && /^\[xUnit/ { show = 0 }
    show && n < 25 { print; n++ }'
fi
# Tests that need ../shared/data (the labelled evaluation data beside the repository, absent
# from a fresh clone) are not run without it; xunit reports them as skipped with the reason on
# the next line. List each by name and reason. CI sets PARLEY_REQUIRE_SHARED_DATA=1, which makes
# them run, and fail, instead.
if [ "$skipped" -gt 0 ]; then
  echo "== not run"
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$TEST_LOG" | awk '
    /^\[xUnit\.net [^]]*\] +[^ ]+ \[SKIP\] *$/ { n = $0; sub(/ \[SKIP\] *$/, "", n); sub(/^.*\] +/, "", n); pending = n; next }
    pending != "" && /^\[xUnit\.net / { r = $0; sub(/^\[xUnit\.net [^]]*\] +/, "", r); printf "not run: %s (%s)\n", pending, r; pending = "" }'
  echo "$skipped not run (listed above)"
fi
echo "$passed passed, $failed failed"
exit "$rc"
