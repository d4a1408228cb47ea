#!/usr/bin/env bash
# Every benchmark of Vigil in one command. See benchmarks/README.md.
#
#   benchmarks/run-all.sh                 # 10,000 documents (about 15 minutes here)
#   benchmarks/run-all.sh --size 100k     # 100,000 documents (about an hour)
#   benchmarks/run-all.sh --quick         # short stage benches, 1 pipeline run, no callgrind
#
# Options:
#   --size 10k|100k|1m   generated corpus size (default 10k)
#   --quick              stage benches at --max-time 0.2, one pipeline run,
#                        no callgrind, 1 repetition of the comparisons
#   --reps R             repetitions of each comparison (default 3; medians)
#   --pipeline-reps R    pipeline runs (default 3 at 10k, 1 above)
#   --seed S             generator seed (default 1)
#   --idle-wait S        before each timed step, wait up to S seconds for
#                        the 1-minute load average to fall below 1 (default 0)
#   --skip-stages, --skip-compare, --skip-pipeline   leave a part out
#   --no-build           use the release binaries already built (no cargo
#                        build: for a busy build directory)
#   --no-record          print the record but do not write benchmarks/record/
#
# Builds the release binaries (vigil, vigil-bench), sets up benchmarks/.venv
# from PyPI (requirements.txt), generates the corpus (gen_corpus.py
# --stream), then:
#   1. stage benches: cargo bench -p vigil-bench (divan);
#   2. pipeline: ingest -> extract -> link -> tally (by province) into a
#      fresh store, each step under /usr/bin/time -v;
#   3. side by side (compare.py): place names vs flashgeotext and geotext,
#      event types vs a TF-IDF + logistic-regression baseline (gold-based
#      scores only when ../shared/gold/dev is present), and the aho-corasick
#      floor, wall time and (valgrind) callgrind instructions;
# and writes benchmarks/record/YYYY-MM-DD-run-all-SIZE.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE=10k
QUICK=0
REPS=3
PIPELINE_REPS=""
IDLE_WAIT=0
SKIP_STAGES=0
SKIP_COMPARE=0
SKIP_PIPELINE=0
CG_DOCS=200
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="${2:?}"; shift 2 ;;
        --size=*) SIZE="${1#*=}"; shift ;;
        --quick) QUICK=1; shift ;;
        --reps) REPS="${2:?}"; shift 2 ;;
        --pipeline-reps) PIPELINE_REPS="${2:?}"; shift 2 ;;
        --idle-wait) IDLE_WAIT="${2:?}"; shift 2 ;;
        --skip-stages) SKIP_STAGES=1; shift ;;
        --skip-compare) SKIP_COMPARE=1; shift ;;
        --skip-pipeline) SKIP_PIPELINE=1; shift ;;
        --no-build) BUILD=0; shift ;;
        *) common_opt "$@" || unknown_opt "$1"; shift "$SHIFT" ;;
    esac
done
case "$SIZE" in
    10k) DOCS=10000 ;;
    100k) DOCS=100000 ;;
    1m|1M) DOCS=1000000; SIZE=1m ;;
    *) die "--size is 10k, 100k or 1m" ;;
esac
if [ "$QUICK" = 1 ]; then REPS=1; PIPELINE_REPS="${PIPELINE_REPS:-1}"; fi
[ -n "$PIPELINE_REPS" ] || { [ "$DOCS" -le 10000 ] && PIPELINE_REPS=3 || PIPELINE_REPS=1; }
need_time

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-run-all.XXXXXX")"
RES="$WORK/results"
mkdir -p "$RES"
trap 'rm -rf "$WORK"' EXIT
STARTED="$(date -u +%FT%TZ)"
GIT_DESC="$(git_desc)"
echo "{\"load_start\": \"$(load_avg)\"}" >"$RES/start.json"

if [ "$BUILD" = 1 ]; then build_release vigil-cli vigil-bench; fi
[ -x "$BIN" ] && [ -x "$BENCH_BIN" ] || die "no release binaries in $TARGET/release (build them, or drop --no-build)"
# Private copies: another build into a shared CARGO_TARGET_DIR must not
# swap the binaries in the middle of the run.
mkdir -p "$WORK/bin"
cp "$BIN" "$BENCH_BIN" "$WORK/bin/"
BIN="$WORK/bin/vigil"
BENCH_BIN="$WORK/bin/vigil-bench"

# The comparison tools, from PyPI, once.
VENV="$HERE/.venv"
PY="$VENV/bin/python"
if [ "$SKIP_COMPARE" = 0 ]; then
    if [ ! -x "$PY" ] || [ "$HERE/requirements.txt" -nt "$VENV/.installed" ]; then
        log "installing the comparison tools into ${VENV#$ROOT/} (requirements.txt)"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements.txt"
        touch "$VENV/.installed"
    fi
fi

ensure_corpus "$DOCS" "$SEED" --stream
cp "$CORPUS/corpus.json" "$RES/corpus.json"

