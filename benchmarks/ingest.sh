#!/usr/bin/env bash
# Ingest throughput benchmark for Vigil. See benchmarks/README.md.
#
#   benchmarks/ingest.sh                 # 100,000 documents, fresh ingest twice
#   benchmarks/ingest.sh --docs 10000    # quick run
#
# Options:
#   --docs N       corpus size (default 100000)
#   --seed S       generator seed (default 1)
#   --repeat R     how many times to time the fresh-store ingest (default 2)
#   --search-runs K  timed runs per search query (default 15)
#   --idle-wait S  before each timed run, wait up to S seconds (default 300)
#                  for the 1-minute load average to fall below 1.0, so that
#                  other jobs on the machine (builds) disturb less; 0 = off
#   --keep         keep the temporary data directories (printed at the end)
#   --no-record    print the record but do not write benchmarks/record/
#
# Builds the release binary, generates the corpus into benchmarks/out/ if it
# is missing (or older than the generator), then measures with
# /usr/bin/time -v:
#   (a) vigil demo into a fresh data directory
#   (b) vigil --json ingest of the corpus into a fresh data directory (R times)
#   (c) a second ingest of the corpus into the store of (b): every document
#       is already known, so this times the duplicate path
# then samples `vigil search` latency on the store of (b), checks Vigil's
# counts against the generator's manifest, and writes
# benchmarks/record/YYYY-MM-DD-ingest[-Ndocs].md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DOCS=100000
REPEAT=2
SEARCH_RUNS=15
KEEP=0
IDLE_WAIT=300
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) REPEAT="$2"; shift 2 ;;
        --repeat=*) REPEAT="${1#*=}"; shift ;;
        --search-runs) SEARCH_RUNS="$2"; shift 2 ;;
        --idle-wait) IDLE_WAIT="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) common_opt "$@" || unknown_opt "$1"; shift "$SHIFT" ;;
    esac
done
need_time

build_release vigil-cli
ensure_corpus "$DOCS" "$SEED"

DATE="$(date +%F)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")"
RES="$WORK/results"
mkdir -p "$RES"
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "kept: $WORK" >&2; fi; }
trap cleanup EXIT
cp "$CORPUS/corpus.json" "$RES/corpus.json"

# Machine and build
commit="$(cd "$ROOT" && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
dirty="$(cd "$ROOT" && git status --porcelain 2>/dev/null | grep -v '^?? benchmarks/' | wc -l || true)"
if [ "${dirty:-0}" -gt 0 ]; then gitdesc="$commit + uncommitted changes in $dirty paths (the binary was built from the working tree)"; else gitdesc="$commit (clean)"; fi
python3 - "$RES/machine.json" <<EOF
import json, sys
json.dump({
    "date": "$DATE",
    "time": "$(date -u +%FT%TZ)",
    "nproc": "$(nproc)",
    "mem": """$(free -g | awk 'NR==2 {printf "total %s GiB, used %s, free %s, available %s", $2, $3, $4, $7}')""",
    "cpu": """$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')""",
    "rustc": """$(rustc --version)""",
    "vigil_version": """$("$BIN" --version)""",
    "git": """$gitdesc""",
    "corpus_dir": """${CORPUS#$ROOT/}""",
    "workdir": """$WORK""",
}, open(sys.argv[1], "w"), indent=1)
EOF

