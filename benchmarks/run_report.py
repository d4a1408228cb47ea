#!/usr/bin/env python3
"""The Markdown record of benchmarks/run-all.sh, from the JSON and text
files of one run (--res). Every figure comes from those files."""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def read(path, default=""):
    try:
        return open(path).read().strip()
    except OSError:
        return default


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def f(x, nd=2):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:,.{nd}f}"


def callgrind_ir(path):
    """Instructions collected (the `totals:` or `summary:` line)."""
    try:
        for line in open(path):
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    for a in ("--res", "--out", "--command", "--started", "--machine", "--git", "--rustc", "--corpus"):
        ap.add_argument(a, required=True)
    ap.add_argument("--pipeline-reps", type=int, default=1)
    ap.add_argument("--cg-docs", type=int, default=200)
    a = ap.parse_args()
    R = a.res
    corpus = load(f"{R}/corpus.json", {})
    L = []
    w = L.append
    n_docs = corpus.get("documents", 0)
    text_mb = corpus.get("text_bytes", 0) / 1e6
    w(f"# Vigil benchmarks, {a.started[:10]}: {n_docs:,} generated documents\n")
    w(f"Command: `{a.command}` (started {a.started}).\n")
    w(f"- machine: {a.machine.split('; load average')[0]}")
    w(f"- load average (1, 5, 15 min) at the start: {load(f'{R}/start.json', {}).get('load_start', '—')}")
    w(f"- build: {a.git}; {a.rustc}; release profile")
    w(f"- corpus: `{a.corpus}` (`gen_corpus.py --stream`): {n_docs:,} documents, {text_mb:.1f} MB of text, "
      f"types {corpus.get('documents_by_type')}, languages {corpus.get('documents_by_lang')}, "
      f"{corpus.get('exact_duplicates', 0):,} exact and {corpus.get('near_duplicates', 0):,} near copies")
    w("- every timed step carries the load average before/after it (a 1-minute load above 1 means "
      "something else shared the cores); ratios are measured in the same run, medians of the repetitions.\n")

    # ---------------- pipeline
    runs = []
    for r in range(1, a.pipeline_reps + 1):
        run = {}
        for stage in ("ingest", "extract", "link", "tally"):
            t = load(f"{R}/p{r}-{stage}.time.json")
            if t is None:
                continue
            t["out"] = load(f"{R}/p{r}-{stage}.out", {})
            run[stage] = t
        if run:
            run["store"] = int(float(read(f"{R}/p{r}-store.bytes", "0") or 0))
            runs.append(run)
    cmp_ = load(f"{R}/compare.json", {})
    fl = cmp_.get("floor") or {}
    pl = cmp_.get("places") or {}
    cl = cmp_.get("classify") or {}

    def extract_mbps_core(run):
        e = run.get("extract")
        if not e:
            return None
        mb = e["out"].get("mb_per_second")
        return mb / max(e["cpu_percent"] / 100, 0.01) if mb is not None else None

    ex_core = med([extract_mbps_core(r) for r in runs])
    floor_ratio = (fl["vigil"]["median_s"] / fl["floor"]["median_s"]) if fl.get("vigil") and fl.get("floor") else None
    ir_v, ir_f = callgrind_ir(f"{R}/cg.vigil"), callgrind_ir(f"{R}/cg.floor")
    ir_ratio = ir_v / ir_f if ir_v and ir_f else None
    total_wall = med([sum(r[s]["wall_s"] for s in ("ingest", "extract", "link", "tally") if s in r) for r in runs])
    peak = med([max(r[s]["rss_kb"] for s in ("ingest", "extract", "link", "tally") if s in r) for r in runs])

    w("## Issue 6 targets\n")
    w("| target | goal | measured here | met? |")
    w("|---|---|---|---|")
    w(f"| extraction throughput | ≥ 10 MB/s per core | {f(ex_core)} MB/s per core (`vigil extract`, median of {len(runs)}) | "
      f"{'yes' if ex_core and ex_core >= 10 else 'no' if ex_core else '—'} |")
    w(f"| extraction vs the aho-corasick floor | ≤ 5× | {f(floor_ratio, 1)}× wall; {f(ir_ratio, 1)}× callgrind instructions | "
      f"{'yes' if floor_ratio and floor_ratio <= 5 else 'no' if floor_ratio else '—'} |")
    gold_sets = [s for s in pl.get("sets", []) if "vigil" in s]
    if gold_sets:
        sp = [s["flashgeotext_s"] / s["vigil_s"] for s in gold_sets]
        acc = [(s["vigil"]["f1"], s["flashgeotext"]["f1"]) for s in gold_sets]
        faster = all(x > 1 for x in sp)
        better = all(v >= g for v, g in acc)
        w(f"| place names vs flashgeotext | faster and more accurate | speed ×{', ×'.join(f(x) for x in sp)} "
          f"(flashgeotext time / Vigil time, per gold file); F1 {', '.join(f'{v:.3f} vs {g:.3f}' for v, g in acc)} | "
          f"{'yes' if faster and better else 'more accurate, not faster' if better else 'no'} |")
    else:
        w(f"| place names vs flashgeotext | faster and more accurate | {pl.get('gold_skipped', 'not run')} | — |")
    if cl.get("check"):
        ck = cl["check"]
        sp = ck["baseline"]["predict_s"] / ck["vigil"]["predict_s"]
        vf, bf = ck["vigil"]["weighted_f1"], ck["baseline"]["weighted_f1"]
        w(f"| event types vs TF-IDF + LR (check part) | ≥ 0.75 and ≥ 0.08 above | speed ×{f(sp)} (baseline predict / Vigil); "
          f"weighted F1 {vf:.3f} vs {bf:.3f} | {'yes' if vf >= 0.75 and vf - bf >= 0.08 else 'no'} |")
    else:
        w(f"| event types vs TF-IDF + LR | ≥ 0.75 and ≥ 0.08 above | {cl.get('skipped', 'not run')} | — |")
    run_1m = f"{n_docs:,} documents in {f(total_wall, 1)} s (ingest + extract + link + tally), peak RSS " \
        f"{f(peak / 1024 if peak else None, 0)} MB"
    if n_docs >= 1_000_000 and total_wall is not None and peak:
        met = total_wall < 600 and peak / 1024 < 2048
        w(f"| 1,000,000 documents end to end | < 10 min on 2 cores, < 2 GiB | {run_1m} | "
          f"{'yes' if met else 'memory only' if peak / 1024 < 2048 else 'no'} |")
    else:
        w(f"| 1,000,000 documents end to end | < 10 min on 2 cores, < 2 GiB | not run at 1M; this run: {run_1m} | — |")
    w("| query p50 / p95 at 1,000,000 reports | < 50 ms / < 200 ms | not measured: no 1M store in this run | — |\n")

    # ---------------- pipeline table
    if runs:
        w(f"## Pipeline: ingest → extract → link → tally ({len(runs)} run{'s' if len(runs) > 1 else ''})\n")
        w("Each step is one `vigil` process under `/usr/bin/time -v`, into a fresh store. "
          "docs/s and MB/s are Vigil's own (`--json` summary: its timed loop), MB/s per core divides by the CPU share "
          "the process got. Ingest MB are input file bytes; extract MB are document text bytes. Link turns every "
          "report of the store into incidents (`vigil link`, windows of 56 days, incidents written to the store); "
          "tally counts every week's incidents by province (`vigil tally --by province`, in SQL).\n")
        w("| run | step | wall s | CPU % | peak RSS MB | docs/s | MB/s | MB/s per core | detail | load before → after |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
        for i, r in enumerate(runs, 1):
            for s in ("ingest", "extract", "link", "tally"):
                if s not in r:
                    continue
                t, o = r[s], r[s]["out"]
                cpu = t["cpu_percent"] / 100
                if s == "ingest":
                    secs = o.get("seconds")
                    dps = o.get("docs_per_second")
                    mbs = (o.get("bytes", 0) / 1e6 / secs) if secs else None
                    detail = f"new {o.get('new')}, dup {o.get('duplicates')}, near {o.get('near_duplicates')}"
                elif s == "extract":
                    dps, mbs = o.get("docs_per_second"), o.get("mb_per_second")
                    detail = f"{o.get('documents')} docs → {o.get('reports')} reports"
                elif s == "link":
                    dps = (o.get("new_reports", 0) / o["seconds"]) if o.get("seconds") else None
                    mbs = None
                    detail = (f"{o.get('new_reports')} reports → {o.get('incidents')} incidents in {o.get('windows')} windows "
                              f"(docs/s column: reports/s)")
                else:
                    dps = mbs = None
                    series = o if isinstance(o, list) else []
                    detail = (f"{len(series)} provinces × {len(series[0]['weeks']) if series else 0} weeks, "
                              f"{sum(w['value'] for x in series for w in x['weeks']):,} incidents counted")
                w(f"| {i} | {s} | {t['wall_s']:.1f} | {t['cpu_percent']} | {t['rss_kb'] / 1024:.0f} | {f(dps, 0)} | "
                  f"{f(mbs)} | {f(mbs / max(cpu, 0.01) if mbs else None)} | {detail} | {t['load_before'].split()[0]} → {t['load_after'].split()[0]} |")
        w("")
        stages = [s for s in ("ingest", "extract", "link", "tally") if s in runs[0]]
        per = {s: med([r[s]["wall_s"] for r in runs if s in r]) for s in stages}
        tot = sum(per.values())
        w(f"Medians over the runs: end to end {tot:.1f} s for {n_docs:,} documents "
          f"({n_docs / tot:,.0f} docs/s, {text_mb / tot:.2f} MB of text/s); share of the time: "
          + ", ".join(f"{s} {100 * v / tot:.0f}% ({v:.1f} s)" for s, v in per.items())
          + f"; store on disk {med([r['store'] for r in runs]) / 1e6:.1f} MB; peak RSS {peak / 1024:.0f} MB.\n")

    # ---------------- stage benches
    st = read(f"{R}/stages.txt")
    if st:
        w("## Stage benches (divan, `cargo bench -p vigil-bench`)\n")
        w(f"Load average before → after: {read(f'{R}/stages.load-before')} → {read(f'{R}/stages.load-after')}. "
          "Inputs: `crates/vigil-bench/fixtures/sample.jsonl` (gen_corpus.py --sample: claim = short channel post, "
          "wire = wire story, report = long NGO report; en/ar), store and search on seeded shuffles of it, "
          "link on seeded synthetic reports. Times per call; throughput in bytes of text (or items) per second.\n")
        w("```")
        w(st)
        w("```\n")

    # ---------------- side by side
    if cmp_:
        w("## Side by side (same run, same texts)\n")
        w(f"Load average before → after: {read(f'{R}/compare.load-before')} → {read(f'{R}/compare.load-after')}; "
          f"medians of {cmp_.get('reps')} repetitions. Times are in-process (start-up and gazetteer loading "
          "excluded on every side).\n")
        if pl.get("sets"):
            w("### Place names: Vigil vs flashgeotext 0.5 and geotext 0.4\n")
            if pl.get("gold_skipped"):
                w(f"*{pl['gold_skipped']}*\n")
            w("Toponym scores use the rule of `vigil eval` (exact span in code points; \"overlap\" when the spans "
              "overlap), applied by one function to all three tools; *vigil eval* is Vigil's own score of the file, "
              "the check that the rule is the same. flashgeotext and geotext know English names only.\n")
            w("| texts | docs | MB | Vigil s | flashgeotext s | geotext s | flashgeotext / Vigil | geotext / Vigil | "
              "F1 Vigil | F1 flashgeotext | F1 geotext | F1 overlap V / F / G | vigil eval F1 |")
            w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
            for s in pl["sets"]:
                g = "vigil" in s
                w(f"| {s['set']} | {s['docs']} | {s['bytes'] / 1e6:.2f} | {s['vigil_s']:.3f} | {s['flashgeotext_s']:.3f} | "
                  f"{s['geotext_s']:.3f} | {s['flashgeotext_s'] / s['vigil_s']:.2f}× | {s['geotext_s'] / s['vigil_s']:.2f}× | "
                  + (f"{s['vigil']['f1']:.3f} | {s['flashgeotext']['f1']:.3f} | {s['geotext']['f1']:.3f} | "
                     f"{s['vigil']['f1_overlap']:.3f} / {s['flashgeotext']['f1_overlap']:.3f} / {s['geotext']['f1_overlap']:.3f} | "
                     f"{f(s.get('vigil_eval_toponym_f1'), 3)} |" if g else "— | — | — | — | — |"))
            w(f"\nflashgeotext's own load (not in the times): {pl.get('flashgeotext_load_s', 0):.2f} s. "
              "A ratio above 1 means Vigil is faster.\n")
        w("### Event types: Vigil vs TF-IDF + logistic regression (scikit-learn)\n")
        if cl.get("check"):
            w(f"case2021_subtypes.jsonl in its tuning part ({cl['train']} records) and check part ({cl['check']}), "
              "split as scripts/gold_part.py does. The baseline (word 1-2-grams and char_wb 2-5-grams, TF-IDF, "
              f"LogisticRegression, C={cl['baseline_C']} chosen by 5-fold cross-validation on the tuning part) is "
              "trained on every tuning record; Vigil's event-type model was trained on the same part by "
              "scripts/train_event_types.py, so on the tuning part both models' scores are training scores. "
              "Weighted F1 as `vigil eval` computes it.\n")
            w("| system | part | predict s | accuracy | weighted F1 | macro F1 | sklearn weighted F1 |")
            w("|---|---|---:|---:|---:|---:|---:|")
            for part in ("check", "tuning"):
                for key, name in (("vigil", "Vigil (rules + model)"), ("vigil_rules", "Vigil rules alone"),
                                  ("vigil_model", "Vigil model alone"), ("baseline", "TF-IDF + LR")):
                    r = cl[part][key]
                    w(f"| {name} | {part} | {r['predict_s']:.4f} | {r['accuracy']:.3f} | {r['weighted_f1']:.3f} | "
                      f"{r['macro_f1']:.3f} | {r['sklearn_weighted_f1']:.3f} |")
            ck = cl["check"]
            w(f"\nSpeed ratio on the check part (baseline predict time / Vigil time): "
              f"{ck['baseline']['predict_s'] / ck['vigil']['predict_s']:.2f}×.\n")
        else:
            w(f"*{cl.get('skipped', 'not run')}*\n")
        if fl.get("vigil"):
            v, fo = fl["vigil"], fl["floor"]
            w("### The floor: one aho-corasick pass\n")
            w(f"Vigil's extraction (`Extractor::extract`, every field of every report) and one leftmost-longest "
              f"aho-corasick pass (case-insensitive ASCII) of {fo['patterns']:,} patterns ({fo['place_names']:,} "
              f"gazetteer names, {fo['kb_words']:,} knowledge-base words: triggers, cues, actor names) over the "
              f"same {fl['docs']:,} generated documents ({fl['bytes'] / 1e6:.2f} MB).\n")
            w("| | median s | MB/s | times s | setup s | output |")
            w("|---|---:|---:|---|---:|---|")
            w(f"| Vigil | {v['median_s']:.3f} | {fl['bytes'] / 1e6 / v['median_s']:.2f} | {', '.join(f'{x:.3f}' for x in v['times_s'])} | "
              f"{v['setup_s']:.2f} | {v['reports']} reports |")
            w(f"| floor | {fo['median_s']:.4f} | {fl['bytes'] / 1e6 / fo['median_s']:.1f} | {', '.join(f'{x:.4f}' for x in fo['times_s'])} | "
              f"{fo['setup_s']:.2f} | {fo['matches']} matches |")
            w(f"\nVigil / floor: **{floor_ratio:.1f}×** wall time.")
            if ir_v and ir_f:
                cgv = load(f"{R}/cg.vigil.json", {})
                w(f" Under callgrind, over the first {cgv.get('docs', a.cg_docs)} documents "
                  f"({cgv.get('bytes', 0) / 1e6:.2f} MB; only the timed pass collected): Vigil {ir_v:,} instructions, "
                  f"the floor {ir_f:,}: **{ir_ratio:.1f}×**.")
            w("")
    with open(a.out, "w") as fo_:
        fo_.write("\n".join(L) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
