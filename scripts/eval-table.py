#!/usr/bin/env python3
"""Turn `vigil --json eval FILES...` output into the Markdown rows of EVAL.md.

Usage: vigil --json eval ../shared/gold/dev/*.jsonl eval/claims.jsonl | scripts/eval-table.py "what changed"
Prints each floor metric on the tuning part, the check part and the whole
file (see EVAL.md: a change is kept only when no check part falls).
"""
import json
import sys

FLOORS = [
    ("rand_iraq.jsonl", "killed_exact", 0.80),
    ("rand_iraq.jsonl", "injured_exact", 0.80),
    ("rand_iraq.jsonl", "weapon_accuracy", 0.85),
    ("rand_iraq.jsonl", "perpetrator_accuracy_named", 0.85),
    ("rand_iraq.jsonl", "perpetrator_false_rate_unnamed", -0.02),
    ("rand_iraq.jsonl", "place_within_25km", 0.85),
    ("case2021_subtypes.jsonl", "subtype_weighted_f1", 0.75),
    ("geo_lgl.jsonl", "toponym_f1", 0.65),
    ("geo_geovirus.jsonl", "toponym_f1", 0.65),
    ("geo_trnews.jsonl", "toponym_f1", 0.65),
    ("geo_lgl.jsonl", "toponym_within_161km", 0.80),
    ("geo_geovirus.jsonl", "toponym_within_161km", 0.80),
    ("geo_trnews.jsonl", "toponym_within_161km", 0.80),
    ("geo_idrisi_ar.jsonl", "toponym_f1_overlap", 0.65),
    ("geo_idrisi_ar.jsonl", "toponym_within_161km", 0.80),
    ("parity_syrian_archive.jsonl", "parity_place_agree", 0.85),
    ("re3d_entities.jsonl", "entity_f1", None),
    ("wojood_entities_ar.jsonl", "entity_f1", None),
]
# The claims file (eval/claims.jsonl, written by the project): the issue's
# targets hold in each language.
for lang in ("ar", "en"):
    for metric, floor in [
        ("claim_status_accuracy", 0.95),
        ("perpetrator_accuracy", 0.95),
        ("target_accuracy", 0.90),
        ("attack_mode_accuracy", 0.90),
        ("place_within_25km", 0.90),
        ("killed_exact", 0.90),
    ]:
        FLOORS.append(("claims.jsonl", f"{lang}_{metric}", floor))
FLOORS.append(("claims.jsonl", "fields_right", None))


def cell(v):
    return "-" if v is None else f"{v:.3f}"


def main():
    data = json.load(sys.stdin)
    label = sys.argv[1] if len(sys.argv) > 1 else ""
    print(f"### {label}\n")
    print("| file | metric | tuning | check | all | floor | check met |")
    print("|---|---|---|---|---|---|---|")
    for f, m, floor in FLOORS:
        scores = data.get(f)
        if not scores or m not in scores:
            continue
        t, c, a = scores.get("tuning", {}).get(m), scores.get("check", {}).get(m), scores[m]
        if floor is None:
            fl, met = "(report)", ""
        elif floor < 0:
            fl, met = f"≤ {-floor:.2f}", ("yes" if c is not None and c <= -floor else "no")
        else:
            fl, met = f"{floor:.2f}", ("yes" if c is not None and c >= floor else "no")
        print(f"| {f} | {m} | {cell(t)} | {cell(c)} | {cell(a)} | {fl} | {met} |")
    print()


if __name__ == "__main__":
    main()
