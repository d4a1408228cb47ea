#!/usr/bin/env python3
"""Side-by-side comparisons for benchmarks/run-all.sh, measured in one run.

Run with the harness's virtual environment (benchmarks/.venv, which has
flashgeotext, geotext and scikit-learn):

    benchmarks/.venv/bin/python benchmarks/compare.py --bench-bin target/release/vigil-bench \\
        --vigil target/release/vigil --corpus benchmarks/out/corpus-10k --out results.json

1. Place names: Vigil (`vigil-bench places`: Extractor::places, timed in
   process, start-up excluded) against flashgeotext and geotext (timed in
   process, their gazetteer load excluded) on the same texts: the gold
   geoparsing files when --gold holds them, and a slice of the generated
   corpus. Toponym precision/recall/F1 are scored for all three by one
   function that applies the rule of `vigil eval` (crates/vigil-extract/
   src/eval.rs, `toponyms`): gold spans in code points, checked against
   the coded name (a span off by one is moved back), the same span coded
   twice counted once, a prediction right when its span equals a gold span
   exactly ("overlap": when it overlaps one). Vigil's own `vigil --json
   eval` is run on the same files as a check that the rule is the same.
2. Event types: a TF-IDF + logistic-regression baseline (word 1-2-grams and
   character 2-5-grams, C tuned by cross-validation) trained on every record
   of the tuning part of case2021_subtypes.jsonl, and Vigil
   (`vigil-bench classify`: Extractor::case_code, the rules and the
   event-type model combined; `--only rules` and `--only model` for each
   alone; "OTHER" when nothing is recognized, as `vigil eval` scores it),
   all scored on the check part (and, for reference, the tuning part) with
   the same weighted F1. The split is scripts/gold_part.py's.
3. The floor (`vigil-bench floor`): Vigil's extraction and one
   aho-corasick pass over the same generated documents.

Without the gold folder the gold-based scores are skipped with a message.
Every figure is the median of --reps repetitions in this process.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True


def log(msg: str) -> None:
    print(f"   {msg}", file=sys.stderr, flush=True)


def median_time(fn, reps: int):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times), times


def read_jsonl(path: str, limit: int | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
                if limit and len(rows) >= limit:
                    break
    return rows


def bench(bin_: str, *args: str) -> dict:
    r = subprocess.run([bin_, *args], check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


# --- toponyms: the rule of vigil eval -----------------------------------

def checked_spans(text: str, expect: dict, key: str = "toponyms") -> list[tuple[int, int, dict]]:
    out = []
    for g in expect.get(key) or []:
        s, e = g.get("start"), g.get("end")
        if not isinstance(s, int) or not isinstance(e, int):
            continue
        name = g.get("name") or g.get("text") or ""
        if name and text[s:e] != name and s > 0 and text[s - 1:e - 1] == name:
            s, e = s - 1, e - 1
        out.append((s, e, g))
    return out


def score_toponyms(records: list[dict], predicted: list[list[tuple[int, int]]]) -> dict:
    tp = tp_overlap = n_pred = n_gold = 0
    for r, ours in zip(records, predicted):
        gold = {}
        for s, e, g in checked_spans(r["text"], r["expect"]):
            gold.setdefault((s, e), g)
        gold_spans = sorted(gold)
        n_pred += len(ours)
        n_gold += len(gold_spans)
        for s, e in ours:
            if (s, e) in gold:
                tp += 1
            if any(gs < e and s < ge for gs, ge in gold_spans):
                tp_overlap += 1

    def prf(t):
        p = t / n_pred if n_pred else 0.0
        rc = t / n_gold if n_gold else 0.0
        return p, rc, (2 * p * rc / (p + rc) if p + rc else 0.0)

    p, rc, f = prf(tp)
    po, ro, fo = prf(min(tp_overlap, n_gold))
    return {"precision": p, "recall": rc, "f1": f, "f1_overlap": fo, "predicted": n_pred, "gold": n_gold}


# --- the Python tools ---------------------------------------------------

def flashgeotext_spans(gt, text: str) -> list[tuple[int, int]]:
    found = gt.extract(input_text=text, span_info=True)
    spans = []
    for kind in ("cities", "countries"):
        for v in found.get(kind, {}).values():
            spans.extend(tuple(s) for s in v.get("span_info", []))
    return sorted(set(spans))


GEOTEXT_RE = re.compile(r"[A-ZÀ-Ú]+[a-zà-ú]+[ \-]?(?:d[a-u].)?(?:[A-ZÀ-Ú]+[a-zà-ú]+)*")


def geotext_spans(index, text: str) -> list[tuple[int, int]]:
    """geotext's own candidate regex and index lookups (GeoText.__init__),
    keeping where each candidate is: cities and countries."""
    spans = []
    for m in GEOTEXT_RE.finditer(text):
        c = m.group(0).strip()
        k = c.lower()
        if k in index.countries or k in index.cities:
            spans.append((m.start(), m.start() + len(c)))
    return spans


def places(args, out: dict) -> None:
    from flashgeotext.geotext import GeoText as FlashGeoText
    import geotext

    t = time.perf_counter()
    fgt = FlashGeoText()
    fgt_load = time.perf_counter() - t
    index = geotext.GeoText.index  # built when geotext is imported
    res = {"flashgeotext_load_s": fgt_load, "sets": []}

    sets = []
    if args.gold:
        for path in sorted(glob.glob(os.path.join(args.gold, "geo_*.jsonl"))):
            sets.append((os.path.basename(path), path, True))
    else:
        res["gold_skipped"] = "no gold folder (--gold): toponym F1 not scored"
        log(res["gold_skipped"])
    corpus_files = sorted(glob.glob(os.path.join(args.corpus, "docs", "jsonl", "*.jsonl")))
    if corpus_files:
        rows = read_jsonl(corpus_files[0], args.corpus_docs)
        tmp = os.path.join(args.tmp, "corpus-slice.jsonl")
        with open(tmp, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({"text": r["text"], "published": r.get("published"), "lang": r.get("lang")},
                                   ensure_ascii=False) + "\n")
        sets.append((f"generated ({len(rows)} docs, EN+AR)", tmp, False))

    for name, path, gold in sets:
        records = read_jsonl(path)
        texts = [r["text"] for r in records]
        nbytes = sum(len(x.encode()) for x in texts)
        spans_file = os.path.join(args.tmp, "vigil-spans.jsonl")
        v = bench(args.bench_bin, "places", "--jsonl", path, "--out", spans_file, "--reps", str(args.reps))
        vigil_pred = [[tuple(s) for s in json.loads(l)["spans"]] for l in open(spans_file, encoding="utf-8")]
        fg_pred, fg_s, _ = median_time(lambda: [flashgeotext_spans(fgt, x) for x in texts], args.reps)
        gt_pred, gt_s, _ = median_time(lambda: [geotext_spans(index, x) for x in texts], args.reps)
        row = {"set": name, "docs": len(texts), "bytes": nbytes,
               "vigil_s": v["median_s"], "flashgeotext_s": fg_s, "geotext_s": gt_s,
               "vigil_times_s": v["times_s"]}
        if gold:
            row["vigil"] = score_toponyms(records, vigil_pred)
            row["flashgeotext"] = score_toponyms(records, fg_pred)
            row["geotext"] = score_toponyms(records, gt_pred)
            try:
                ev = subprocess.run([args.vigil, "--json", "eval", path], check=True, capture_output=True, text=True)
                m = json.loads(ev.stdout)
                # vigil eval's JSON: per file, metric -> value
                flat = json.dumps(m)
                f1 = re.search(r'"toponym_f1":\s*([0-9.eE-]+)', flat)
                row["vigil_eval_toponym_f1"] = float(f1.group(1)) if f1 else None
            except (subprocess.CalledProcessError, ValueError) as e:
                row["vigil_eval_toponym_f1"] = f"error: {e}"
        res["sets"].append(row)
        log(f"places {name}: vigil {v['median_s']:.3f}s flashgeotext {fg_s:.3f}s geotext {gt_s:.3f}s"
            + (f"; F1 vigil {row['vigil']['f1']:.3f} flash {row['flashgeotext']['f1']:.3f} geotext {row['geotext']['f1']:.3f}"
               if gold else ""))
    out["places"] = res


# --- event types --------------------------------------------------------

def weighted_f1(pairs: list[tuple[str, str]]) -> dict:
    """The weighted and macro F1 of `vigil eval` (eval.rs, f1_scores)."""
    from collections import Counter
    gold, pred, tp = Counter(), Counter(), Counter()
    for g, p in pairs:
        gold[g] += 1
        pred[p] += 1
        if g == p:
            tp[g] += 1
    n = len(pairs)
    weighted = macro = 0.0
    for c, support in gold.items():
        prec = tp[c] / pred[c] if pred[c] else 0.0
        rec = tp[c] / support
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        weighted += f * support
        macro += f
    return {"accuracy": sum(tp.values()) / max(n, 1), "weighted_f1": weighted / max(n, 1),
            "macro_f1": macro / max(len(gold), 1), "n": n}


def gold_part(record_id) -> str:
    """scripts/gold_part.py: the check part is the ids whose SHA-256 starts with 0-3."""
    import hashlib

    rid = record_id if isinstance(record_id, str) else json.dumps(record_id)
    return "check" if hashlib.sha256(rid.encode("utf-8")).hexdigest()[0] in "0123" else "tuning"


def fair_baseline(xtr: list[str], ytr: list[str], seed: int):
    """TF-IDF + logistic regression as a practitioner would set it up: word
    1-2-grams and character 2-5-grams within word boundaries (sublinear tf,
    each block L2-normalized), and the regularization C chosen by 5-fold
    stratified cross-validation (weighted F1) on the training records only,
    then refit on all of them."""
    import warnings

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline, make_union

    warnings.filterwarnings("ignore")  # classes with fewer records than folds
    pipe = make_pipeline(
        make_union(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
                   TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5))),
        LogisticRegression(max_iter=5000))
    grid = GridSearchCV(pipe, {"logisticregression__C": [1, 3, 10, 30, 100, 300, 1000]},
                        cv=StratifiedKFold(5, shuffle=True, random_state=seed), scoring="f1_weighted")
    grid.fit(xtr, ytr)
    return grid


def classify(args, out: dict) -> None:
    """Event types, fairly: both systems scored on the check part of the CASE
    file (scripts/gold_part.py), which neither was tuned or trained on; the
    baseline trained on every tuning record with C tuned by cross-validation
    on them; Vigil's rules alone, its model alone and the two combined (the
    model was trained by scripts/train_event_types.py on the same tuning
    part, so its tuning-part score is a training score)."""
    path = os.path.join(args.gold, "case2021_subtypes.jsonl") if args.gold else ""
    if not path or not os.path.exists(path):
        out["classify"] = {"skipped": "no gold folder (--gold) with case2021_subtypes.jsonl: classification not compared"}
        log(out["classify"]["skipped"])
        return
    from sklearn.metrics import f1_score

    rows = [r for r in read_jsonl(path) if r.get("expect", {}).get("sub_event_code")]
    parts = {p: [r for r in rows if gold_part(r["id"]) == p] for p in ("tuning", "check")}
    xtr = [r["text"] for r in parts["tuning"]]
    ytr = [r["expect"]["sub_event_code"] for r in parts["tuning"]]
    t = time.perf_counter()
    model = fair_baseline(xtr, ytr, args.seed)
    fit_s = time.perf_counter() - t
    res = {"train": len(xtr), "check": len(parts["check"]),
           "baseline_C": model.best_params_["logisticregression__C"], "baseline_cv_weighted_f1": model.best_score_,
           "baseline_fit_s": fit_s}
    for p, recs in parts.items():
        texts = [r["text"] for r in recs]
        gold = [r["expect"]["sub_event_code"] for r in recs]
        pred, pred_s, _ = median_time(lambda: list(model.predict(texts)), args.reps)
        row = {"baseline": {"predict_s": pred_s, **weighted_f1(list(zip(gold, pred))),
                            "sklearn_weighted_f1": f1_score(gold, pred, average="weighted", zero_division=0)}}
        test_file = os.path.join(args.tmp, f"case-{p}.jsonl")
        with open(test_file, "w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n")
        for name, only in (("vigil", []), ("vigil_rules", ["--only", "rules"]), ("vigil_model", ["--only", "model"])):
            codes_file = os.path.join(args.tmp, f"vigil-codes-{p}-{name}.jsonl")
            v = bench(args.bench_bin, "classify", "--jsonl", test_file, "--out", codes_file,
                      "--reps", str(args.reps), *only)
            vp = [json.loads(l)["code"] for l in open(codes_file, encoding="utf-8")]
            row[name] = {"predict_s": v["median_s"], **weighted_f1(list(zip(gold, vp))),
                         "sklearn_weighted_f1": f1_score(gold, vp, average="weighted", zero_division=0)}
        res[p] = row
        log(f"classify ({p}, {len(recs)}): vigil wF1 {row['vigil']['weighted_f1']:.3f} "
            f"(rules {row['vigil_rules']['weighted_f1']:.3f}, model {row['vigil_model']['weighted_f1']:.3f}); "
            f"baseline wF1 {row['baseline']['weighted_f1']:.3f} (C={res['baseline_C']})")
    out["classify"] = res


# --- the floor ----------------------------------------------------------

def floor(args, out: dict) -> None:
    files = sorted(glob.glob(os.path.join(args.corpus, "docs", "jsonl", "*.jsonl")))
    if not files:
        out["floor"] = {"skipped": "no generated corpus"}
        return
    r = bench(args.bench_bin, "floor", "--jsonl", *files, "--limit", str(args.floor_docs), "--reps", str(args.reps))
    out["floor"] = r
    log(f"floor: vigil {r['vigil']['median_s']:.3f}s, aho-corasick {r['floor']['median_s']:.4f}s over "
        f"{r['docs']} docs ({r['bytes'] / 1e6:.1f} MB)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench-bin", required=True)
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--corpus", required=True, help="a corpus directory of gen_corpus.py --stream")
    ap.add_argument("--gold", help="the gold folder (../shared/gold/dev); scores are skipped without it")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1, help="seed of the baseline's cross-validation folds")
    ap.add_argument("--corpus-docs", type=int, default=2000, help="generated documents for the place-name speed test")
    ap.add_argument("--floor-docs", type=int, default=2000, help="generated documents for the floor")
    ap.add_argument("--only", choices=["places", "classify", "floor"], help="run one comparison")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.gold and not os.path.isdir(args.gold):
        log(f"{args.gold} is absent: gold-based scores are skipped")
        args.gold = None
    out: dict = {"reps": args.reps, "gold": args.gold}
    with tempfile.TemporaryDirectory() as tmp:
        args.tmp = tmp
        if args.only in (None, "places"):
            places(args, out)
        if args.only in (None, "classify"):
            classify(args, out)
        if args.only in (None, "floor"):
            floor(args, out)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