# step NAME TAG -- CMD...: runs CMD under /usr/bin/time -v; stdout to
# $RES/TAG.out, the timing and load to $RES/TAG.time.json.
step() {
    local name="$1" tag="$2"; shift 3
    wait_idle "$IDLE_WAIT"
    log "$name"
    local before; before="$(load_avg)"
    set +e
    "$TIME" -v -o "$RES/$tag.time" "$@" >"$RES/$tag.out" 2>"$RES/$tag.log"
    local rc=$?
    set -e
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then tail -20 "$RES/$tag.log" >&2; die "$name failed (exit $rc)"; fi
    timev "$RES/$tag.time.json" "$RES/$tag.time"
    python3 - "$RES/$tag.time.json" "$before" "$(load_avg)" <<'PY'
import json, sys
p, before, after = sys.argv[1:]
d = json.load(open(p)); d["load_before"], d["load_after"] = before, after
json.dump(d, open(p, "w"))
print(f"   wall {d['wall_s']:.1f} s, CPU {d['cpu_percent']}%, peak RSS {d['rss_kb'] / 1024:.0f} MB, load {before} -> {after}",
      file=sys.stderr)
PY
}

# 1. Stage benches
if [ "$SKIP_STAGES" = 0 ]; then
    log "stage benches (divan)"
    STAGE_ARGS=()
    [ "$QUICK" = 1 ] && STAGE_ARGS=(--max-time 0.2)
    echo "$(load_avg)" >"$RES/stages.load-before"
    (cd "$ROOT" && cargo bench --locked -q -p vigil-bench --bench stages -- "${STAGE_ARGS[@]}") >"$RES/stages.txt" 2>"$RES/stages.log" \
        || { tail -20 "$RES/stages.log" >&2; die "the stage benches failed"; }
    echo "$(load_avg)" >"$RES/stages.load-after"
    cat "$RES/stages.txt" >&2
fi

# 2. Pipeline: ingest -> extract -> link -> tally
if [ "$SKIP_PIPELINE" = 0 ]; then
    for r in $(seq 1 "$PIPELINE_REPS"); do
        D="$WORK/data$r"
        step "pipeline run $r: ingest" "p$r-ingest" -- "$BIN" --data-dir "$D" --json ingest "$CORPUS/docs"
        du -sb "$D/vigil.sqlite"* 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}' >"$RES/p$r-store-after-ingest.bytes"
        step "pipeline run $r: extract" "p$r-extract" -- "$BIN" --data-dir "$D" --json extract
        step "pipeline run $r: link" "p$r-link" -- "$BIN" --data-dir "$D" --json link
        step "pipeline run $r: tally" "p$r-tally" -- "$BIN" --data-dir "$D" --json tally --by province
        du -sb "$D/vigil.sqlite"* 2>/dev/null | awk '{s += $1} END {printf "%.0f\n", s}' >"$RES/p$r-store.bytes"
        rm -rf "$D"
    done
fi

# 3. Side by side
if [ "$SKIP_COMPARE" = 0 ]; then
    GOLD="$ROOT/../shared/gold/dev"
    GOLD_ARGS=()
    if [ -d "$GOLD" ]; then GOLD_ARGS=(--gold "$GOLD"); else echo "   $GOLD is absent: gold-based scores (toponym F1, weighted F1) are skipped" >&2; fi
    wait_idle "$IDLE_WAIT"
    log "side by side: place names, event types, the floor ($REPS repetitions each)"
    echo "$(load_avg)" >"$RES/compare.load-before"
    "$PY" "$HERE/compare.py" --bench-bin "$BENCH_BIN" --vigil "$BIN" --corpus "$CORPUS" "${GOLD_ARGS[@]}" \
        --reps "$REPS" --out "$RES/compare.json"
    echo "$(load_avg)" >"$RES/compare.load-after"

    if [ "$QUICK" = 0 ] && command -v valgrind >/dev/null; then
        log "callgrind: Vigil's extraction and the floor over the same $CG_DOCS documents"
        FIRST="$(ls "$CORPUS"/docs/jsonl/*.jsonl | head -1)"
        for side in vigil floor; do
            valgrind --tool=callgrind --callgrind-out-file="$RES/cg.$side" --toggle-collect="*${side}_pass*" \
                "$BENCH_BIN" floor --jsonl "$FIRST" --limit "$CG_DOCS" --reps 1 --only "$side" \
                >"$RES/cg.$side.json" 2>"$RES/cg.$side.log"
        done
    fi
fi

# The record
mkdir -p "$HERE/record"
if [ "$RECORD" = 1 ]; then
    dest="$(record_path "$(date +%F)-run-all-$SIZE")"
else
    dest="$RES/record.md"
fi
CMDLINE="benchmarks/run-all.sh --size $SIZE"
[ "$QUICK" = 1 ] && CMDLINE+=" --quick"
[ "$SEED" != 1 ] && CMDLINE+=" --seed $SEED"
[ "$SKIP_STAGES" = 1 ] && CMDLINE+=" --skip-stages"
[ "$SKIP_PIPELINE" = 1 ] && CMDLINE+=" --skip-pipeline"
[ "$SKIP_COMPARE" = 1 ] && CMDLINE+=" --skip-compare"
[ "$BUILD" = 0 ] && CMDLINE+=" --no-build"
python3 "$HERE/run_report.py" --res "$RES" --out "$dest" --command "$CMDLINE" --started "$STARTED" \
    --machine "$(machine_md)" --git "$GIT_DESC" --rustc "$(rustc --version)" --corpus "${CORPUS#$ROOT/}" \
    --pipeline-reps "$PIPELINE_REPS" --cg-docs "$CG_DOCS"
log "record: ${dest#$ROOT/}"
cat "$dest"
