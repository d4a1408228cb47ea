#!/usr/bin/env python3
"""Print the tuning or the check part of a gold file (JSON Lines).

Usage: scripts/gold_part.py tuning|check FILE...

The check part holds the records whose id, hashed with SHA-256 (UTF-8),
begins with the hex digit 0-3 (about a quarter); the rest is the tuning
part. Write and debug rules against the tuning part only: `vigil eval`
scores both (see EVAL.md)."""
import hashlib
import json
import sys


def part(record_id) -> str:
    rid = record_id if isinstance(record_id, str) else json.dumps(record_id)
    return "check" if hashlib.sha256(rid.encode("utf-8")).hexdigest()[0] in "0123" else "tuning"


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("tuning", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    want = sys.argv[1]
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and part(json.loads(line)["id"]) == want:
                    sys.stdout.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