# measure NAME DATADIR -- ARGS...: runs $BIN ARGS under /usr/bin/time -v,
# keeps stdout (Vigil's JSON) and stderr, and writes $RES/step-NN.json.
STEP=0
measure() {
    local name="$1" data="$2"; shift 3
    STEP=$((STEP + 1))
    local tag; tag="$(printf '%02d' "$STEP")"
    log "($tag) $name: vigil $*"
    wait_idle "$IDLE_WAIT"
    local start; start="$(date +%s.%N)"
    cut -d' ' -f1 /proc/loadavg >"$RES/load-before-$tag.txt"
    set +e
    "$TIME" -v -o "$RES/time-$tag.txt" "$BIN" "$@" >"$RES/out-$tag.json" 2>"$RES/log-$tag.txt"
    local rc=$?
    set -e
    echo "$start" >"$RES/start-$tag.txt"
    cut -d' ' -f1 /proc/loadavg >"$RES/load-after-$tag.txt"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "ingest.sh: vigil failed (exit $rc):" >&2
        tail -20 "$RES/log-$tag.txt" >&2
        exit 1
    fi
    python3 - "$RES" "$tag" "$name" "$data" "$rc" <<'EOF'
import json, os, re, sys
res, tag, name, data, rc = sys.argv[1:]
t = open(f"{res}/time-{tag}.txt").read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t)
parts = [float(x) for x in m.group(1).split(":")]
wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
db = os.path.join(data, "vigil.sqlite")
size = lambda p: os.path.getsize(p) if os.path.exists(p) else 0
try:
    summary = json.load(open(f"{res}/out-{tag}.json"))
    summary = {k: v for k, v in summary.items() if k not in ("rejections", "warning_list")}
except (ValueError, OSError):
    summary = None
step = {"name": name, "wall": wall, "rss_kb": rss, "exit": int(rc), "sqlite_bytes": size(db),
        "wal_bytes": size(db + "-wal"), "summary": summary}
step["store_bytes"] = step["sqlite_bytes"] + step["wal_bytes"]
step["load"] = [float(open(f"{res}/load-{w}-{tag}.txt").read()) for w in ("before", "after")]
step["cpu_percent"] = int(re.search(r"Percent of CPU this job got: (\d+)%", t).group(1))
json.dump(step, open(f"{res}/step-{tag}.json", "w"), indent=1)
s = summary or {}
print(f"   wall {wall:.2f} s, peak RSS {rss / 1024:.0f} MB, store {step['store_bytes'] / 1e6:.1f} MB, "
      f"new {s.get('new')}, duplicates {s.get('duplicates')}, near {s.get('near_duplicates')}, "
      f"{s.get('docs_per_second', 0):.1f} docs/s", file=sys.stderr)
EOF
}

# (a) the demo
measure "demo" "$WORK/demo" -- --json demo --into "$WORK/demo"

# (b) fresh-store ingest, REPEAT times; the first store is kept for (c) and search
for i in $(seq 1 "$REPEAT"); do
    measure "ingest #$i (fresh store)" "$WORK/ingest$i" -- -v --data-dir "$WORK/ingest$i" --json ingest "$CORPUS/docs"
    [ "$i" = 1 ] && FIRST_TAG="$(printf '%02d' "$STEP")"
    if [ "$i" != 1 ] && [ "$KEEP" = 0 ]; then rm -rf "$WORK/ingest$i"; fi
done

# (c) the same corpus again: all duplicates
measure "re-ingest (all known)" "$WORK/ingest1" -- --data-dir "$WORK/ingest1" --json ingest "$CORPUS/docs"

# Slow-down as the store grows: per-file timings of the first fresh ingest
python3 "$HERE/file_rates.py" --log "$RES/log-$FIRST_TAG.txt" --start "$(cat "$RES/start-$FIRST_TAG.txt")" \
    --json "$RES/rates.json" >&2 || true

