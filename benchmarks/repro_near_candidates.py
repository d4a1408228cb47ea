#!/usr/bin/env python3
"""Minimal reproduction: a near-duplicate is missed once more than 32 older,
unrelated documents share a MinHash band with it.

    python3 benchmarks/repro_near_candidates.py [--vigil target/release/vigil]

Vigil's near-duplicate lookup (crates/vigil-store/src/sqlite/mod.rs,
`nearest`) takes the documents sharing any of the new document's 8 band
keys, ORDER BY document_id LIMIT max_candidates (32), and checks only
those. The 32 *oldest* band-mates are checked, whatever their resemblance;
an original stored after them is never looked at.

This script writes three JSONL files, each ending with the same pair:

    ORIGINAL  (source "Wire A")
    ORIGINAL + " #Raqqa"  (source "Channel B"; resemblance ~0.97)

preceded by K "band-mates": texts that share at least one band key with
the repost but resemble it (and each other) well below the 0.7 threshold,
so each is stored as a new document. K = 0, 31 and 40. Expected every
time: the repost is a near-duplicate (near_duplicates = 1). Observed with
K = 40: near_duplicates = 0 and the repost is stored as a new document.

The band-mates are chosen with vigil_dedup.py, a replica of Vigil's
normalization and MinHash code; the script checks the replica against the
store it creates. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep benchmarks/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vigil_dedup as vd  # noqa: E402

ORIGINAL = ("Islamic State claimed an IED attack on an SDF patrol near al-Shuhayl in the eastern Deir ez-Zor "
            "countryside on Tuesday, saying two fighters were killed and a third wounded. Local sources said the "
            "road to Dhiban was closed for hours and a drone was seen over the area afterwards.")
REPOST = ORIGINAL + " #Raqqa"


def band_mates(k: int, seed: int = 7) -> list[str]:
    """K texts sharing a band key with REPOST, each resembling REPOST and
    every other one below 0.6."""
    rng = random.Random(seed)
    words = ORIGINAL.split()
    target = set(vd.band_keys(vd.normalize(REPOST)))
    target_sh = vd.shingles(vd.normalize(REPOST))
    chosen: list[str] = []
    chosen_sh: list[set[int]] = []
    n = 0
    while len(chosen) < k:
        n += 1
        w = list(words)
        for i in rng.sample(range(len(w)), len(w) // 3):
            w[i] = f"x{n}w{i}"
        text = " ".join(w)
        norm = vd.normalize(text)
        sh = vd.shingles(norm)
        if not (set(vd.band_keys(norm)) & target):
            continue
        if vd.resemblance_sets(sh, target_sh) >= 0.6 or any(vd.resemblance_sets(sh, o) >= 0.6 for o in chosen_sh):
            continue
        chosen.append(text)
        chosen_sh.append(sh)
    return chosen


def run(vigil: str, k: int, tmp: str) -> dict:
    d = os.path.join(tmp, f"k{k}")
    os.makedirs(d)
    path = os.path.join(d, "repro.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(band_mates(k)):
            f.write(json.dumps({"id": f"mate-{i}", "source": "Monitor M", "published": "2019-03-01", "text": t}) + "\n")
        f.write(json.dumps({"id": "orig", "source": "Wire A", "published": "2019-03-02", "text": ORIGINAL}) + "\n")
        f.write(json.dumps({"id": "repost", "source": "Channel B", "published": "2019-03-03", "text": REPOST}) + "\n")
    data = os.path.join(d, "data")
    p = subprocess.run([vigil, "--data-dir", data, "--json", "ingest", path], capture_output=True, text=True, check=True)
    s = json.loads(p.stdout)
    db = sqlite3.connect(os.path.join(data, "vigil.sqlite"))
    ok = all(vd.band_keys(n) == [b for (b,) in db.execute(
        "SELECT band FROM document_bands WHERE document_id = ? ORDER BY band", (i,))]
        for i, n in db.execute("SELECT id, normalized FROM documents"))
    orig_id = db.execute("SELECT id FROM documents WHERE external_id = 'orig'").fetchone()[0]
    marks = ",".join("?" * 8)
    cands = [r[0] for r in db.execute(
        f"SELECT DISTINCT document_id FROM document_bands WHERE band IN ({marks}) AND document_id <= ? ORDER BY document_id",
        [*vd.band_keys(vd.normalize(REPOST)), orig_id])]
    return {"k": k, "new": s["new"], "near_duplicates": s["near_duplicates"], "replica_ok": ok,
            "original_rank": cands.index(orig_id) + 1, "candidates": len(cands)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--vigil", default=os.path.join(here, "..", "target", "release", "vigil"))
    args = ap.parse_args()
    print(f"resemblance(original, repost) = {vd.resemblance(vd.normalize(ORIGINAL), vd.normalize(REPOST)):.3f}; "
          f"threshold 0.7; max_candidates 32")
    with tempfile.TemporaryDirectory() as tmp:
        for k in (0, 31, 40):
            r = run(args.vigil, k, tmp)
            verdict = "found" if r["near_duplicates"] == 1 else "MISSED"
            print(f"K={k:>2} band-mates: new {r['new']}, near_duplicates {r['near_duplicates']} -> repost {verdict} "
                  f"(original is band candidate #{r['original_rank']} of {r['candidates']}; replica matches store: {r['replica_ok']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
