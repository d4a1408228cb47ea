#!/usr/bin/env python3
"""Per-file ingest rates from a `vigil -v ingest` log.

    python3 benchmarks/file_rates.py --log ingest.log --start EPOCH_SECONDS [--json out.json]

With -v, Vigil logs one line per file when the file's documents are
stored ("file read documents=N"), with a timestamp. The time between two
such lines is the time that file took (read, parse, prepare, dedup, store);
the first file is timed from --start (taken just before vigil started, so
it also holds process start-up and opening the store).

Prints docs/s over the first and the last 10% of files (in the order Vigil
walked them: html/, jsonl/, rss/, telegram/) and, for the JSONL files,
which are alike in mix and hold most of the corpus, one line per file with
the number of documents already stored when it began: a rate that falls as
that number grows means ingest slows down as the store fills.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LINE = re.compile(r"^(\S+Z)\s+INFO\s+file\{path=(.*?) format=(\w+)\}: .*file read documents=(\d+)")


def parse(log: str, start: float) -> list[dict]:
    rows = []
    prev = start
    seen = 0
    with open(log, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = LINE.match(ANSI.sub("", raw).strip())
            if not m:
                continue
            t = dt.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
            docs = int(m.group(4))
            rows.append({"path": m.group(2), "format": m.group(3), "docs": docs, "seconds": t - prev,
                         "stored_before": seen, "bytes": os.path.getsize(m.group(2)) if os.path.exists(m.group(2)) else 0})
            seen += docs
            prev = t
    return rows


def rate(rows: list[dict]) -> dict:
    d = sum(r["docs"] for r in rows)
    s = sum(r["seconds"] for r in rows)
    b = sum(r["bytes"] for r in rows)
    return {"files": len(rows), "docs": d, "seconds": round(s, 3), "docs_per_second": round(d / s, 1) if s else None,
            "mb_per_second": round(b / 1e6 / s, 2) if s else None}


def main() -> int:
    ap = argparse.ArgumentParser(description="Per-file ingest rates from a vigil -v log.")
    ap.add_argument("--log", required=True)
    ap.add_argument("--start", type=float, required=True, help="epoch seconds just before vigil started")
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args()
    rows = parse(args.log, args.start)
    if not rows:
        print("no per-file lines in the log (was vigil run with -v?)", file=sys.stderr)
        return 1
    k = max(1, round(len(rows) * 0.1))
    first, last = rate(rows[:k]), rate(rows[-k:])
    jsonl = [r for r in rows if r["format"] == "jsonl"]
    out = {"files": len(rows), "first_10pct_files": first, "last_10pct_files": last,
           "jsonl_files": [{"file": os.path.basename(r["path"]), "docs": r["docs"], "stored_before": r["stored_before"],
                            "seconds": round(r["seconds"], 3),
                            "docs_per_second": round(r["docs"] / r["seconds"], 1) if r["seconds"] else None,
                            "mb_per_second": round(r["bytes"] / 1e6 / r["seconds"], 2) if r["seconds"] else None}
                           for r in jsonl]}
    if len(jsonl) >= 2:
        kj = max(1, round(len(jsonl) * 0.1))
        out["jsonl_first_10pct"] = rate(jsonl[:kj])
        out["jsonl_last_10pct"] = rate(jsonl[-kj:])
    print(f"first 10% of files ({first['files']}, {first['docs']} docs): {first['docs_per_second']} docs/s, {first['mb_per_second']} MB/s")
    print(f"last 10% of files ({last['files']}, {last['docs']} docs): {last['docs_per_second']} docs/s, {last['mb_per_second']} MB/s")
    print("JSONL files in ingest order (same mix of claims, wires and reports in each):")
    print(f"  {'file':<34} {'docs':>6} {'stored before':>13} {'seconds':>8} {'docs/s':>8} {'MB/s':>6}")
    for r in out["jsonl_files"]:
        print(f"  {r['file']:<34} {r['docs']:>6} {r['stored_before']:>13} {r['seconds']:>8.2f} {r['docs_per_second']:>8} {r['mb_per_second']:>6}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
