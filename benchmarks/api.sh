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
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$DATA"
}
trap cleanup EXIT

echo "== loading and extracting the demo corpus into $DATA" >&2
"$BIN" --data-dir "$DATA" --quiet demo --into "$DATA"   # extracts and links too

if [ -z "$PORT" ]; then
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
"$BIN" --data-dir "$DATA" serve --port "$PORT" 2>"$DATA/serve.log" &
SERVER=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/api/v1/stats" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/api/v1/stats" >/dev/null || { cat "$DATA/serve.log" >&2; exit 1; }

echo "== timing $RUNS requests of each kind on port $PORT" >&2
FIGURES="$(python3 - "$PORT" "$RUNS" <<'PY'
import http.client, json, statistics, sys, time

port, runs = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)

def fetch(path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status}: {body[:200]!r}")
    return body

# A document with copies, so that the copies query runs too.
docs = json.loads(fetch("/api/v1/documents?limit=500"))["items"]
doc = next(d["id"] for d in docs if d["copies"] > 0)
# The incident with the most reports, for an incident page.
incs = json.loads(fetch("/api/v1/incidents?limit=200"))["items"]
inc = max(incs, key=lambda i: len(i["reports"]))["id"]
cases = [
    ("reports page (limit 50)", "/api/v1/reports?limit=50&sort=-date"),
    ("search (q=Qamishli)", "/api/v1/search?q=Qamishli"),
    (f"document {doc} with copies", f"/api/v1/documents/{doc}"),
    ("incidents page (limit 50)", "/api/v1/incidents?limit=50"),
    (f"incident {inc} with its reports", f"/api/v1/incidents/{inc}"),
    ("tally series (claims on the SDF)", "/api/v1/tally?measure=claims&target=Syrian%20Democratic%20Forces"),
]
print("| request | n | p50 ms | p95 ms | max ms | bytes |")
print("|---|---|---|---|---|---|")
for name, path in cases:
    for _ in range(5):
        fetch(path)  # warm up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        body = fetch(path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(round(q * (len(times) - 1))))]
    print(f"| {name} | {runs} | {p(0.50):.2f} | {p(0.95):.2f} | {times[-1]:.2f} | {len(body)} |")
PY
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
        echo "from a Python client on the same machine, 5 warm-up requests per kind."
        echo
        echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr);"
        echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); commit $(cd "$ROOT" && git rev-parse --short HEAD)."
        echo
        echo "$FIGURES"
    } > "$OUTFILE"
    echo "written: ${OUTFILE#$ROOT/}" >&2
fi
