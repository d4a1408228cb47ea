#!/usr/bin/env python3
"""Validate the project's claims gold files and print what they hold.

Usage: scripts/check_claims_gold.py [eval/claims.jsonl eval/claims-holdout.jsonl]

Checks every record against the format in eval/README.md: every field present
and well typed, ids unique across both files, dates valid, the attack no later
than the publication, coordinates inside Syria or Iraq and inside the named
province, counts not negative, vocabularies respected, the place name written
in the text. Prints counts per language, style, attack mode, claim status,
target and more. Exits 1 on the first file with errors, after listing them all.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [ROOT / "eval" / "claims.jsonl", ROOT / "eval" / "claims-holdout.jsonl"]

# Style labels per file. A holdout style never appears in claims.jsonl (the
# rules writer must not see its phrasing), so the two sets are disjoint.
CLAIM_STYLES = {
    "ar_official_oneline", "ar_official_statement", "ar_official_newsletter", "ar_agency_claim",
    "ar_supporter_repost", "ar_local_monitor", "ar_news_report", "ar_other_side_statement",
    "en_wire_report", "en_local_monitor", "en_translation_channel", "en_thinktank_log",
    "en_government_statement", "en_newsletter_translation", "en_regional_news",
}
HOLDOUT_STYLES = {"ar_official_statement_alt", "en_kurdish_broadcaster", "ar_state_security_media"}
FILE_STYLES = {"claims.jsonl": CLAIM_STYLES, "claims-holdout.jsonl": HOLDOUT_STYLES}
ID_PREFIX = {"claims.jsonl": "cl", "claims-holdout.jsonl": "ch"}

SOURCE_KINDS = {"militant_official", "militant_supporter", "news_media", "local_monitor", "ngo_research",
                "government", None}
AFFILIATIONS = {"Islamic State", None}
CLAIM_STATUS = {"claimed", "reported", "confirmed", "denied"}
ATTACK_MODES = {"armed_assault", "bombing_ied", "suicide_attack", "vehicle_bomb", "assassination", "kidnapping",
                "shelling_air_strike", "arson", "prison_attack_escape", "other"}
EXACTNESS = {"exact", "at_least", "about"}
# Neutral English names of the actors the files use, as perpetrator or target.
ACTORS = {
    "Islamic State", "Syrian Democratic Forces", "People's Protection Units", "Syrian Arab Army",
    "National Defence Forces", "Iraqi Army", "Iraqi Police", "Iraqi Federal Police",
    "Popular Mobilization Forces", "Peshmerga", "Awakening Councils", "Turkish Armed Forces", "civilians",
    "Iraqi Counter-Terrorism Service", "Russian Armed Forces", "US-led coalition", "Asayish",
    "Syrian National Army", "Hayat Tahrir al-Sham", "Autonomous Administration of North and East Syria",
    "Iraqi Border Guards", "Liwa al-Quds",
}
EVENT_KEYS = {"claim_status", "perpetrator", "target", "target_generic", "attack_mode", "attempted", "place",
              "killed", "killed_exactness", "injured", "date"}
PLACE_KEYS = {"name", "name_en", "lat", "lon", "admin1"}
RECORD_KEYS = {"id", "lang", "style", "reference_date", "source_kind", "affiliation", "text", "expect"}

# Province bounding boxes (south, north, west, east) of the Natural Earth 10m
# admin-1 polygons, rounded outwards to 0.01 degree; names as the bundled
# gazetteer (data/gazetteer/places.tsv.gz) spells them. A point must fall in
# its province's box widened by BOX_MARGIN (the boxes are of de facto lines
# and GeoNames points sit on town centres).
SYRIA = {
    "Al-Hasakah": (35.55, 37.33, 39.44, 42.38), "Al-Raqqah": (35.24, 36.75, 38.02, 39.81),
    "Deir ez-Zor": (34.07, 36.47, 39.24, 41.31), "Aleppo": (35.43, 36.91, 36.53, 38.68),
    "Homs": (33.13, 35.40, 36.11, 40.18), "Hama": (34.84, 35.76, 36.13, 38.31),
    "Idlib": (35.31, 36.34, 36.14, 37.22), "Latakia": (35.21, 35.93, 35.72, 36.29),
    "Tartus": (34.62, 35.27, 35.86, 36.32), "Rif Dimashq": (32.69, 34.23, 35.83, 38.32),
    "Damascus": (33.46, 33.57, 36.18, 36.36), "Daraa": (32.35, 33.30, 35.76, 36.58),
    "As-Suwayda": (32.31, 33.23, 36.33, 37.50), "Quneitra": (32.83, 33.33, 35.81, 35.99),
}
IRAQ = {
    "Al Anbar": (30.55, 35.16, 38.77, 44.29), "Saladin": (33.43, 35.73, 42.49, 44.97),
    "Nineveh": (34.94, 37.07, 41.19, 44.31), "Kirkuk": (34.70, 35.91, 43.26, 44.81),
    "Diyala": (33.00, 35.12, 44.24, 45.97), "Baghdad": (33.17, 33.44, 44.22, 44.55),
    "Erbil": (35.42, 37.32, 43.31, 45.05), "Duhok": (36.69, 37.38, 42.35, 44.10),
    "Sulaymaniyah": (34.51, 36.52, 44.53, 46.33), "Babylon": (32.11, 33.21, 43.82, 45.20),
    "Wasit": (31.94, 33.50, 44.52, 46.61), "Karbala": (32.16, 32.83, 43.21, 44.32),
    "Najaf": (29.81, 32.35, 42.78, 44.73), "Al-Qādisiyyah": (31.26, 32.40, 44.42, 45.79),
    "Al Muthanna": (29.06, 31.73, 43.82, 46.75), "Dhi Qar": (30.50, 32.01, 45.70, 47.14),
    "Maysan": (31.12, 32.83, 46.31, 47.84), "Basra": (29.12, 31.28, 46.56, 48.56),
}
BOX_MARGIN = 0.35
ARABIC = re.compile("[\u0600-\u06ff]")
ID_RE = re.compile(r"^(cl|ch)-(ar|en)-(\d{4})$")


def in_box(lat: float, lon: float, box: tuple[float, float, float, float], margin: float = 0.0) -> bool:
    s, n, w, e = box
    return s - margin <= lat <= n + margin and w - margin <= lon <= e + margin


def country_of(admin1: str) -> str | None:
    if admin1 in SYRIA:
        return "Syria"
    if admin1 in IRAQ:
        return "Iraq"
    return None


def parse_date(value, field: str, errs: list[str]) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        errs.append(f"{field}: {value!r} is not a YYYY-MM-DD date")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errs.append(f"{field}: {value!r} is not a real calendar day")
        return None


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_event(ev, text: str, ref: dt.date | None, where: str, errs: list[str]) -> None:
    if not isinstance(ev, dict):
        errs.append(f"{where}: must be an object")
        return
    keys = set(ev)
    if keys != EVENT_KEYS:
        missing, extra = EVENT_KEYS - keys, keys - EVENT_KEYS
        errs.append(f"{where}: missing fields {sorted(missing)}, unknown fields {sorted(extra)}")
        return
    if ev["claim_status"] not in CLAIM_STATUS:
        errs.append(f"{where}.claim_status: {ev['claim_status']!r} not one of {sorted(CLAIM_STATUS)}")
    for f in ("perpetrator", "target"):
        if ev[f] is not None and ev[f] not in ACTORS:
            errs.append(f"{where}.{f}: {ev[f]!r} is not a known neutral actor name (add it to ACTORS if real)")
    if not isinstance(ev["target_generic"], bool):
        errs.append(f"{where}.target_generic: must be true or false")
    elif ev["target_generic"] and ev["target"] is not None:
        errs.append(f"{where}: target_generic is true but target is {ev['target']!r} (must be null)")
    if ev["attack_mode"] not in ATTACK_MODES:
        errs.append(f"{where}.attack_mode: {ev['attack_mode']!r} not one of {sorted(ATTACK_MODES)}")
    if not isinstance(ev["attempted"], bool):
        errs.append(f"{where}.attempted: must be true or false")
    for f in ("killed", "injured"):
        if not is_int(ev[f]) or ev[f] < 0:
            errs.append(f"{where}.{f}: {ev[f]!r} must be an integer >= 0")
    if ev["killed_exactness"] not in EXACTNESS:
        errs.append(f"{where}.killed_exactness: {ev['killed_exactness']!r} not one of {sorted(EXACTNESS)}")
    d = parse_date(ev["date"], f"{where}.date", errs)
    if d and ref:
        lag = (ref - d).days
        if lag < 0:
            errs.append(f"{where}.date: {d} is after the reference_date {ref}")
        elif lag > 14:
            errs.append(f"{where}.date: {d} is {lag} days before the reference_date (at most 14)")
    p = ev["place"]
    if not isinstance(p, dict) or set(p) != PLACE_KEYS:
        errs.append(f"{where}.place: must have exactly the fields {sorted(PLACE_KEYS)}")
        return
    if not isinstance(p["name"], str) or not p["name"].strip():
        errs.append(f"{where}.place.name: must be a non-empty string")
    elif p["name"] not in text:
        errs.append(f"{where}.place.name: {p['name']!r} is not written in the text")
    if not isinstance(p["name_en"], str) or not p["name_en"].strip():
        errs.append(f"{where}.place.name_en: must be a non-empty string")
    lat, lon = p["lat"], p["lon"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
        errs.append(f"{where}.place: lat and lon must be numbers")
        return
    admin1 = p["admin1"]
    boxes = SYRIA | IRAQ
    if admin1 not in boxes:
        errs.append(f"{where}.place.admin1: {admin1!r} is not a province of Syria or Iraq "
                    f"(use the gazetteer's spelling, e.g. 'Deir ez-Zor', 'Saladin')")
        return
    country = SYRIA if admin1 in SYRIA else IRAQ
    if not any(in_box(lat, lon, b) for b in country.values()):
        errs.append(f"{where}.place: ({lat}, {lon}) is outside {country_of(admin1)}")
    elif not in_box(lat, lon, boxes[admin1], BOX_MARGIN):
        errs.append(f"{where}.place: ({lat}, {lon}) is outside the province {admin1}")


def check_file(path: Path, seen_ids: dict[str, str]) -> tuple[list[dict], list[str]]:
    errs: list[str] = []
    recs: list[dict] = []
    styles = FILE_STYLES.get(path.name)
    prefix = ID_PREFIX.get(path.name)
    if styles is None:
        return [], [f"{path}: unknown file name (expected one of {sorted(FILE_STYLES)})"]
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{n}"
        if not line.strip():
            errs.append(f"{where}: empty line (one JSON object per line)")
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"{where}: not valid JSON ({e})")
            continue
        if not isinstance(r, dict) or set(r) != RECORD_KEYS:
            got = set(r) if isinstance(r, dict) else set()
            errs.append(f"{where}: missing fields {sorted(RECORD_KEYS - got)}, unknown fields {sorted(got - RECORD_KEYS)}")
            continue
        rid = r["id"]
        where = f"{path.name}:{n} ({rid})"
        m = ID_RE.match(rid) if isinstance(rid, str) else None
        if not m:
            errs.append(f"{where}: id must look like {prefix}-ar-0001")
        elif m.group(1) != prefix or m.group(2) != r["lang"]:
            errs.append(f"{where}: id prefix must be {prefix}-{r['lang']}-")
        if rid in seen_ids:
            errs.append(f"{where}: id already used at {seen_ids[rid]}")
        seen_ids[rid] = where
        if r["lang"] not in ("ar", "en"):
            errs.append(f"{where}.lang: {r['lang']!r} must be 'ar' or 'en'")
        if r["style"] not in styles:
            errs.append(f"{where}.style: {r['style']!r} is not a style of {path.name} ({sorted(styles)})")
        elif not r["style"].startswith(r["lang"] + "_"):
            errs.append(f"{where}.style: {r['style']!r} does not match lang {r['lang']!r}")
        text = r["text"]
        if not isinstance(text, str) or not text.strip():
            errs.append(f"{where}.text: must be a non-empty string")
            text = ""
        elif r["lang"] == "ar" and not ARABIC.search(text):
            errs.append(f"{where}.text: an Arabic record without Arabic script")
        elif r["lang"] == "en" and ARABIC.search(text):
            errs.append(f"{where}.text: an English record with Arabic script")
        ref = parse_date(r["reference_date"], f"{where}.reference_date", errs)
        if ref and not (2014 <= ref.year <= 2023):
            errs.append(f"{where}.reference_date: {ref} outside 2014-2023")
        if r["source_kind"] not in SOURCE_KINDS:
            errs.append(f"{where}.source_kind: {r['source_kind']!r} not one of {sorted(map(str, SOURCE_KINDS))}")
        if r["affiliation"] not in AFFILIATIONS:
            errs.append(f"{where}.affiliation: {r['affiliation']!r} must be 'Islamic State' or null")
        if r["source_kind"] is None and r["affiliation"] is not None:
            errs.append(f"{where}: affiliation given for an unknown source (source_kind null)")
        exp = r["expect"]
        if isinstance(exp, dict) and set(exp) == {"events"}:
            if "newsletter" not in str(r["style"]):
                errs.append(f"{where}.expect: a list of events is only for the newsletter styles")
            evs = exp["events"]
            if not isinstance(evs, list) or len(evs) < 2:
                errs.append(f"{where}.expect.events: must list at least two events")
                evs = evs if isinstance(evs, list) else []
            for i, ev in enumerate(evs):
                check_event(ev, text, ref, f"{where}.expect.events[{i}]", errs)
        else:
            evs = [exp]
            check_event(exp, text, ref, f"{where}.expect", errs)
        if r["source_kind"] == "militant_official" and r["affiliation"]:
            for ev in evs:
                if isinstance(ev, dict) and ev.get("perpetrator") != r["affiliation"]:
                    errs.append(f"{where}: the group's own claim must name the group ({r['affiliation']}) "
                                f"as perpetrator, found {ev.get('perpetrator')!r}")
        r["_events"] = [ev for ev in evs if isinstance(ev, dict) and set(ev) == EVENT_KEYS]
        recs.append(r)
    return recs, errs


def report(path: Path, recs: list[dict]) -> None:
    evs = [ev for r in recs for ev in r["_events"]]
    print(f"\n== {path.name}: {len(recs)} records, {len(evs)} events")

    def show(title: str, counter: Counter) -> None:
        items = ", ".join(f"{k}: {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))
        print(f"{title}: {items}")

    show("language", Counter(r["lang"] for r in recs))
    show("style", Counter(r["style"] for r in recs))
    show("source_kind", Counter(str(r["source_kind"]) for r in recs))
    show("attack_mode", Counter(ev["attack_mode"] for ev in evs))
    show("claim_status", Counter(ev["claim_status"] for ev in evs))
    show("perpetrator", Counter(str(ev["perpetrator"]) for ev in evs))
    show("target", Counter("(generic)" if ev["target_generic"] else str(ev["target"]) for ev in evs))
    show("country", Counter(country_of(ev["place"]["admin1"]) for ev in evs))
    show("province", Counter(ev["place"]["admin1"] for ev in evs))
    show("attack year", Counter(ev["date"][:4] for ev in evs))
    show("killed_exactness", Counter(ev["killed_exactness"] for ev in evs))
    official = [r for r in recs if r["style"].startswith("ar_official")]
    print(f"attempted or foiled: {sum(ev['attempted'] for ev in evs)}; "
          f"the group's own texts with an unknown source (source_kind null): "
          f"{sum(r['source_kind'] is None for r in official)} of {len(official)}")
    places = {(round(ev["place"]["lat"], 3), round(ev["place"]["lon"], 3)) for ev in evs}
    by_name: dict[str, set] = {}
    for ev in evs:
        by_name.setdefault(ev["place"]["name_en"], set()).add(ev["place"]["admin1"])
    print(f"distinct places: {len(places)}; names used in more than one province: "
          f"{sorted(n for n, a in by_name.items() if len(a) > 1)}")
    lag = Counter(min((dt.date.fromisoformat(r['reference_date']) - dt.date.fromisoformat(ev['date'])).days, 2)
                  for r in recs for ev in r["_events"])
    print(f"attack day vs publication: same day {lag[0]}, day before {lag[1]}, earlier {lag[2]}")


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv[1:]] or DEFAULT_FILES
    seen: dict[str, str] = {}
    failed = False
    all_places: set = set()
    for path in files:
        if not path.exists():
            print(f"{path}: missing", file=sys.stderr)
            failed = True
            continue
        recs, errs = check_file(path, seen)
        for e in errs:
            print(f"ERROR {e}", file=sys.stderr)
        if errs:
            failed = True
            print(f"{path}: {len(errs)} errors", file=sys.stderr)
        report(path, recs)
        all_places |= {(ev["place"]["lat"], ev["place"]["lon"]) for r in recs for ev in r["_events"]}
    print(f"\ndistinct places over all files: {len(all_places)}")
    print("FAILED" if failed else "OK: all files valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
