#!/usr/bin/env bash
# HTTP API latency benchmark for Vigil. See benchmarks/README.md.
#
#   benchmarks/api.sh               # 200 requests of each kind
#   benchmarks/api.sh --runs 1000
#
# Options:
#   --runs N      requests per kind (default 200)
#   --port P      port for `vigil serve` (default: a free one)
#   --no-record   print the figures but do not write benchmarks/record/
#
# Builds the release binary (CARGO_TARGET_DIR is honoured), loads the demo
# corpus into a fresh data directory and extracts its event reports, starts
# `vigil serve` on it, then times, over one keep-alive connection, N
# requests each of: a page of 50 event reports, a search, one document
# with its copies, a page of 50 incidents, the incident with the most
# reports, and a tally series (claimed attacks on the SDF, every week).
# Prints p50/p95/max per kind and writes benchmarks/record/YYYY-MM-DD-api.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=200
PORT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        *) common_opt "$@" || unknown_opt "$1"; shift "$SHIFT" ;;
    esac
done

build_release vigil-cli

DATA="$(mktemp -d)"
cleanup() {
    stop_server
    rm -rf "$DATA"
}
trap cleanup EXIT

echo "== loading and extracting the demo corpus into $DATA" >&2
"$BIN" --data-dir "$DATA" --quiet demo --into "$DATA"   # extracts and links too

start_server "$DATA" "$PORT"

echo "== timing $RUNS requests of each kind on port $PORT" >&2
API="http://127.0.0.1:$PORT/api/v1"
# A document with copies, so that the copies query runs too; the incident
# with the most reports, for an incident page.
DOC="$(curl -fsS "$API/documents?limit=500" | python3 -c 'import json, sys; print(next(d["id"] for d in json.load(sys.stdin)["items"] if d["copies"] > 0))')"
INC="$(curl -fsS "$API/incidents?limit=200" | python3 -c 'import json, sys; print(max(json.load(sys.stdin)["items"], key=lambda i: len(i["reports"]))["id"])')"
FIGURES="$(time_requests "$PORT" "$RUNS" 3600 <<EOF
reports page (limit 50)	/api/v1/reports?limit=50&sort=-date
search (q=Qamishli)	/api/v1/search?q=Qamishli
document $DOC with copies	/api/v1/documents/$DOC
incidents page (limit 50)	/api/v1/incidents?limit=50
incident $INC with its reports	/api/v1/incidents/$INC
tally series (claims on the SDF)	/api/v1/tally?measure=claims&target=Syrian%20Democratic%20Forces
EOF
)"
echo "$FIGURES"

if [ "$RECORD" = 1 ]; then
    DAY="$(date -u +%Y-%m-%d)"
    OUTFILE="$HERE/record/$DAY-api.md"
    n=2
    while [ -e "$OUTFILE" ]; do OUTFILE="$HERE/record/$DAY-api-$n.md"; n=$((n + 1)); done
    {
        echo "# API latency, $DAY"
        echo
        echo "\`benchmarks/api.sh --runs $RUNS\`: \`vigil serve\` (release build) on the demo store"
        echo "(131 documents, reports extracted and linked), one keep-alive HTTP/1.1 connection"
        echo "from a Python client on the same machine, 5 warm-up requests per kind"
        echo "(load: the 1-minute load average when the kind began)."
        echo
        echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr);"
        echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); commit $(cd "$ROOT" && git rev-parse --short HEAD)."
        echo
        echo "$FIGURES"
    } > "$OUTFILE"
    echo "written: ${OUTFILE#$ROOT/}" >&2
fi
