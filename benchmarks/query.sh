#!/usr/bin/env bash
# Query latency at scale. See benchmarks/README.md.
#
#   benchmarks/query.sh                          # 1,000,000 reports
#   benchmarks/query.sh --reports 100000
#   benchmarks/query.sh --keep-store /work/q1m   # build once, reuse after
#
# Options:
#   --reports N       generated event reports (default 1000000)
#   --keep-store DIR  build the store in DIR and keep it; reuse DIR when it
#                     already holds a store of N reports (DIR/REPORTS)
#   --runs R          requests per kind (default 200; surge scans 50, the
#                     CLI 20); a kind stops after --budget seconds too
#   --budget S        seconds of timed requests per kind at most (default 60;
#                     10 requests at least)
#   --port P          port for `vigil serve` (default: a free one)
#   --no-build        use the binaries already built (or VIGIL_BIN)
#   --no-record       print the figures but do not write benchmarks/record/
#
# VIGIL_BIN=PATH measures that `vigil` instead of the one just built (for a
# before/after comparison on one kept store).
#
# Builds `vigil` and crates/vigil-analyze/examples/link_scale.rs (release),
# writes N generated reports with their documents (one sentence in English
# or Arabic each, indexed for search) into a store and links them
# (`link_scale N STORE --text --build-only`, seeded), starts `vigil serve`
# on it and times, over one keep-alive connection after warm-up requests:
# incident pages (first, filtered by perpetrator and province, a month),
# one incident with its reports, tally series filtered by perpetrator and
# by province, surge scans of the last week over every province,
# perpetrator and target series (API, and `vigil surge --all` as a
# process), and searches (a town in English and in Arabic, a word in about
# one document in sixteen). Records the load average before and after, the
# server's peak RSS and the store's size in
# benchmarks/record/YYYY-MM-DD-query-<N>.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPORTS=1000000
KEEP=""
RUNS=200
BUDGET=60
PORT=""
BUILD_FIRST=1
while [ $# -gt 0 ]; do
    case "$1" in
        --reports) REPORTS="$2"; shift 2 ;;
        --keep-store) KEEP="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --budget) BUDGET="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        --no-build) BUILD_FIRST=0; shift ;;
        *) common_opt "$@" || unknown_opt "$1"; shift "$SHIFT" ;;
    esac
done
case "$REPORTS" in
    ''|*[!0-9]*) die "--reports takes a whole number, not '$REPORTS'" ;;
esac

# One cargo invocation for both: built apart, the features of shared
# dependencies differ (the example's dev-dependencies) and each build
# recompiles the workspace crates of the other.
if [ "$BUILD_FIRST" = 1 ]; then
    log "building the release binaries (vigil, link_scale)"
    (cd "$ROOT" && cargo build --release --locked -q -p vigil-cli -p vigil-analyze --bin vigil --example link_scale)
fi

if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP"
    DATA="$(cd "$KEEP" && pwd)"
else
    DATA="$(mktemp -d)"
fi
cleanup() {
    stop_server
    [ -n "$KEEP" ] || rm -rf "$DATA"
}
trap cleanup EXIT

BUILD="(reused)"
if [ -f "$DATA/vigil.sqlite" ] && [ "$(cat "$DATA/REPORTS" 2>/dev/null)" = "$REPORTS" ]; then
    log "reusing the store of $REPORTS reports in $DATA"
else
    log "writing and linking $REPORTS reports into $DATA"
    rm -f "$DATA/REPORTS" "$DATA"/vigil.sqlite*
    "$TARGET/release/examples/link_scale" "$REPORTS" "$DATA/vigil.sqlite" --text --build-only \
        | tee "$DATA/build.tsv" >&2
    echo "$REPORTS" > "$DATA/REPORTS"
    BUILD="$(awk -F'\t' '/^generate|^link/ {printf "%s%s: %s", sep, $1, $3; sep="; "}' "$DATA/build.tsv")"
fi