# Search latency on the store of the first fresh ingest
log "search latency ($SEARCH_RUNS runs per query)"
wait_idle "$IDLE_WAIT"
QUERIES=(
    "Raqqa"
    "الرقة"
    "بالرقة"
    "\"car bomb\""
    "\"تنظيم الدولة\""
    "IED|Hasakah"
    "Mosul|OR|Kirkuk"
    "camp -Hol"
    "Qamish*"
    "الموص*"
    "--lang|en|attack|patrol"
    "--lang|ar|هجوم"
    "--since|2019-10-01|--until|2019-10-31|Turkish"
    "--kind|ngo_research|detention"
    "--source|Levant Wire Service|Deir"
    "\"Hammam al-Alil\""
    "killed"
    "مخيم|الهول"
    "Sinjar|OR|Baaj"
    "--limit|50|--offset|100|wounded"
)
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
CMDS=()
: >"$RES/queries.tsv"
for spec in "${QUERIES[@]}"; do
    IFS='|' read -r -a argv <<<"$spec"
    cmd="$(q "$BIN") --data-dir $(q "$WORK/ingest1") --json search"
    for a in "${argv[@]}"; do cmd+=" $(q "$a")"; done
    CMDS+=("$cmd")
    shown=""
    for a in "${argv[@]}"; do
        case "$a" in *[\ \"\'\*]*) shown+=" $(q "$a")" ;; *) shown+=" $a" ;; esac
    done
    total="$("$BIN" --data-dir "$WORK/ingest1" --json search "${argv[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' || echo error)"
    printf '%s\t%s\t%s\n' "${shown# }" "$total" "$cmd" >>"$RES/queries.tsv"
done
if command -v hyperfine >/dev/null; then
    hyperfine --shell bash --style basic --warmup 2 --runs "$SEARCH_RUNS" --export-json "$RES/hyperfine.json" "${CMDS[@]}" >"$RES/hyperfine.txt" 2>&1
    TOOL="hyperfine $(hyperfine --version | cut -d' ' -f2)"
else
    # No hyperfine: time each query with date +%s%N.
    : >"$RES/loop.tsv"
    for i in "${!CMDS[@]}"; do
        for w in 1 2; do bash -c "${CMDS[$i]}" >/dev/null; done
        for r in $(seq 1 "$SEARCH_RUNS"); do
            s=$(date +%s%N); bash -c "${CMDS[$i]}" >/dev/null; e=$(date +%s%N)
            printf '%s\t%s\n' "$i" "$(( (e - s) / 1000 ))" >>"$RES/loop.tsv"
        done
    done
    TOOL="a bash loop timed with date +%s%N"
fi
python3 - "$RES" "$TOOL" "$SEARCH_RUNS" <<'EOF'
import json, os, statistics, sys
res, tool, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
qs = [l.rstrip("\n").split("\t") for l in open(f"{res}/queries.tsv", encoding="utf-8")]
if os.path.exists(f"{res}/hyperfine.json"):
    times = [r["times"] for r in json.load(open(f"{res}/hyperfine.json"))["results"]]
else:
    times = [[] for _ in qs]
    for l in open(f"{res}/loop.tsv"):
        i, us = l.split()
        times[int(i)].append(int(us) / 1e6)
out = []
for (args, total, _), ts in zip(qs, times):
    out.append({"args": args, "total": total, "median_ms": statistics.median(ts) * 1000, "runs": len(ts)})
meds = [q["median_ms"] for q in out]
json.dump({"tool": tool, "runs": runs, "warmup": 2, "queries": out, "median_ms": statistics.median(meds),
           "min_ms": min(meds), "max_ms": max(meds)}, open(f"{res}/search.json", "w"), indent=1, ensure_ascii=False)
print(f"   search: median of per-query medians {statistics.median(meds):.1f} ms "
      f"(fastest {min(meds):.1f}, slowest {max(meds):.1f})", file=sys.stderr)
EOF

# Counts against the generator's manifest
log "checking Vigil's counts against the generator's manifest"
python3 "$HERE/check_dedup.py" --corpus "$CORPUS" --store "$WORK/ingest1/vigil.sqlite" \
    --summary "$RES/out-$FIRST_TAG.json" --json "$RES/dedup.json" >&2 || true

# The record
CMDLINE="benchmarks/ingest.sh --docs $DOCS"
[ "$SEED" != 1 ] && CMDLINE+=" --seed $SEED"
[ "$REPEAT" != 2 ] && CMDLINE+=" --repeat $REPEAT"
if [ "$RECORD" = 1 ]; then
    mkdir -p "$HERE/record"
    base="$DATE-ingest"
    [ "$DOCS" != 100000 ] && base+="-${DOCS}docs"
    [ "$SEED" != 1 ] && base+="-seed$SEED"
    dest="$HERE/record/$base.md"
    n=2
    while [ -e "$dest" ]; do dest="$HERE/record/$base-$n.md"; n=$((n + 1)); done
else
    dest="$RES/record.md"
fi
python3 "$HERE/report.py" --dir "$RES" --out "$dest" --command "$CMDLINE"
log "record: ${dest#$ROOT/}"
cat "$dest"
