#!/usr/bin/env python3
"""Train the event-type model that sits beside the rules (data/kb/event_model.tsv).

Usage (in benchmarks/.venv, which has scikit-learn):

    benchmarks/.venv/bin/python scripts/train_event_types.py \\
        --gold ../shared/gold/dev/case2021_subtypes.jsonl \\
        --vigil-bench target/release/vigil-bench \\
        --out data/kb/event_model.tsv

Reads only the TUNING part of the CASE 2021 file (scripts/gold_part.py: the
records whose id's SHA-256 starts with 4-f); the check part is never opened
for training, tuning or pruning. Deterministic: fixed folds, fixed seeds, a
sorted vocabulary.

The model: TF-IDF over word unigrams, word bigrams (hashed) and character 3-5-grams
inside words (the same features `crates/vigil-extract/src/event_model.rs`
computes), multinomial logistic regression. Its regularization C is chosen
by 5-fold cross-validation on the tuning part (weighted F1). Then, with the
rules' class for each tuning record (`vigil-bench classify`), the weight
of the rules' vote is chosen on the same folds' out-of-fold probabilities:
the class of a text is argmax over c of log p(c) + rule_weight * [c is the
rules' class]; a rule_weight of 0 is the model alone, a large one the rules
alone. Without --vigil-bench the rules' weight is left at --rule-weight.

The file holds weights over features (words, word pairs, character
n-grams), not records: features seen in fewer than --min-df tuning records
are dropped, only the --features strongest are kept (and the model refit on
them), and only the --weights largest weights are written. The
cross-validation scores this whole procedure, with the inference written
the way the Rust code does it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter

sys.dont_write_bytecode = True

# Arabic short vowels, shadda, sukun, dagger alif and tatweel: dropped, so
# that a vocalized and an unvocalized spelling are one word (and so that
# Python's and Rust's ideas of a letter agree on them).
DROPPED = set(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}


# Languages written in Latin script (the CASE file is English).
LATIN_LANGS = {"en", "fr", "es", "de", "it", "pt", "tr", "nl"}


def tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits; ASCII digits become 0."""
    out, cur = [], []
    for ch in text.lower():
        if ch in DROPPED:
            continue
        if ch.isalnum():
            cur.append("0" if "0" <= ch <= "9" else ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def fnv1a(s: str) -> str:
    """64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits."""
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def features(text: str) -> list[str]:
    """Word unigrams ("w:"), adjacent word pairs ("b:", hashed: the file
    holds no run of words) and character 3-5-grams of each word padded with
    a space ("c:")."""
    toks = tokens(text)
    out = [f"w:{t}" for t in toks]
    out += [f"b:{fnv1a(a + ' ' + b)}" for a, b in zip(toks, toks[1:])]
    for t in toks:
        s = f" {t} "
        for n in (3, 4, 5):
            out += [f"c:{s[i:i + n]}" for i in range(len(s) - n + 1)]
    return out


def part(record_id) -> str:
    rid = record_id if isinstance(record_id, str) else json.dumps(record_id)
    return "check" if hashlib.sha256(rid.encode("utf-8")).hexdigest()[0] in "0123" else "tuning"


def case_to_key(typology: str) -> dict[str, str]:
    """CASE 2021 code -> Vigil's sub-event key, from typology.toml."""
    import tomllib

    with open(typology, "rb") as f:
        t = tomllib.load(f)
    return {s["case2021"]: s["key"] for s in t["sub_event_type"] if s.get("case2021")}


def weighted_f1(gold: list[str], pred: list[str]) -> float:
    """The weighted F1 of `vigil eval` (eval.rs, f1_scores)."""
    g, p, tp = Counter(gold), Counter(pred), Counter(a for a, b in zip(gold, pred) if a == b)
    total = 0.0
    for c, support in g.items():
        prec = tp[c] / p[c] if p[c] else 0.0
        rec = tp[c] / support
        total += support * (2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return total / max(len(gold), 1)


def rule_codes(bench: str, texts: list[str]) -> list[str | None]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for t in texts:
                f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
        subprocess.run([bench, "classify", "--only", "rules", "--jsonl", src, "--out", out, "--reps", "1"],
                       check=True, capture_output=True)
        codes = [json.loads(l)["code"] for l in open(out, encoding="utf-8")]
    # "OTHER" is what vigil-bench prints when no rule fired: no vote.
    return [None if c == "OTHER" else c for c in codes]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", required=True, help="case2021_subtypes.jsonl")
    ap.add_argument("--typology", default=os.path.join(os.path.dirname(__file__), "..", "data", "kb", "typology.toml"))
    ap.add_argument("--vigil-bench", help="target/release/vigil-bench, to weigh the rules' vote")
    ap.add_argument("--rule-weight", type=float, default=2.0, help="the rules' weight without --vigil-bench")
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--features", type=int, default=4000, help="features kept (the strongest)")
    ap.add_argument("--weights", type=int, default=24000, help="weights kept (the largest)")
    ap.add_argument("--C", type=float, nargs="+", default=[100, 300, 1000],
                    help="regularization values tried by cross-validation")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    import warnings

    warnings.filterwarnings("ignore")  # 5 folds, and some classes have 4 records

    keys = case_to_key(args.typology)
    rows = []
    with open(args.gold, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if part(r["id"]) == "tuning" and r.get("expect", {}).get("sub_event_code") in keys:
                    rows.append(r)
    texts = [r["text"] for r in rows]
    y = [r["expect"]["sub_event_code"] for r in rows]
    log = lambda m: print(m, file=sys.stderr, flush=True)
    log(f"{len(rows)} tuning records, {len(set(y))} classes")

    def fit(tr_texts: list[str], tr_y: list[str], C: float) -> dict:
        """The shipped procedure: fit on every feature, keep the --features
        features with the largest weight for some class, refit on those
        (so that the norm of a passage's vector is taken over what the file
        holds), then keep the --weights largest weights."""
        v = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=args.min_df)
        X = v.fit_transform(tr_texts)
        m = LogisticRegression(C=C, max_iter=5000).fit(X, tr_y)
        vocab = v.get_feature_names_out()
        strength = np.abs(m.coef_).max(0)
        order = sorted(range(len(vocab)), key=lambda j: (-strength[j], vocab[j]))
        kept = sorted(vocab[j] for j in order[: args.features])
        v = TfidfVectorizer(analyzer=features, sublinear_tf=True, vocabulary=kept)
        X = v.fit_transform(tr_texts)
        m = LogisticRegression(C=C, max_iter=5000).fit(X, tr_y)
        coef = m.coef_.copy()
        if coef.size > args.weights:
            cut = np.sort(np.abs(coef).ravel())[-args.weights]
            coef[np.abs(coef) < cut] = 0.0
        coef = np.round(coef, 3)
        return {"classes": list(m.classes_), "vocab": kept, "idf": np.round(v.idf_, 4),
                "coef": coef, "bias": np.round(m.intercept_, 4), "index": {f: j for j, f in enumerate(kept)}}

    def log_probs(model: dict, text: str) -> np.ndarray:
        """What event_model.rs computes: sublinear TF-IDF over the file's
        features, L2-normalized, times the kept weights, plus the bias."""
        counts = Counter(f for f in features(text) if f in model["index"])
        s = model["bias"].astype(float).copy()
        vals = {f: (1 + math.log(c)) * model["idf"][model["index"][f]] for f, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in vals.values()))
        if norm > 0:
            for f, x in vals.items():
                s += model["coef"][:, model["index"][f]] * (x / norm)
        s -= s.max()
        return s - math.log(np.exp(s).sum())

    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(texts, y))
    classes = sorted(set(y))

    def oof(C: float) -> np.ndarray:
        logp = np.full((len(texts), len(classes)), -30.0)
        for tr, te in folds:
            model = fit([texts[i] for i in tr], [y[i] for i in tr], C)
            for i in te:
                lp = log_probs(model, texts[i])
                for j, c in enumerate(model["classes"]):
                    logp[i, classes.index(c)] = lp[j]
        return logp

    best = None
    for C in args.C:
        logp = oof(C)
        f1 = weighted_f1(y, [classes[i] for i in logp.argmax(1)])
        log(f"C={C}: model alone, out-of-fold weighted F1 {f1:.3f}")
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, C, logp)
    _, C, logp = best

    rule_weight = args.rule_weight
    if args.vigil_bench:
        rules = rule_codes(args.vigil_bench, texts)
        log(f"rules alone on the tuning part: weighted F1 {weighted_f1(y, [r or 'OTHER' for r in rules]):.3f}")

        def combined(wt: float) -> list[str]:
            out = []
            for i, r in enumerate(rules):
                s = logp[i].copy()
                if r in classes:
                    s[classes.index(r)] += wt
                out.append(classes[int(s.argmax())])
            return out

        grid = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 100.0]
        scored = [(weighted_f1(y, combined(w)), w) for w in grid]
        for f1, w in scored:
            log(f"rule weight {w}: combined, out-of-fold weighted F1 {f1:.3f}")
        top = max(f for f, _ in scored)
        # Ties: the smallest weight that reaches the best (the model is
        # trained on more text than the rules were written from).
        rule_weight = min(w for f, w in scored if f >= top - 1e-9)

    model = fit(texts, y, C)
    model_classes = [keys[c] for c in model["classes"]]
    lines = []
    n_weights = 0
    for j, f in enumerate(model["vocab"]):
        ws = [(k, model["coef"][k, j]) for k in range(len(model_classes)) if model["coef"][k, j] != 0.0]
        n_weights += len(ws)
        cells = " ".join(f"{k}:{w:g}" for k, w in ws)
        lines.append(f"{f}\t{model['idf'][j]:g}\t{cells}")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# Vigil's event-type model: multinomial logistic regression over TF-IDF of words,\n")
        f.write("# word pairs and character 3-5-grams of words (see crates/vigil-extract/src/event_model.rs).\n")
        f.write("# Built by scripts/train_event_types.py from the tuning part of the CASE 2021 dev file;\n")
        f.write("# weights over features only, no records. Do not edit by hand: retrain.\n")
        f.write(f"# C={C} min_df={args.min_df} features={len(model['vocab'])} weights={n_weights}\n")
        f.write("classes\t" + "\t".join(model_classes) + "\n")
        f.write("bias\t" + "\t".join(f"{b:g}" for b in model["bias"]) + "\n")
        f.write(f"rule_weight\t{rule_weight}\n")
        # The model reads the script it was trained on: a passage in
        # another script keeps the rules' class (event_model.rs, `reads`).
        latin = all(r.get("lang") in LATIN_LANGS for r in rows)
        f.write(f"script\t{'latin' if latin else 'any'}\n")
        for l in lines:
            f.write(l + "\n")
    log(f"wrote {args.out}: {len(model_classes)} classes, {len(model['vocab'])} features, {n_weights} weights, C={C}, "
        f"rule weight {rule_weight}, {os.path.getsize(args.out) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
