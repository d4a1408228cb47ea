# Shared helpers of the benchmark scripts (sourced, not run).
#
#   HERE ROOT TARGET BIN BENCH_BIN OUT TIME   paths (BIN: $VIGIL_BIN if set)
#   common_opt "$@"      parses --docs/--seed/--no-record/--help; sets SHIFT
#   log MSG              a step heading on stderr
#   build_release PKG…   cargo build --release of the packages
#   ensure_corpus DOCS SEED [--stream]   generates benchmarks/out/corpus-… if missing or stale; sets CORPUS
#   wait_idle SECONDS    waits for the 1-minute load average to fall below 1
#   load_avg             the three load averages
#   machine_md           a Markdown line: cores, CPU model, memory, kernel, load
#   record_path BASE     benchmarks/record/BASE.md, or BASE-2.md, … if taken
#   timev OUT.json TIMEFILE   JSON of wall s, CPU %, peak RSS from /usr/bin/time -v

HERE="$(cd "$(dirname "${BASH_SOURCE[1]:-${BASH_SOURCE[0]}}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${VIGIL_BIN:-$TARGET/release/vigil}"   # VIGIL_BIN: another build to measure
BENCH_BIN="$TARGET/release/vigil-bench"
OUT="$HERE/out"
TIME=/usr/bin/time
SCRIPT="$(basename "${BASH_SOURCE[1]:-$0}")"

DOCS="${DOCS:-}"
SEED="${SEED:-1}"
RECORD="${RECORD:-1}"
SHIFT=1

die() { echo "$SCRIPT: $*" >&2; exit 1; }
log() { printf '\n== %s\n' "$*" >&2; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

# common_opt "$@": one option common to every script. Returns 1 for an
# option it does not know; sets SHIFT to the number of words it used.
common_opt() {
    SHIFT=1
    case "$1" in
        --docs) DOCS="${2:?--docs needs a value}"; SHIFT=2 ;;
        --docs=*) DOCS="${1#*=}" ;;
        --seed) SEED="${2:?--seed needs a value}"; SHIFT=2 ;;
        --seed=*) SEED="${1#*=}" ;;
        --no-record) RECORD=0 ;;
        -h|--help) usage; exit 0 ;;
        *) return 1 ;;
    esac
}

unknown_opt() { echo "$SCRIPT: unknown option $1 (see --help)" >&2; exit 2; }

need_time() {
    [ -x "$TIME" ] || die "$TIME (GNU time) is needed for peak RSS; apt-get install time"
}

build_release() {
    log "building the release binaries ($*)"
    local args=()
    for p in "$@"; do args+=(-p "$p"); done
    (cd "$ROOT" && cargo build --release --locked -q "${args[@]}")
}

# ensure_corpus DOCS SEED [--stream]: the corpus directory in $CORPUS,
# generated if missing or older than the generator.
ensure_corpus() {
    local docs="$1" seed="$2" mode="${3:-}" name
    name="corpus-$docs"
    [ "$mode" = --stream ] && name="stream-$docs"
    [ "$seed" != 1 ] && name+="-seed$seed"
    CORPUS="$OUT/$name"
    if [ ! -f "$CORPUS/corpus.json" ] || [ "$HERE/gen_corpus.py" -nt "$CORPUS/corpus.json" ] \
            || { [ -z "$mode" ] && [ "$HERE/vigil_dedup.py" -nt "$CORPUS/corpus.json" ]; }; then
        log "generating $docs documents into ${CORPUS#$ROOT/}"
        mkdir -p "$OUT"
        python3 "$HERE/gen_corpus.py" --docs "$docs" --seed "$seed" --out "$CORPUS" $mode --quiet >/dev/null
    else
        log "using the existing corpus ${CORPUS#$ROOT/}"
    fi
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# wait_idle S: up to S seconds for the 1-minute load average < 1.0
wait_idle() {
    local limit="${1:-0}" waited=0 load
    while [ "$waited" -lt "$limit" ]; do
        load="$(cut -d' ' -f1 /proc/loadavg)"
        awk -v l="$load" 'BEGIN { exit !(l < 1.0) }' && return 0
        [ "$waited" = 0 ] && echo "   waiting for the machine to quieten (load $load)..." >&2
        sleep 10
        waited=$((waited + 10))
    done
    [ "$limit" -gt 0 ] && echo "   load still $(cut -d' ' -f1 /proc/loadavg) after ${limit}s; measuring anyway" >&2
    return 0
}

cpu_model() { grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }

machine_md() {
    echo "$(nproc) cores ($(cpu_model)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); load average $(load_avg)"
}

git_desc() {
    local commit dirty
    commit="$(cd "$ROOT" && git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
    dirty="$(cd "$ROOT" && git status --porcelain 2>/dev/null | grep -v '^?? benchmarks/' | wc -l || true)"
    if [ "${dirty:-0}" -gt 0 ]; then echo "$commit + uncommitted changes in $dirty paths"; else echo "$commit (clean)"; fi
}

record_path() {
    local base="$HERE/record/$1" dest n=2
    mkdir -p "$HERE/record"
    dest="$base.md"
    while [ -e "$dest" ]; do dest="$base-$n.md"; n=$((n + 1)); done
    echo "$dest"
}

# timev OUT.json TIMEFILE: wall seconds, CPU share and peak RSS of a
# /usr/bin/time -v report as JSON.
timev() {
    python3 - "$1" "$2" <<'PY'
import json, re, sys
out, path = sys.argv[1:]
t = open(path).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t)
parts = [float(x) for x in m.group(1).split(":")]
wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
json.dump({"wall_s": wall,
           "cpu_percent": int(re.search(r"Percent of CPU this job got: (\d+)%", t).group(1)),
           "user_s": float(re.search(r"User time \(seconds\): (\S+)", t).group(1)),
           "sys_s": float(re.search(r"System time \(seconds\): (\S+)", t).group(1)),
           "rss_kb": int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))},
          open(out, "w"))
