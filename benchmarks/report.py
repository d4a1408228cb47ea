#!/usr/bin/env python3
"""Turn the step files ingest.sh writes into the Markdown record.

    python3 benchmarks/report.py --dir RESULTS_DIR --out benchmarks/record/DATE-ingest.md

RESULTS_DIR holds machine.json, corpus.json, one step-*.json per measured
command (name, wall seconds, peak RSS, exit status, store size, and
Vigil's --json summary), search.json, dedup.json and rates.json. Missing
files are left out of the record. Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import sys


def load(path: str):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def mb(n: float | int | None) -> str:
    return "–" if n is None else f"{n / 1e6:.1f}"


def f1(x) -> str:
    return "–" if x is None else f"{x:,.1f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="benchmarks/ingest.sh")
    args = ap.parse_args()
    d = args.dir
    machine = load(os.path.join(d, "machine.json")) or {}
    corpus = load(os.path.join(d, "corpus.json")) or {}
    steps = [load(p) for p in sorted(glob.glob(os.path.join(d, "step-*.json")))]
    search = load(os.path.join(d, "search.json"))
    dedup = load(os.path.join(d, "dedup.json"))
    rates = load(os.path.join(d, "rates.json"))

    L: list[str] = []
    w = L.append
    docs = corpus.get("documents")
    w(f"# Ingest benchmark, {machine.get('date', '?')}: {docs:,} documents" if docs else "# Ingest benchmark")
    w("")
    w(f"Command: `{args.command}`")
    w("")
    w("## Machine and build")
    w("")
    w(f"- CPU: {machine.get('cpu', '?')}, `nproc` = {machine.get('nproc', '?')}")
    w(f"- memory (`free -g`): {machine.get('mem', '?')}")
    w(f"- rustc: {machine.get('rustc', '?')}; `vigil --version`: {machine.get('vigil_version', '?')}")
    w(f"- git: {machine.get('git', '?')}")
    w(f"- corpus: `{machine.get('corpus_dir', '?')}` (gen_corpus.py --docs {docs} --seed {corpus.get('seed')})")
    w(f"- data directories: fresh, under `{machine.get('workdir', '?')}` (same disk as the corpus)")
    w("- shared 2-core VM: timings are noisy; compare medians of repeated runs, not single numbers")
    w("")
    if corpus:
        bf, ff, nf = corpus["bytes_by_format"], corpus["files_by_format"], corpus["documents_by_format"]
        t, lg = corpus["documents_by_type"], corpus["documents_by_lang"]
        w("## Corpus")
        w("")
        w("| format | documents | files | MB |")
        w("|---|---:|---:|---:|")
        for k in ("jsonl", "telegram", "rss", "html"):
            w(f"| {k} | {nf[k]:,} | {ff[k]:,} | {mb(bf[k])} |")
        w(f"| **total** | **{corpus['documents']:,}** | **{sum(ff.values()):,}** | **{mb(corpus['bytes'])}** |")
        w("")
        w(f"{corpus['words']:,} words; claims {t.get('claim', 0):,}, wires {t.get('wire', 0):,}, reports {t.get('report', 0):,}; "
          f"Arabic {lg.get('ar', 0):,} ({100 * lg.get('ar', 0) / corpus['documents']:.1f}%), English {lg.get('en', 0):,}; "
          f"{corpus['sources']} sources. Written as {corpus['expected']['new_if_all_found']:,} originals, "
          f"{corpus['exact_duplicates']:,} exact duplicates and {corpus['near_duplicates']:,} near-duplicates "
          f"({corpus['near_duplicates_by_change']}); {corpus['near_duplicates_lsh_detectable']:,} of the near-duplicates "
          f"share a MinHash band with their original and resemble it ≥ 0.7, i.e. Vigil's LSH can see them. "
          f"{corpus['telegram_records_skipped']} Telegram records (service messages, photos without caption) hold no document.")
        w("")

    w("## Results")
    w("")
    w("| run | documents | wall s | vigil s | docs/s | MB/s | peak RSS MB | store MB (sqlite + wal) | new | dup | near | exit | CPU % | load 1-min before/after |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in steps:
        if s is None:
            continue
        sm = s.get("summary") or {}
        n = sm.get("new", 0) + sm.get("duplicates", 0) + sm.get("near_duplicates", 0)
        secs = sm.get("seconds")
        mbps = sm["bytes"] / 1e6 / secs if sm.get("bytes") and secs else None
        store = f"{mb(s['store_bytes'])} ({mb(s['sqlite_bytes'])} + {mb(s['wal_bytes'])})"
        w(f"| {s['name']} | {n:,} | {s['wall']:.2f} | {f1(secs) if secs is None else f'{secs:.2f}'} | {f1(sm.get('docs_per_second'))} | "
          f"{'–' if mbps is None else f'{mbps:.2f}'} | {s['rss_kb'] / 1024:.0f} | {store} | {sm.get('new', '–'):,} | "
          f"{sm.get('duplicates', '–'):,} | {sm.get('near_duplicates', '–'):,} | {s['exit']} | {s.get('cpu_percent', '–')} | "
          f"{' / '.join(f'{x:.2f}' for x in s.get('load', []))} |")
    first = [s for s in steps if s and s["name"].startswith("ingest #")]
    if len(first) > 1:
        dps = [s["summary"]["docs_per_second"] for s in first]
        w("")
        w(f"Fresh-store ingest repeated {len(first)} times: docs/s {', '.join(f'{x:,.1f}' for x in dps)} "
          f"(median {statistics.median(dps):,.1f}).")
    w("")
    w("*wall s*: `/usr/bin/time -v` elapsed (process start to exit). *vigil s*, *docs/s*: from Vigil's `--json` summary "
      "(`seconds`, `docs_per_second` = (new + duplicates + near_duplicates) / seconds). *MB/s*: summary `bytes` "
      "(input file bytes) / 10⁶ / `seconds`. *peak RSS*: \"Maximum resident set size\". *store*: `vigil.sqlite` + "
      "`vigil.sqlite-wal` after the process exited. *CPU %*: \"Percent of CPU this job got\" (100 = one core busy). "
      "*load*: `/proc/loadavg` 1-minute average just before and after the run; above ~1 means something else was "
      "competing for the 2 cores (Vigil's ingest is single-threaded).")
    w("")

    if rates:
        w("## Does ingest slow down as the store grows?")
        w("")
        a, b = rates["first_10pct_files"], rates["last_10pct_files"]
        w(f"From the per-file log lines of the first fresh ingest (`vigil -v`): first 10% of files ({a['files']} files, "
          f"{a['docs']:,} docs) {f1(a['docs_per_second'])} docs/s; last 10% ({b['files']} files, {b['docs']:,} docs) "
          f"{f1(b['docs_per_second'])} docs/s. Files are walked html/, jsonl/, rss/, telegram/, so those two ends hold "
          "different formats; the JSONL files below are alike in mix (one month each, chronological) and are the fair comparison:")
        w("")
        if "jsonl_first_10pct" in rates:
            a, b = rates["jsonl_first_10pct"], rates["jsonl_last_10pct"]
            w(f"JSONL, first 10% of files: {f1(a['docs_per_second'])} docs/s, {a['mb_per_second']} MB/s; "
              f"last 10%: {f1(b['docs_per_second'])} docs/s, {b['mb_per_second']} MB/s.")
            w("")
        w("| JSONL file | docs | stored before | seconds | docs/s | MB/s |")
        w("|---|---:|---:|---:|---:|---:|")
        for r in rates["jsonl_files"]:
            w(f"| {r['file']} | {r['docs']:,} | {r['stored_before']:,} | {r['seconds']:.2f} | {f1(r['docs_per_second'])} | {r['mb_per_second']} |")
        w("")

    if search:
        w("## Search latency")
        w("")
        w(f"{len(search['queries'])} queries against the store of the first fresh ingest, each run "
          f"{search['runs']} times after {search['warmup']} warm-up run(s) with {search['tool']}; the time is the whole "
          "`vigil search` process (start-up, opening the store, query, printing JSON).")
        w("")
        w(f"**Median over all queries: {search['median_ms']:.1f} ms** (median of the per-query medians; "
          f"fastest query {search['min_ms']:.1f} ms, slowest {search['max_ms']:.1f} ms).")
        w("")
        w("| query | hits | median ms |")
        w("|---|---:|---:|")
        for q in search["queries"]:
            w(f"| `{q['args']}` | {q.get('total', '–')} | {q['median_ms']:.1f} |")
        w("")

    if dedup:
        w("## Do Vigil's counts match the corpus?")
        w("")
        w("From `check_dedup.py` (generator manifest against the store of the first fresh ingest):")
        w("")
        w("```")
        for line in dedup.get("text", []):
            w(line)
        w("```")
        w("")
    with open(args.out, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
