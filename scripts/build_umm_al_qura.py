#!/usr/bin/env python3
"""Writes the Umm al-Qura table of data/kb/calendar.toml: the Gregorian day on
which each Hijri month begins, for the Hijri years 1400-1500 (1979-2077).

The Umm al-Qura calendar is the official calendar of Saudi Arabia, published
in advance by its science agency (KACST); it is the reference Hijri calendar
of the region's press and of the claims Vigil reads. Its months do not follow
a formula (each one starts by an astronomical rule applied at Mecca), so Vigil
carries them as a table and falls back to the arithmetic (tabular) calendar
outside it (see crates/vigil-extract/src/dates.rs).

Reads (once, by hand; the build and the tests never do) the month starts
bundled with the `hijridate` package (MIT licence, PyPI):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install hijridate==2.6.0
    /tmp/venv/bin/python scripts/build_umm_al_qura.py
and replaces the lines between the two markers in data/kb/calendar.toml.
"""

import datetime
import os
import re
import sys

from hijridate import Hijri

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALENDAR = os.path.join(ROOT, "data", "kb", "calendar.toml")
FIRST, LAST = 1400, 1500
BEGIN = "# --- Umm al-Qura table: written by scripts/build_umm_al_qura.py ---"
END = "# --- end of the Umm al-Qura table ---"


def table() -> str:
    lines = [BEGIN, "[hijri.umm_al_qura]"]
    previous = None
    for year in range(FIRST, LAST + 1):
        starts = []
        for month in range(1, 13):
            day = Hijri(year, month, 1).to_gregorian()
            day = datetime.date(day.year, day.month, day.day)
            if previous is not None and (day - previous).days not in (29, 30):
                sys.exit(f"{year}-{month}: {previous} to {day} is not a month")
            previous = day
            starts.append(f'"{day.isoformat()}"')
        lines.append(f"{year} = [{', '.join(starts)}]")
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    text = open(CALENDAR, encoding="utf-8").read()
    block = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not block.search(text):
        sys.exit(f"{CALENDAR}: the markers are missing")
    text = block.sub(lambda _: table(), text)
    open(CALENDAR, "w", encoding="utf-8").write(text)
    print(f"wrote the Umm al-Qura table {FIRST}-{LAST} AH into {CALENDAR}")


if __name__ == "__main__":
    main()