PY
}

# ---- the API under load: used by api.sh and query.sh ----------------------
#
#   free_port                  a free TCP port on 127.0.0.1
#   start_server DIR [PORT]    `vigil serve` on the store of DIR; sets SERVER
#                              (its pid) and PORT; waits until it answers
#   stop_server                stops it (also done on exit by the scripts)
#   server_rss_mb              its peak RSS so far (VmHWM), in MB
#   time_requests PORT RUNS BUDGET < CASES
#                              times each case of CASES (lines of
#                              "name<TAB>path" for a GET, or
#                              "name<TAB>!command words" for a process;
#                              an optional third field caps the runs of the
#                              case) over one keep-alive connection, after
#                              warm-up requests; a case stops after RUNS
#                              runs or BUDGET seconds (10 runs at least).
#                              Prints a Markdown table: n, p50, p95, max
#                              in ms, bytes of the answer, 1-minute load.

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

SERVER=""
start_server() {
    local dir="$1"
    PORT="${2:-}"
    [ -n "$PORT" ] || PORT="$(free_port)"
    "$BIN" --data-dir "$dir" serve --port "$PORT" 2>"$dir/serve.log" &
    SERVER=$!
    # Opening a store migrates it: an index added to a large kept store
    # takes a while to build.
    for _ in $(seq 1 3000); do
        curl -fsS "http://127.0.0.1:$PORT/api/v1/stats" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.2
    done
    cat "$dir/serve.log" >&2
    die "vigil serve did not answer on port $PORT"
}

stop_server() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
        SERVER=""
    fi
}

server_rss_mb() {
    awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"
}

time_requests() {
    local cases
    cases="$(cat)"   # python's own stdin is the script below
    python3 - "$@" "$cases" <<'PY'
import http.client, os, shlex, subprocess, sys, time

port, runs, budget = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
cases = sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

def fetch(path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"{path}: HTTP {r.status}: {body[:200]!r}")
    return body

def run(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return out.stdout

print("| request | n | p50 ms | p95 ms | max ms | bytes | load |")
print("|---|---|---|---|---|---|---|")
for line in cases.splitlines():
    if not line.strip():
        continue
    name, what, *cap = line.split("\t")
    n_max = min(runs, int(cap[0])) if cap else runs
    once = (lambda: run(shlex.split(what[1:]))) if what.startswith("!") else (lambda: fetch(what))
    load = os.getloadavg()[0]
    # Warm up: 5 requests, or 1 more when one takes over a second.
    t = time.perf_counter()
    once()
    if time.perf_counter() - t < 1.0:
        for _ in range(4):
            once()
    else:
        once()
    times = []
    start = time.perf_counter()
    while len(times) < n_max and (len(times) < 10 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        body = once()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(round(q * (len(times) - 1))))]
    print(f"| {name} | {len(times)} | {p(0.50):.2f} | {p(0.95):.2f} | {times[-1]:.2f} | {len(body)} | {load:.2f} |", flush=True)
PY
}
