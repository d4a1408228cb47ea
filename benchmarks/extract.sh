#!/usr/bin/env bash
# Extraction throughput benchmark for Vigil. See benchmarks/README.md.
#
#   benchmarks/extract.sh                # 10,000 generated documents
#   benchmarks/extract.sh --docs 2000    # quick run
#
# Options:
#   --docs N      corpus size (default 10000)
#   --seed S      generator seed (default 1)
#   --no-record   print the record but do not write benchmarks/record/
#
# Builds the release binary, generates the corpus into benchmarks/out/ if it
# is missing (or older than the generator), ingests it into a fresh data
# directory, then times `vigil --json extract` over every stored document
# under /usr/bin/time -v (documents/s, MB/s, MB/s per core, peak RSS), and
# the same on the bundled demo corpus. Writes
# benchmarks/record/YYYY-MM-DD-extract[-Ndocs].md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DOCS=10000
while [ $# -gt 0 ]; do
    common_opt "$@" || unknown_opt "$1"
    shift "$SHIFT"
done
need_time

build_release vigil-cli
ensure_corpus "$DOCS" "$SEED"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-extract-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# One timed extraction: $1 = label, $2 = data dir. Prints a Markdown row.
measure() {
    local label="$1" data="$2"
    "$TIME" -v -o "$WORK/$label.time" "$BIN" --data-dir "$data" --json extract >"$WORK/$label.json"
    python3 - "$label" "$WORK/$label.json" "$WORK/$label.time" <<'PY'
import json, re, sys
label, summary, timing = sys.argv[1:]
s = json.load(open(summary))
t = open(timing).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = int(re.search(r"Percent of CPU this job got: (\d+)%", t).group(1)) / 100
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
mb = s["mb_per_second"]
print(f"| {label} | {s['documents']} | {s['reports']} | {s['seconds']:.2f} | {wall} | "
      f"{s['docs_per_second']:.0f} | {mb:.2f} | {mb / max(cpu, 0.01):.2f} | {cpu * 100:.0f}% | {rss:.0f} MB |")
PY
}

log "ingesting the demo corpus and the generated corpus"
"$BIN" --data-dir "$WORK" -q demo --into "$WORK/demo" >/dev/null
"$BIN" --data-dir "$WORK/gen" -q --json ingest "$CORPUS/docs" >"$WORK/ingest.json" || [ $? -eq 3 ]

log "extracting"
ROWS="$(measure demo "$WORK/demo"; measure "generated-$DOCS" "$WORK/gen")"

DATE="$(date +%F)"
CPU_MODEL="$(cpu_model)"
REPORT="$(cat <<MD
# Extraction throughput, $DATE

Machine: $(machine_md).
Commit: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet || echo ' (with uncommitted changes)').
Command: \`benchmarks/extract.sh --docs $DOCS --seed $SEED\`.

\`vigil --json extract\` over every stored document: read the document and
its source from the store, extract, replace the document's event reports in
the store. One thread. "vigil s" is Vigil's own timing of that loop;
"wall" includes start-up (loading the knowledge base and the gazetteer)
and the store's open and close. MB/s counts document text bytes; per core
divides by the CPU share the process got.

| corpus | documents | reports | vigil s | wall | docs/s | MB/s | MB/s per core | CPU | peak RSS |
|---|---|---|---|---|---|---|---|---|---|
$ROWS
MD
)"
echo "$REPORT"
if [ "$RECORD" = 1 ]; then
    mkdir -p "$HERE/record"
    SUFFIX=""; [ "$DOCS" != 10000 ] && SUFFIX="-${DOCS}docs"
    FILE="$HERE/record/$DATE-extract$SUFFIX.md"
    n=2; while [ -e "$FILE" ]; do FILE="$HERE/record/$DATE-extract$SUFFIX-$n.md"; n=$((n + 1)); done
    echo "$REPORT" >"$FILE"
    log "wrote $FILE"
fi