LOAD_BEFORE="$(load_avg)"
start_server "$DATA" "$PORT"
API="http://127.0.0.1:$PORT/api/v1"
STORE_MB="$(du -sbc "$DATA"/vigil.sqlite* | awk 'END {printf "%.0f", $1 / 1e6}')"

# The incident with the most reports among the latest 200, and the month
# of the latest incident.
INC="$(curl -fsS "$API/incidents?limit=200&sort=-date" | python3 -c 'import json, sys; print(max(json.load(sys.stdin)["items"], key=lambda i: len(i["reports"]))["id"])')"
LAST="$(curl -fsS "$API/incidents?limit=1&sort=-date" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["date"]["date"])')"
MONTH="${LAST%-*}"

log "timing up to $RUNS requests of each kind (at most ${BUDGET}s each) on port $PORT"
FIGURES="$(time_requests "$PORT" "$RUNS" "$BUDGET" <<EOF
incidents page (limit 50, latest first)	/api/v1/incidents?limit=50&sort=-date
incidents page (oldest first)	/api/v1/incidents?limit=50
incidents page (perpetrator Islamic State, province Aleppo, latest first)	/api/v1/incidents?limit=50&sort=-date&perpetrator=Islamic%20State&province=Aleppo
incidents page (month $MONTH, most killed first)	/api/v1/incidents?limit=50&from=$MONTH-01&to=$MONTH-28&sort=-killed
incident $INC with its reports	/api/v1/incidents/$INC
tally series (perpetrator Islamic State, every week)	/api/v1/tally?perpetrator=Islamic%20State
tally series (fatalities in Aleppo, every week)	/api/v1/tally?measure=fatalities&province=Aleppo
surge scan (last week, every province)	/api/v1/surges?by=province	50
surge scan (last week, every perpetrator)	/api/v1/surges?by=perpetrator	50
surge scan (last week, every target)	/api/v1/surges?by=target	50
vigil surge --all --by province (process)	!$BIN --data-dir $DATA --json surge --all --by province	20
search (q=Tal Hamra)	/api/v1/search?q=Tal%20Hamra
search (q=تل الحمراء)	/api/v1/search?q=%D8%AA%D9%84%20%D8%A7%D9%84%D8%AD%D9%85%D8%B1%D8%A7%D8%A1
search (q=drone, ~1 document in 16)	/api/v1/search?q=drone
EOF
)"
RSS="$(server_rss_mb)"
LOAD_AFTER="$(load_avg)"
stop_server
echo "$FIGURES"
echo "server peak RSS ${RSS} MB; store ${STORE_MB} MB; load $LOAD_BEFORE -> $LOAD_AFTER" >&2

if [ "$RECORD" = 1 ]; then
    OUTFILE="$(record_path "$(date -u +%F)-query-$REPORTS")"
    {
        echo "# Query latency: $REPORTS generated reports ($(date -u +%F))"
        echo
        echo "\`benchmarks/query.sh --reports $REPORTS --runs $RUNS --budget $BUDGET\`: \`vigil serve\`"
        echo "(release build) on a store written by \`link_scale $REPORTS STORE --text --build-only\`"
        echo "(one document per report, English or Arabic, indexed; linked), one keep-alive"
        echo "HTTP/1.1 connection from a Python client on the same machine, warm-up requests"
        echo "first. Target: p50 < 50 ms, p95 < 200 ms."
        echo
        echo "Machine: $(machine_md)."
        echo "Commit: $(git_desc)."
        echo "Store: $STORE_MB MB; built: $BUILD."
        echo "Load average before the requests: $LOAD_BEFORE; after: $LOAD_AFTER."
        echo "Peak RSS of \`vigil serve\`: $RSS MB."
        echo
        echo "$FIGURES"
        echo
        echo "*load*: the 1-minute load average when the kind began. *n*: a kind stops"
        echo "after $RUNS requests or ${BUDGET} s of them (10 at least)."
    } > "$OUTFILE"
    echo "written: ${OUTFILE#$ROOT/}" >&2
fi
