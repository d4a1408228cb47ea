#!/usr/bin/env bash
# Generated claim streams end to end (issue 14): for each seed, each weekly
# shape and each registration of the official channel (militant_official,
# then unknown), generate a stream, build a store from it (source import,
# ingest, extract, link) and score it; print one table, and keep every
# stream, store and score under the output directory.
#
# usage: scripts/claimstream.sh [--debug] [--holdout] [--out DIR] [SEED...]
#   --debug    use target/debug instead of target/release (builds it)
#   --holdout  draw only from the held-out template families
#   --out DIR  where streams, stores and scores go [default: a temp dir]
#   SEED...    seeds [default: 1 2 3]
# Environment: VIGIL=path scores that vigil binary (an earlier build, for
# a before/after) instead of the one built here.
# Shapes: 10,10,10,27 (a surge in week 4), 5,6,4,15,5 (a surge in week 4,
# then back down), 12,12,12,12 (no surge).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
holdout=()
out=""
seeds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --holdout) holdout=(--holdout) ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) seeds+=("$1") ;;
  esac
  shift
done
[ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3)
[ -n "$out" ] || out="$(mktemp -d -t claimstream.XXXXXX)"
mkdir -p "$out"
shapes=("10,10,10,27" "5,6,4,15,5" "12,12,12,12")
start=2019-09-18

if [ "$profile" = release ]; then
  cargo build --quiet --release -p vigil-cli -p vigil-bench
else
  cargo build --quiet -p vigil-cli -p vigil-bench
fi
bin="target/$profile"
: >"$out/runs.txt"

for seed in "${seeds[@]}"; do
  for shape in "${shapes[@]}"; do
    for reg in official unknown; do
      name="s${seed}-${shape//,/-}-${reg}${holdout:+-holdout}"
      stream="$out/$name/stream"
      store="$out/$name/store"
      rm -rf "$out/$name"
      unknown=()
      [ "$reg" = unknown ] && unknown=(--unknown-source)
      "$bin/vigil-bench" claimstream --seed "$seed" --weeks "$shape" --start "$start" \
        "${holdout[@]}" "${unknown[@]}" --out "$stream" >/dev/null
      "$bin/vigil-bench" claimstream-score --dir "$stream" --store "$store" \
        --vigil "${VIGIL:-$bin/vigil}" --run >"$out/$name/score.json"
      echo "$name" >>"$out/runs.txt"
    done
  done
done

python3 - "$out" <<'EOF'
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
rows = []
runs = [out / n / "score.json" for n in (out / "runs.txt").read_text().split()]
for p in runs:
    s = json.loads(p.read_text())
    st, w, su, d, l, e = (s[k] for k in ("stream", "weekly", "surge", "documents", "linking", "extraction"))
    rows.append([
        str(st["seed"]),
        ",".join(map(str, st["weeks"])),
        st["registration"] + (" (held out)" if st["holdout"] else ""),
        ",".join(map(str, w["vigil"])) + ("" if w["via"] == "tally" else "*"),
        "yes" if w["exact"] else "no",
        f'{",".join(map(str, su["expected"])) or "-"} / {",".join(map(str, su["flagged"])) or "-"}',
        f'{d["publications_lost"]} ({d["claims_lost"]})',
        f'{l["precision"]:.2f}',
        f'{l["recall"]:.2f}',
        f'{e["claimed"]:.2f} {e["target"]:.2f} {e["date"]:.2f} {e["place_25km"]:.2f}',
        "PASS" if s["pass"] else "fail",
    ])
head = ["seed", "truth", "official as", "vigil weekly", "exact", "surge exp/flagged",
        "posts lost (claims)", "link P", "link R", "claims: claimed target date place", "verdict"]
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
fmt = lambda r: "| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |"
print(fmt(head))
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in rows:
    print(fmt(r))
if any(json.loads(p.read_text())["weekly"]["via"] != "tally" for p in runs):
    print("\n* vigil tally refused the stream's week start: weeks counted from `vigil incidents`"
          " (claim_only and corroborated incidents on the target), surges by `vigil surge --counts`.")
print(f"\nstreams, stores and scores: {out}")
EOF
