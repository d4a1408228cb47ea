#!/usr/bin/env python3
"""Writes crates/vigil-bench/claimstream/hijri_umm_al_qura.toml: the first
day (Gregorian) of every Hijri month from 1435 to 1450 AH by the Umm al-Qura
calendar, for the claim-stream generator's Hijri dates.

Needs the `hijridate` package (pip install hijridate), which carries the
Umm al-Qura calendar's published month lengths. Run from the repository
root: python3 scripts/build_hijri_table.py
"""
from datetime import timedelta
from pathlib import Path

from hijridate import Hijri

FIRST, LAST = 1435, 1450
OUT = Path("crates/vigil-bench/claimstream/hijri_umm_al_qura.toml")


def main() -> None:
    last = Hijri(LAST, 12, 1)
    end = last.to_gregorian() + timedelta(days=last.month_length())
    lines = [
        "# The first day of each Hijri month by the Umm al-Qura calendar, "
        f"{FIRST}-{LAST} AH.",
        "# Written by scripts/build_hijri_table.py (from the hijridate package);",
        "# do not edit by hand. `months` lists, for each year, the Gregorian day",
        "# on which each of its twelve months begins; `end` is the day after the",
        "# last month of the last year.",
        "",
        f'end = "{end.isoformat()}"',
        "",
    ]
    for year in range(FIRST, LAST + 1):
        days = [Hijri(year, m, 1).to_gregorian().isoformat() for m in range(1, 13)]
        lines.append("[[year]]")
        lines.append(f"year = {year}")
        lines.append("months = [" + ", ".join(f'"{d}"' for d in days) + "]")
        lines.append("")
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
