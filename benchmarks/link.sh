#!/usr/bin/env bash
# Linking and tallies at scale. See benchmarks/README.md.
#
#   benchmarks/link.sh                    # 1,000,000 reports
#   benchmarks/link.sh --reports 100000
#
# Options:
#   --reports N   generated event reports (default 1000000)
#   --no-record   print the figures but do not write benchmarks/record/
#
# Builds crates/vigil-analyze/examples/link_scale.rs, which writes N
# generated reports (seeded: about 2.4 reports per event, 600 towns, two
# years, eight event types) into a fresh store, then times a first link of
# them all, a link with nothing new, an incremental link after 1% more
# reports about the last fortnight arrive, the tally of every week by
# province, and a surge scan of the last week over every province,
# perpetrator and target series. Peak RSS from /usr/bin/time when present.
# Writes benchmarks/record/YYYY-MM-DD-link-<N>.md.
set -euo pipefail

REPORTS=1000000
RECORD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --reports) REPORTS="$2"; shift 2 ;;
        --no-record) RECORD=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "link.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$REPORTS" in
    ''|*[!0-9]*) echo "link.sh: --reports takes a whole number, not '$REPORTS'" >&2; exit 2 ;;
esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/examples/link_scale"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== building" >&2
(cd "$ROOT" && cargo build --release --locked -q -p vigil-analyze --example link_scale)

echo "== running on $REPORTS reports" >&2
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$WORK/time" "$BIN" "$REPORTS" "$WORK/store.sqlite" | tee "$WORK/out"
    RSS="$(awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$WORK/time")"
else
    "$BIN" "$REPORTS" "$WORK/store.sqlite" | tee "$WORK/out"
    RSS="(no /usr/bin/time)"
fi
echo "peak RSS: $RSS"

if [ "$RECORD" = 1 ]; then
    OUT="$HERE/record/$(date +%F)-link-$REPORTS.md"
    {
        echo "# Linking and tallies: $REPORTS generated reports ($(date +%F))"
        echo
        echo "Command: \`benchmarks/link.sh --reports $REPORTS\`"
        echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before the run $LOAD_BEFORE"
        echo "Commit: $(cd "$ROOT" && git rev-parse --short HEAD)"
        echo
        echo "| step | what | time |"
        echo "|---|---|---|"
        awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$WORK/out"
        echo
        echo "Peak RSS of the whole run: $RSS."
    } > "$OUT"
    echo "written: $OUT" >&2
fi
