#!/usr/bin/env python3
"""Turn `vigil --json eval FILES...` output into the Markdown rows of EVAL.md.

Usage: vigil --json eval ../shared/gold/dev/*.jsonl | scripts/eval-table.py "what changed"
Prints the issue's floor metrics first, then every metric per file.
"""
import json
import sys

FLOORS = [
    ("rand_iraq.jsonl", "killed_exact", 0.80),
    ("rand_iraq.jsonl", "injured_exact", 0.80),
    ("rand_iraq.jsonl", "weapon_accuracy", 0.85),
    ("rand_iraq.jsonl", "perpetrator_accuracy_named", 0.80),
    ("rand_iraq.jsonl", "perpetrator_false_rate_unnamed", -0.05),
    ("rand_iraq.jsonl", "place_within_25km", 0.85),
    ("case2021_subtypes.jsonl", "subtype_weighted_f1", 0.65),
    ("geo_lgl.jsonl", "toponym_f1", 0.65),
    ("geo_geovirus.jsonl", "toponym_f1", 0.65),
    ("geo_trnews.jsonl", "toponym_f1", 0.65),
    ("geo_lgl.jsonl", "toponym_within_161km", 0.80),
    ("geo_geovirus.jsonl", "toponym_within_161km", 0.80),
    ("geo_trnews.jsonl", "toponym_within_161km", 0.80),
    ("geo_idrisi_ar.jsonl", "toponym_f1_overlap", 0.55),
    ("geo_idrisi_ar.jsonl", "toponym_within_161km", 0.80),
    ("parity_syrian_archive.jsonl", "parity_place_agree", 0.80),
    ("re3d_entities.jsonl", "entity_f1", None),
    ("wojood_entities_ar.jsonl", "entity_f1", None),
]


def main():
    data = json.load(sys.stdin)
    label = sys.argv[1] if len(sys.argv) > 1 else ""
    print(f"### {label}\n")
    print("| file | metric | value | floor | met |")
    print("|---|---|---|---|---|")
    for f, m, floor in FLOORS:
        v = data.get(f, {}).get(m)
        if v is None:
            continue
        if floor is None:
            print(f"| {f} | {m} | {v:.3f} | (report) | |")
        elif floor < 0:
            print(f"| {f} | {m} | {v:.3f} | ≤ {-floor:.2f} | {'yes' if v <= -floor else 'no'} |")
        else:
            print(f"| {f} | {m} | {v:.3f} | {floor:.2f} | {'yes' if v >= floor else 'no'} |")
    print()


if __name__ == "__main__":
    main()
