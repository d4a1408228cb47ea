"""A Python replica of Vigil's normalization and duplicate detection.

Mirrors crates/vigil-text/src/normalize.rs (`normalize`, `tokens`) and
crates/vigil-text/src/dedup.rs (`content_hash`, `shingles`, `fingerprint`,
`resemblance`) closely enough for the text the benchmark generator writes
(Latin and Arabic letters, ASCII and Eastern Arabic digits, punctuation),
so that the generator can say in advance which of its near-duplicates
Vigil's MinHash LSH can find, and check_dedup.py can explain a mismatch.

Standard library only. Not a general re-implementation: Unicode property
differences between Python's str.isalnum and Rust's char::is_alphanumeric
do not matter for this corpus but would for arbitrary text.
"""

from __future__ import annotations

import hashlib
import unicodedata

M64 = (1 << 64) - 1
BANDS = 8
ROWS = 4
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x00000100000001B3

_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ک": "ك",
    "،": ",", "؛": ";", "؟": "?", "٪": "%",
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)
    _FOLD[chr(0x06F0 + _i)] = str(_i)


def _drop(c: str) -> bool:
    o = ord(c)
    return (
        0x064B <= o <= 0x065F
        or o == 0x0670
        or 0x06D6 <= o <= 0x06ED
        or o == 0x0640
        or 0x200B <= o <= 0x200F
        or 0x202A <= o <= 0x202E
        or 0x2066 <= o <= 0x2069
        or o in (0xFEFF, 0x00AD)
    )


def normalize(text: str) -> str:
    out: list[str] = []
    pending = False
    for c in unicodedata.normalize("NFKC", text):
        if _drop(c):
            continue
        f = _FOLD.get(c)
        if f is None:
            if c.isspace() or unicodedata.category(c) == "Cc":
                pending = bool(out)
                continue
            low = c.lower()
            f = low[0] if low else c
        if pending:
            out.append(" ")
            pending = False
        out.append(f)
    return "".join(out)


_TABLE = {ord(k): v for k, v in _FOLD.items()}
for _r in ((0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED), (0x0640, 0x0640), (0x200B, 0x200F),
           (0x202A, 0x202E), (0x2066, 0x2069), (0xFEFF, 0xFEFF), (0x00AD, 0x00AD)):
    for _o in range(_r[0], _r[1] + 1):
        _TABLE[_o] = None


def normalize_fast(text: str) -> str:
    """`normalize` with C-speed string methods. Equal to it for text
    without control characters other than whitespace and without letters
    whose lowercase is several characters (true of the generated corpus)."""
    t = unicodedata.normalize("NFKC", text).translate(_TABLE).lower()
    return " ".join(t.split())


def tokens(normalized: str) -> list[str]:
    words: list[str] = []
    cur: list[str] = []
    for c in normalized:
        if c.isalnum() or 0x0300 <= ord(c) <= 0x036F:
            cur.append(c)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    return words


def content_hash(normalized: str) -> bytes:
    return hashlib.sha256(normalized.encode("utf-8")).digest()[:16]


def _fnv(data: bytes, h: int) -> int:
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & M64
    return h


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _seeds() -> list[int]:
    out = []
    x = 0x9E3779B97F4A7C15
    for _ in range(BANDS * ROWS):
        x = (x + 0x9E3779B97F4A7C15) & M64
        out.append(_mix(x))
    return out


SEEDS = _seeds()


def shingles(normalized: str) -> set[int]:
    words = tokens(normalized)
    if len(words) < 2:
        return {_fnv(w.encode("utf-8"), FNV_OFFSET) for w in words}
    enc = [w.encode("utf-8") for w in words]
    out = set()
    for a, b in zip(enc, enc[1:]):
        h = _fnv(a, FNV_OFFSET)
        h = _fnv(b" ", h)
        out.add(_fnv(b, h))
    return out


def fingerprint(normalized: str) -> list[int]:
    """The 8 LSH band keys (u32) Vigil stores for a normalized text."""
    s = shingles(normalized)
    if not s:
        return []
    mins = []
    for seed in SEEDS:
        mins.append(min(_mix(x ^ seed) for x in s))
    keys = []
    for band in range(BANDS):
        h = _fnv(band.to_bytes(8, "little"), FNV_OFFSET)
        for r in mins[band * ROWS:(band + 1) * ROWS]:
            h = _fnv(r.to_bytes(8, "little"), h)
        keys.append((h ^ (h >> 32)) & 0xFFFFFFFF)
    return keys


def band_keys(normalized: str) -> list[int]:
    """Band keys as stored in document_bands.band: (index << 32) | key."""
    return [(i << 32) | k for i, k in enumerate(fingerprint(normalized))]


def resemblance_sets(sa: set[int], sb: set[int]) -> float:
    if not sa and not sb:
        return 1.0
    inter = len(sa & sb)
    return inter / (len(sa) + len(sb) - inter)


def resemblance(a: str, b: str) -> float:
    return resemblance_sets(shingles(a), shingles(b))


def lsh_probability(r: float) -> float:
    """Chance that two texts of resemblance r share at least one band."""
    return 1.0 - (1.0 - r ** ROWS) ** BANDS
