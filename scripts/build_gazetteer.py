#!/usr/bin/env python3
"""Build Vigil's bundled gazetteer, data/gazetteer/places.tsv.gz.

Run by a developer when the source data or the supplement changes, never by
the build or the tests:

    python3 scripts/build_gazetteer.py [SOURCE_DIR]

SOURCE_DIR defaults to ../shared/gazetteer relative to the repository root
(see its README for what each file is). The script reads:

- geonames/cities500.txt.gz: every GeoNames populated place of 500+ people,
  world-wide, with its untagged alternate names;
- wof/wof_admin_{SY,IQ,JO,LB,TR}.tsv: Who's On First village-level places;
- ocha/syria_populated_places_ocha.tsv: UN OCHA's communities and city
  quarters of Syria (CC BY 3.0 IGO), merged after the supplement: matched
  to the place of another source that shares a name nearby (which keeps
  its id and point and gains OCHA's names, governorate and district), or
  added (communities only); preferred where it and another source
  disagree (see merge_ocha);
- geonames/admin1_codes_SY_IQ_TR_JO_LB.tsv and
  basemap/ne_10m_admin1_SY_IQ_TR_JO_LB.geojson: provinces and their shapes;
- basemap/countries-50m.json: country outlines (for country centroids);
- data/gazetteer/supplement.tsv (in this repository): hand-written places
  and spellings that the sources lack, each with its source;

and writes data/gazetteer/places.tsv.gz deterministically (rows sorted by
id, gzip mtime 0), printing summary counts. Python 3.11, standard library
only.

Columns: id, name, lat, lon, kind, fcode, country, province, district,
population, names. `district` is OCHA's admin-2 district of a Syrian place,
empty elsewhere. `names` holds every Latin and Arabic-script name of the place,
`|`-separated, the main name first, deduplicated on the folded form that
vigil_text::normalize + tokens give (the original spellings are kept).

Ids: the GeoNames id where there is one; otherwise negative: -wof_id for a
Who's On First place, -900000 - n for a country of the built-in table
(n = ISO 3166-1 numeric), -1 ... -99999 for supplement places, and
-10000000000 - n for OCHA's community Cn (-10000100000 - n for quarter Nn).
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import io
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "data" / "gazetteer"
FIVE = ("SY", "IQ", "JO", "LB", "TR")
MAX_NAME_LEN = 60

csv.field_size_limit(1 << 30)

# --------------------------------------------------------------------------
# Folding: the same as vigil_text::normalize followed by vigil_text::tokens
# joined with single spaces. Used to deduplicate names only; the file keeps
# the original spellings and the Rust index folds them itself.
# --------------------------------------------------------------------------

_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه", "ؤ": "و", "ک": "ك",
}


def _fold_char(c: str) -> str:
    o = ord(c)
    if 0x064B <= o <= 0x065F or o == 0x0670 or 0x06D6 <= o <= 0x06ED or o == 0x0640:
        return ""
    if 0x200B <= o <= 0x200F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return ""
    if o in (0xFEFF, 0x00AD):
        return ""
    if c in _FOLD:
        return _FOLD[c]
    if 0x0660 <= o <= 0x0669:
        return chr(0x30 + o - 0x0660)
    if 0x06F0 <= o <= 0x06F9:
        return chr(0x30 + o - 0x06F0)
    if c.isspace() or unicodedata.category(c) == "Cc":
        return " "
    low = c.lower()
    # Multi-char lowercase (İ -> i̇): keep the base letter, as Rust does.
    return low[0] if low else c


def normalize(text: str) -> str:
    out = "".join(_fold_char(c) for c in unicodedata.normalize("NFKC", text))
    return " ".join(out.split())


_TOKEN_RE = re.compile(r"[^\W_]+|[\u0300-\u036F]+")


def _is_token_char(c: str) -> bool:
    return c.isalnum() or 0x0300 <= ord(c) <= 0x036F


@functools.lru_cache(maxsize=None)
def fold_key(name: str) -> str:
    """normalize() then tokens joined by one space: the index key."""
    n = normalize(name)
    toks, cur = [], []
    for c in n:
        if _is_token_char(c):
            cur.append(c)
        elif cur:
            toks.append("".join(cur))
            cur = []
    if cur:
        toks.append("".join(cur))
    return " ".join(toks)


# The index keys of a name, as vigil-geo's index builds them (see
# crates/vigil-geo/src/keys.rs): the folded form with Latin diacritics
# stripped; the same without apostrophes (Ra’s -> Ras); and for places in
# Arabic-speaking countries, with a leading Arabic article (Ash, Ar, An, El,
# ...) as "al" and dropped. Used here only by --check.
ARTICLES = {"al", "el", "ul", "as", "ash", "ad", "adh", "ar", "az", "at", "ath", "an",
            "es", "esh", "ed", "er", "ez", "et", "en"}
ARTICLE_COUNTRIES = set("AE BH DZ EG EH IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TD TN YE DJ".split())
_APOS = "'’‘`ʿʾʻʼ´"
_LATIN_EXTRA = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ß": "ss",
                              "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def _latin_fold(tok: str) -> str:
    out = []
    for c in tok.translate(_LATIN_EXTRA):
        if c.isascii() or not unicodedata.name(c, "").startswith("LATIN"):
            if not (0x0300 <= ord(c) <= 0x036F):
                out.append(c)
            continue
        out.extend(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
    return "".join(out)


def query_key(text: str) -> str:
    return " ".join(_latin_fold(t) for t in fold_key(text).split())


def index_keys(name: str, country: str) -> set[str]:
    ks = {query_key(name)}
    if any(a in name for a in _APOS):
        ks.add(query_key("".join(c for c in name if c not in _APOS)))
    if country in ARTICLE_COUNTRIES:
        for k in list(ks):
            first, _, rest = k.partition(" ")
            if rest and first in ARTICLES:
                ks.add(rest)
                ks.add("al " + rest)
    ks.discard("")
    return ks


# --------------------------------------------------------------------------
# Scripts and junk
# --------------------------------------------------------------------------

# Modifier letters used in transliteration of ayn and hamza: punctuation here.
_TRANSLIT_MARKS = set("ʿʾʻʼʹʺ`´'’‘")


@functools.lru_cache(maxsize=None)
def script_of(name: str) -> str | None:
    """'latin', 'arabic', or None (other or mixed scripts)."""
    seen = set()
    for c in name:
        if c in _TRANSLIT_MARKS:
            continue
        cat = unicodedata.category(c)
        if cat[0] == "L":
            un = unicodedata.name(c, "")
            if un.startswith("LATIN"):
                seen.add("latin")
            elif un.startswith("ARABIC"):
                seen.add("arabic")
            else:
                return None
        elif cat[0] == "M":
            continue  # combining marks follow their letter
        elif cat == "Nd":
            return None  # digits: postcodes, "100. Yil", airport codes
    if len(seen) != 1:
        return None
    return seen.pop()


_CODE_RE = re.compile(r"^[A-Z]{2,4}$")


def clean_names(raw: list[str], *, keep_lowercase: bool = False) -> list[str]:
    """The names worth keeping from a list of raw alternate names.

    Drops: other scripts than Latin and Arabic, mixed scripts, names with
    digits, names over 60 characters, codes (IATA/ICAO, ISO: 2-4 capitals),
    and, unless keep_lowercase, Latin names without a capital letter: in
    GeoNames those are machine transliterations ("almwsl", "de li bo li").
    A trailing parenthesis "X (Y)" gives X and Y.
    """
    out = []
    for n in raw:
        n = n.strip()
        if not n:
            continue
        m = re.match(r"^(.*?)\s*\(([^()]*)\)$", n)
        parts = [m.group(1), m.group(2)] if m else [n]
        for p in parts:
            p = " ".join(p.split())
            if not p or len(p) > MAX_NAME_LEN:
                continue
            if any(ch in p for ch in "|\t\n\r/\\;:=@#?!\"<>[]{}()*+"):
                continue
            if _CODE_RE.match(p):
                continue
            sc = script_of(p)
            if sc is None:
                continue
            if sc == "latin" and not keep_lowercase and not any(c.isupper() for c in p):
                continue
            if not fold_key(p):
                continue
            out.append(p)
    return out


def split_list(field: str) -> list[str]:
    return [x for x in field.split("|") if x.strip()] if field else []


# --------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------


class Place:
    __slots__ = ("id", "name", "lat", "lon", "kind", "fcode", "country",
                 "province", "district", "population", "names", "_keys", "origin", "admin1",
                 "ocha")

    def __init__(self, id, name, lat, lon, kind, fcode, country, population,
                 origin, admin1=""):
        self.id = id
        self.name = name
        self.lat = lat
        self.lon = lon
        self.kind = kind
        self.fcode = fcode
        self.country = country
        self.province = ""
        # Second-level division (Syria: OCHA's admin-2 district), or "".
        self.district = ""
        self.population = population
        self.names: list[str] = []
        self._keys: set[str] = set()
        self.origin = origin
        self.admin1 = admin1
        # The OCHA P-code of the community this place is, or "".
        self.ocha = ""
        self.add_names([name])

    def add_names(self, names):
        for n in names:
            k = fold_key(n)
            if k and k not in self._keys:
                self._keys.add(k)
                self.names.append(n)

    def set_main(self, name):
        self.add_names([name])
        self.name = name
        k = fold_key(name)
        self.names = [name] + [n for n in self.names if fold_key(n) != k]

    def has_key(self, key):
        return key in self._keys

    def drop_keys(self, keys):
        keep = [n for n in self.names if fold_key(n) not in keys or n == self.name]
        self.names = keep
        self._keys = {fold_key(n) for n in keep}


KINDS = ("country", "province", "district", "city", "town", "village",
         "neighbourhood", "camp", "site", "other")


def kind_of(fcode: str, population: int) -> str:
    """Kind from a GeoNames feature code and population."""
    if fcode in ("PPLC", "PPLA", "PPLG"):
        return "city"
    if fcode == "PPLX":
        return "neighbourhood"
    if fcode == "PPLH":
        return "other"
    if fcode.startswith("ADM"):
        return "district"
    if fcode in ("CMPRF", "CMP", "CMPMN"):
        return "camp"
    if fcode and not fcode.startswith("PPL") and fcode != "STLMT":
        return "site"
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    # The seat of a district is a town, whatever its population (often
    # missing: Baladruz, al-Mahmudiyah in Iraq have none in the data).
    if fcode == "PPLA2":
        return "town"
    return "village"


def to_int(s: str) -> int:
    try:
        return max(0, int(float(s)))
    except (TypeError, ValueError):
        return 0


# --------------------------------------------------------------------------
# Geometry: point in polygon (ray casting, MultiPolygon and holes)
# --------------------------------------------------------------------------

STRIP = 0.05  # degrees of latitude per edge bucket


class Ring:
    def __init__(self, coords):
        pts = [(float(x), float(y)) for x, y in coords]
        if pts[0] != pts[-1]:
            pts.append(pts[0])
        self.pts = pts
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        self.strips: dict[int, list[tuple]] = defaultdict(list)
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            if y1 == y2:
                continue
            lo, hi = min(y1, y2), max(y1, y2)
            for s in range(math.floor(lo / STRIP), math.floor(hi / STRIP) + 1):
                self.strips[s].append((x1, y1, x2, y2))

    def contains(self, x, y) -> bool:
        b = self.bbox
        if not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            return False
        inside = False
        for x1, y1, x2, y2 in self.strips.get(math.floor(y / STRIP), ()):
            if (y1 > y) != (y2 > y):
                xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                if x < xi:
                    inside = not inside
        return inside

    def distance(self, x, y) -> float:
        """Approximate distance in km from the point to the ring's edges."""
        kx = 111.32 * math.cos(math.radians(y))
        ky = 110.57
        best = float("inf")
        for (x1, y1), (x2, y2) in zip(self.pts, self.pts[1:]):
            ax, ay = (x1 - x) * kx, (y1 - y) * ky
            bx, by = (x2 - x) * kx, (y2 - y) * ky
            dx, dy = bx - ax, by - ay
            L = dx * dx + dy * dy
            t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
            px, py = ax + t * dx, ay + t * dy
            best = min(best, math.hypot(px, py))
        return best


class Shape:
    """A GeoJSON Polygon or MultiPolygon: a list of (outer, holes)."""

    def __init__(self, geometry):
        polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        self.polys = [(Ring(p[0]), [Ring(h) for h in p[1:]]) for p in polys]
        bs = [o.bbox for o, _ in self.polys]
        self.bbox = (min(b[0] for b in bs), min(b[1] for b in bs),
                     max(b[2] for b in bs), max(b[3] for b in bs))

    def contains(self, x, y) -> bool:
        b = self.bbox
        if not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            return False
        for outer, holes in self.polys:
            if outer.contains(x, y) and not any(h.contains(x, y) for h in holes):
                return True
        return False

    def distance(self, x, y) -> float:
        if self.contains(x, y):
            return 0.0
        return min(min([o.distance(x, y)] + [h.distance(x, y) for h in hs])
                   for o, hs in self.polys)

    def centroid(self):
        """Area-weighted centroid (planar, in degrees) of the shape."""
        A = cx = cy = 0.0
        for outer, holes in self.polys:
            for ring, sign in [(outer, 1.0)] + [(h, -1.0) for h in holes]:
                a, x, y = _ring_moments(ring.pts)
                # Outer rings count positive and holes negative whatever
                # their winding.
                s = sign * (1.0 if a >= 0 else -1.0)
                A += s * a
                cx += s * x
                cy += s * y
        if A == 0:
            return None
        return cy / (3 * A), cx / (3 * A)


def _ring_moments(pts):
    a = x = y = 0.0
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        cr = x1 * y2 - x2 * y1
        a += cr
        x += (x1 + x2) * cr
        y += (y1 + y2) * cr
    return a / 2, x / 2, y / 2


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------
# Provinces
# --------------------------------------------------------------------------

# Common variants of province names in English and Arabic reporting, by
# GeoNames admin-1 code (from general knowledge of press usage; the data
# files give the official and transliterated forms).
PROVINCE_VARIANTS = {
    "SY.01": ["Al-Hasakah", "Hasakah", "Hasaka", "Hasakeh", "Hassakeh", "Al-Hasaka",
              "Al Hasakah", "Hasakah Governorate", "الحسكة"],
    "SY.02": ["Latakia", "Lattakia", "Al-Ladhiqiyah", "Latakia Governorate", "اللاذقية"],
    "SY.03": ["Quneitra", "Al-Qunaytirah", "Quneitra Governorate", "القنيطرة"],
    "SY.04": ["Al-Raqqah", "Ar-Raqqah", "Ar Raqqah", "Raqqa", "Raqqah", "Al-Raqqa",
              "Raqqa Governorate", "Raqqa province", "الرقة"],
    "SY.05": ["As-Suwayda", "Suwayda", "Sweida", "Suwaida", "As-Suwayda Governorate", "السويداء"],
    "SY.06": ["Daraa", "Deraa", "Dara'a", "Daraa Governorate", "درعا"],
    "SY.07": ["Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "Deir ez-Zour", "Deir el-Zor",
              "Deir al-Zor", "Deir Ezzor", "Deir Ezzor", "Deir Azzour", "Dayr al-Zawr",
              "Deir ez-Zor Governorate", "Deir ez-Zor province", "دير الزور"],
    "SY.08": ["Rif Dimashq", "Rif Dimashq Governorate", "Rural Damascus",
              "Damascus Countryside", "Reef Damascus", "ريف دمشق"],
    "SY.09": ["Aleppo", "Halab", "Aleppo Governorate", "Aleppo province", "حلب"],
    "SY.10": ["Hama", "Hamah", "Hama Governorate", "حماة", "حماه"],
    "SY.11": ["Homs", "Hims", "Homs Governorate", "حمص"],
    "SY.12": ["Idlib", "Idleb", "Idlib Governorate", "Idlib province", "إدلب", "ادلب"],
    "SY.13": ["Damascus", "Dimashq", "Damascus Governorate", "دمشق"],
    "SY.14": ["Tartus", "Tartous", "Tartus Governorate", "طرطوس"],
    "IQ.01": ["Anbar", "Al Anbar", "Al-Anbar", "Anbar province", "Anbar Governorate",
              "الأنبار", "الانبار"],
    "IQ.02": ["Basra", "Basrah", "Al-Basrah", "Basra Governorate", "Basra province", "البصرة"],
    "IQ.03": ["Muthanna", "Al-Muthanna", "Muthanna province", "المثنى"],
    "IQ.04": ["Qadisiyah", "Al-Qadisiyah", "Qadisiya", "Al-Qadisiyyah", "Qadisiyyah",
              "Qadisiyah province", "القادسية"],
    "IQ.05": ["Sulaymaniyah", "Sulaimaniya", "Sulaimaniyah", "Slemani",
              "Sulaymaniyah Governorate", "السليمانية"],
    "IQ.06": ["Babil", "Babylon", "Babil province", "Babil Governorate", "بابل"],
    "IQ.07": ["Baghdad", "Baghdad Governorate", "Baghdad province", "بغداد"],
    "IQ.08": ["Duhok", "Dohuk", "Dahuk", "Dihok", "Duhok Governorate", "دهوك"],
    "IQ.09": ["Dhi Qar", "Thi Qar", "Dhiqar", "Dhi Qar province", "ذي قار"],
    "IQ.10": ["Diyala", "Diyala province", "Diyala Governorate", "ديالى"],
    "IQ.11": ["Erbil", "Arbil", "Irbil", "Erbil Governorate", "Hewler", "Hawler", "أربيل"],
    "IQ.12": ["Karbala", "Kerbala", "Karbala province", "كربلاء"],
    "IQ.13": ["Kirkuk", "Tamim", "At-Ta'mim", "Ta'mim", "Kirkuk province",
              "Kirkuk Governorate", "كركوك", "التأميم"],
    "IQ.14": ["Maysan", "Missan", "Maysan province", "ميسان"],
    "IQ.15": ["Nineveh", "Ninawa", "Ninewa", "Ninevah", "Nineveh province",
              "Nineveh Governorate", "Ninawa province", "نينوى"],
    "IQ.16": ["Wasit", "Wassit", "Wasit province", "واسط"],
    "IQ.17": ["Najaf", "An-Najaf", "Najaf province", "النجف"],
    "IQ.18": ["Saladin", "Salah ad Din", "Salah ad-Din", "Salahuddin", "Salah al-Din",
              "Salahaddin", "Salaheddin", "Salah al Din", "Salahuddin province",
              "Salah ad Din Governorate", "صلاح الدين"],
    "LB.04": ["Beirut", "Beirut Governorate", "بيروت"],
    "LB.05": ["Mount Lebanon", "Mount Lebanon Governorate", "جبل لبنان"],
    "LB.06": ["South Lebanon", "South Governorate", "جنوب لبنان", "محافظة الجنوب"],
    "LB.07": ["Nabatieh", "Nabatiyeh", "An-Nabatiyah", "Nabatieh Governorate", "النبطية"],
    "LB.08": ["Beqaa", "Bekaa", "Beqaa Governorate", "Bekaa Valley", "البقاع"],
    "LB.09": ["North Lebanon", "North Governorate", "لبنان الشمالي", "محافظة الشمال"],
    "JO.16": ["Amman", "Amman Governorate", "محافظة العاصمة", "محافظة عمان"],
}

# The province column for these is clearer than Natural Earth's English
# name ("North", "South"), which would also be a common word in the names.
PROVINCE_DISPLAY = {"LB.06": "South Lebanon", "LB.09": "North Lebanon"}

# Names never given to a province or country row: common words.
ADMIN_NAME_STOP = {fold_key(x) for x in [
    "North", "South", "East", "West", "Center", "Centre", "Merkez",
    "الجنوب", "الشمال", "العاصمة", "الشرق", "الغرب", "الوسط",
    "Syrian", "Iraqi", "Jordanian", "Lebanese", "Turkish", "Turk", "Kurdish",
]}


class Province:
    def __init__(self, code, iso, name_en, name_ar, name_tr, gid, feature):
        self.code = code
        self.country = code.split(".")[0]
        self.iso = iso
        self.display = PROVINCE_DISPLAY.get(code, name_en)
        self.name_en, self.name_ar, self.name_tr = name_en, name_ar, name_tr
        self.gid = gid
        self.props = feature["properties"] if feature else {}
        self.shape = Shape(feature["geometry"]) if feature else None


def load_provinces(src: Path):
    feats = json.loads((src / "basemap/ne_10m_admin1_SY_IQ_TR_JO_LB.geojson").read_text("utf-8"))["features"]
    by_code = {}
    for f in feats:
        by_code.setdefault(f["properties"]["gn_a1_code"], f)
    provs = []
    with open(src / "geonames/admin1_codes_SY_IQ_TR_JO_LB.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            f = by_code.get(row["gn_admin1_code"])
            provs.append(Province(row["gn_admin1_code"], row["iso_3166_2"], row["name_en"],
                                  row["name_ar"], row["name_tr"], to_int(row["geonameid"]), f))
    return provs


def _strip_admin_words(name: str) -> str | None:
    for pre in ("محافظة ", "مُحافظة ", "ولاية ", "منطقة "):
        if name.startswith(pre):
            return name[len(pre):]
    for suf in (" ili", " İli", " Yönetimi", " Valiliği", " Governorate", " Province", " province"):
        if name.endswith(suf):
            return name[: -len(suf)]
    return None


class ProvinceIndex:
    """Assigns the admin-1 province of a point by point-in-polygon."""

    def __init__(self, provinces):
        self.shaped = [p for p in provinces if p.shape is not None]
        self.stats = Counter()
        self.cross_border = []

    def find(self, country, lat, lon, label=""):
        own = [p for p in self.shaped if p.country == country]
        for p in own:
            if p.shape.contains(lon, lat):
                self.stats["inside"] += 1
                return p
        other = next((p for p in self.shaped if p.country != country and p.shape.contains(lon, lat)), None)
        # Outside every province of its country: the coast, a border drawn
        # at another scale, or a wrong point. Take the nearest province of
        # the place's own country within 25 km.
        best, bd = None, float("inf")
        for p in own:
            b = p.shape.bbox
            if b[0] - 0.3 <= lon <= b[2] + 0.3 and b[1] - 0.3 <= lat <= b[3] + 0.3:
                d = p.shape.distance(lon, lat)
                if d < bd:
                    best, bd = p, d
        if best is not None and bd <= 25:
            self.stats["nearest<=25km" + (" (in a neighbour's polygon)" if other else "")] += 1
            return best
        self.stats["none" + (" (in a neighbour's polygon)" if other else "")] += 1
        if other is not None:
            self.cross_border.append((label, country, lat, lon, other.display, other.country))
        return None


# --------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------

# The countries most likely in conflict reporting: ISO alpha-2, ISO numeric
# (to find the outline in Natural Earth/world-atlas), English names, Arabic
# names. Names are from general knowledge of English and Arabic press usage;
# centroids are computed from the Natural Earth outlines (largest polygon).
COUNTRIES = [
    ("AF", 4, "Afghanistan", "أفغانستان|افغانستان"),
    ("AM", 51, "Armenia", "أرمينيا"),
    ("AT", 40, "Austria", "النمسا"),
    ("AU", 36, "Australia", "أستراليا"),
    ("AZ", 31, "Azerbaijan", "أذربيجان"),
    ("BA", 70, "Bosnia and Herzegovina|Bosnia", "البوسنة والهرسك|البوسنة"),
    ("BD", 50, "Bangladesh", "بنغلاديش"),
    ("BE", 56, "Belgium", "بلجيكا"),
    ("BF", 854, "Burkina Faso", "بوركينا فاسو"),
    ("BH", 48, "Bahrain", "البحرين"),
    ("CA", 124, "Canada", "كندا"),
    ("CD", 180, "Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa",
     "جمهورية الكونغو الديمقراطية|الكونغو الديمقراطية"),
    ("CF", 140, "Central African Republic", "جمهورية أفريقيا الوسطى|أفريقيا الوسطى"),
    ("CH", 756, "Switzerland", "سويسرا"),
    ("CM", 120, "Cameroon", "الكاميرون"),
    ("CN", 156, "China", "الصين"),
    ("CY", 196, "Cyprus", "قبرص"),
    ("DE", 276, "Germany", "ألمانيا|المانيا"),
    ("DJ", 262, "Djibouti", "جيبوتي"),
    ("DK", 208, "Denmark", "الدنمارك|الدانمارك"),
    ("DZ", 12, "Algeria", "الجزائر"),
    ("EG", 818, "Egypt", "مصر"),
    ("ER", 232, "Eritrea", "إريتريا|اريتريا"),
    ("ES", 724, "Spain", "إسبانيا|اسبانيا"),
    ("ET", 231, "Ethiopia", "إثيوبيا|اثيوبيا"),
    ("FI", 246, "Finland", "فنلندا"),
    ("FR", 250, "France", "فرنسا"),
    ("GB", 826, "United Kingdom|Britain|Great Britain|U.K.", "المملكة المتحدة|بريطانيا"),
    ("GE", 268, "Georgia", "جورجيا"),
    ("GR", 300, "Greece", "اليونان"),
    ("ID", 360, "Indonesia", "إندونيسيا|اندونيسيا"),
    ("IL", 376, "Israel", "إسرائيل|اسرائيل"),
    ("IN", 356, "India", "الهند"),
    ("IR", 364, "Iran", "إيران|ايران"),
    ("IT", 380, "Italy", "إيطاليا|ايطاليا"),
    ("KE", 404, "Kenya", "كينيا"),
    ("KG", 417, "Kyrgyzstan", "قيرغيزستان"),
    ("KW", 414, "Kuwait", "الكويت"),
    ("KZ", 398, "Kazakhstan", "كازاخستان"),
    ("LY", 434, "Libya", "ليبيا"),
    ("MA", 504, "Morocco", "المغرب"),
    ("ML", 466, "Mali", "مالي"),
    ("MM", 104, "Myanmar|Burma", "ميانمار|بورما"),
    ("MR", 478, "Mauritania", "موريتانيا"),
    ("MZ", 508, "Mozambique", "موزمبيق"),
    ("NE", 562, "Niger", "النيجر"),
    ("NG", 566, "Nigeria", "نيجيريا"),
    ("NL", 528, "Netherlands|Holland", "هولندا"),
    ("NO", 578, "Norway", "النرويج"),
    ("OM", 512, "Oman", "عمان|سلطنة عمان"),
    ("PH", 608, "Philippines", "الفلبين"),
    ("PK", 586, "Pakistan", "باكستان"),
    ("PS", 275, "Palestine|Palestinian Territories", "فلسطين|الأراضي الفلسطينية"),
    ("QA", 634, "Qatar", "قطر"),
    ("RU", 643, "Russia|Russian Federation", "روسيا|روسيا الاتحادية"),
    ("SA", 682, "Saudi Arabia", "السعودية|المملكة العربية السعودية"),
    ("SD", 729, "Sudan", "السودان"),
    ("SE", 752, "Sweden", "السويد"),
    ("SO", 706, "Somalia", "الصومال"),
    ("SS", 728, "South Sudan", "جنوب السودان"),
    ("TD", 148, "Chad", "تشاد"),
    ("TJ", 762, "Tajikistan", "طاجيكستان"),
    ("TM", 795, "Turkmenistan", "تركمانستان"),
    ("TN", 788, "Tunisia", "تونس"),
    ("UA", 804, "Ukraine", "أوكرانيا|اوكرانيا"),
    ("US", 840, "United States|United States of America|USA|U.S.|U.S.A.",
     "الولايات المتحدة|الولايات المتحدة الأمريكية|أمريكا|أميركا"),
    ("UZ", 860, "Uzbekistan", "أوزبكستان"),
    ("YE", 887, "Yemen", "اليمن"),
    ("AE", 784, "United Arab Emirates|UAE|Emirates", "الإمارات|الإمارات العربية المتحدة"),
    # The five, named again so that their common forms are there whatever
    # Who's On First holds.
    ("SY", 760, "Syria|Syrian Arab Republic", "سوريا|سورية"),
    ("IQ", 368, "Iraq", "العراق"),
    ("JO", 400, "Jordan", "الأردن|الاردن"),
    ("LB", 422, "Lebanon", "لبنان"),
    ("TR", 792, "Turkey|Türkiye|Turkiye", "تركيا"),
]


# GeoNames' point for the country feature (the PCLI row of allCountries,
# https://www.geonames.org/<id>): where GeoNames-coded data puts a country.
# Written down from GeoNames by hand, for the countries named most often in
# the news; check them against the next GeoNames import. Countries not
# listed keep their outline centroid; so do the United States and Brazil,
# whose centroids lie between the GeoNames point and the OpenStreetMap one
# that other coded data uses (IDRISI).
GEONAMES_COUNTRY_POINTS = {
    "AF": (33.0, 66.0),           # 1149361
    "AR": (-34.0, -64.0),         # 3865483
    "AU": (-25.0, 135.0),         # 2077456
    "CA": (60.10867, -113.64258), # 6251999
    "CL": (-30.0, -71.0),         # 3895114
    "CN": (35.0, 105.0),          # 1814991
    "DE": (51.5, 10.5),           # 2921044
    "EG": (27.0, 30.0),           # 357994
    "ES": (40.0, -4.0),           # 2510769
    "FR": (46.0, 2.0),            # 3017382
    "GB": (54.75844, -2.69531),   # 2635167
    "ID": (-5.0, 120.0),          # 1643084
    "IN": (22.0, 79.0),           # 1269750
    "IQ": (33.0, 44.0),           # 99237
    "IR": (32.0, 53.0),           # 130758
    "IT": (42.83333, 12.83333),   # 3175395
    "JP": (35.68536, 139.75309),  # 1861060
    "MX": (23.0, -102.0),         # 3996063
    "NG": (10.0, 8.0),            # 2328926
    "NZ": (-42.0, 174.0),         # 2186224
    "PH": (13.0, 122.0),          # 1694008
    "PK": (30.0, 70.0),           # 1168579
    "RU": (60.0, 100.0),          # 2017370
    "SA": (25.0, 45.0),           # 102358
    "SY": (35.0, 38.0),           # 163843
    "TR": (39.0, 35.0),           # 298795
    "UA": (49.0, 32.0),           # 690791
    "VN": (16.16667, 107.83333),  # 1562822
    "ZA": (-29.0, 24.0),          # 953987
}


def topo_country_centroids(path: Path):
    """ISO numeric -> (lat, lon, NE name): centroid of the largest polygon."""
    topo = json.loads(path.read_text("utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(idx):
        pts = []
        for i in idx:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if "id" not in g or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        best = None
        for p in polys:
            outer = ring(p[0])
            if max(x for x, _ in outer) - min(x for x, _ in outer) > 180:
                # Across the antimeridian (Russia's Chukotka): unwrap.
                outer = [(x + 360 if x < 0 else x, y) for x, y in outer]
            a, x, y = _ring_moments(outer)
            if a != 0 and (best is None or abs(a) > abs(best[0])):
                best = (a, x / (3 * a), y / (3 * a))
        if not best:
            continue
        lon = (best[1] + 180) % 360 - 180
        # Several outlines can share an id (Australia and Ashmore and
        # Cartier Islands): keep the largest.
        cid = int(g["id"])
        if cid not in out or abs(best[0]) > out[cid][3]:
            out[cid] = (best[2], lon, g["properties"].get("name", ""), abs(best[0]))
    return {k: v[:3] for k, v in out.items()}


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def read_geonames(src: Path, places: dict):
    n = 0
    with gzip.open(src / "geonames/cities500.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19:
                continue
            gid = int(f[0])
            name, ascii_name = f[1], f[2]
            fcode, cc, admin1 = f[7], f[8], f[10]
            pop = to_int(f[14])
            main = name if script_of(name) == "latin" else (ascii_name or name)
            p = Place(gid, main, float(f[4]), float(f[5]), kind_of(fcode, pop), fcode, cc, pop,
                      "geonames", admin1=f"{cc}.{admin1}" if admin1 else "")
            p.add_names(clean_names([name, ascii_name], keep_lowercase=True))
            p.add_names(clean_names(f[3].split(",")))
            places[gid] = p
            n += 1
    return n


NEAR_KM = 5.0


class Nearby:
    """A grid of the populated places of the five countries, to find the
    namesake of a WOF row that has no GeoNames id (WOF often holds a second
    copy of a GeoNames town, from another source, a few hundred metres
    off)."""

    CELL = 0.1

    def __init__(self, places):
        self.grid = defaultdict(list)
        for p in places.values():
            if p.country in FIVE:
                self.add(p)

    def add(self, p):
        self.grid[(math.floor(p.lat / self.CELL), math.floor(p.lon / self.CELL))].append(p)

    def find(self, country, lat, lon, keys, places):
        ci, cj = math.floor(lat / self.CELL), math.floor(lon / self.CELL)
        best, bd = None, NEAR_KM
        for i in (ci - 1, ci, ci + 1):
            for j in (cj - 1, cj, cj + 1):
                for p in self.grid.get((i, j), ()):
                    if p.country != country or p.kind in ("country", "province", "district"):
                        continue
                    if not any(p.has_key(k) for k in keys):
                        continue
                    d = haversine_km(lat, lon, p.lat, p.lon)
                    if d <= bd:
                        best, bd = p, d
        return best


WOF_KIND = {
    "country": "country", "region": "province", "county": "district",
    "localadmin": "district", "locality": None, "neighbourhood": "neighbourhood",
    "campus": "site",
}


def read_wof(src: Path, country: str, stats: Counter):
    rows = []
    with open(src / f"wof/wof_admin_{country}.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    live_gids = {r["geonameid"] for r in rows
                 if r["geonameid"] and r["mz_is_current"] != "0" and r["deprecated_or_superseded"] != "Y"}
    out = []
    for r in rows:
        stats[f"wof {country} rows"] += 1
        if r["mz_is_current"] == "0":
            stats[f"wof {country} skipped: not current"] += 1
            continue
        if r["deprecated_or_superseded"] == "Y" and r["geonameid"] in live_gids:
            stats[f"wof {country} skipped: deprecated duplicate"] += 1
            continue
        out.append(r)
    return out


def wof_names(r) -> tuple[list[str], list[str]]:
    """(Latin names, Arabic-script names) of a WOF row, each in its bucket
    by script whatever field it came from."""
    raw = [r["name"]]
    for fld in ("name_eng", "name_tur", "name_kur", "name_ara", "other_names"):
        raw.extend(split_list(r[fld]))
    latin, arabic = [], []
    for n in clean_names(raw, keep_lowercase=True):
        (latin if script_of(n) == "latin" else arabic).append(n)
    return latin, arabic


# --------------------------------------------------------------------------
# Supplement
# --------------------------------------------------------------------------

SUPPLEMENT_COLUMNS = ["id", "name", "lat", "lon", "kind", "fcode", "country", "province",
                      "population", "names", "source"]


def read_supplement(path: Path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    if reader.fieldnames != SUPPLEMENT_COLUMNS:
        sys.exit(f"{path}: header must be {SUPPLEMENT_COLUMNS}, got {reader.fieldnames}")
    for i, r in enumerate(reader, 2):
        if not r["source"].strip():
            sys.exit(f"{path}: row {i} ({r['name']}) has no source")
        if r["kind"] and r["kind"] not in KINDS:
            sys.exit(f"{path}: row {i} ({r['name']}) has unknown kind {r['kind']!r}")
        rows.append(r)
    return rows


# --------------------------------------------------------------------------
# OCHA populated places of Syria
# --------------------------------------------------------------------------

OCHA_FILE = "ocha/syria_populated_places_ocha.tsv"
OCHA_COLUMNS = ["pcode", "name_en", "name_ar", "admin1_en", "admin2_en", "admin3_en",
                "latitude", "longitude", "place_class", "parent_community_pcode",
                "name_en_disambiguated", "name_ar_disambiguated", "ref_name_en", "admin1_ar",
                "admin2_ar", "admin3_ar", "admin1_pcode", "admin2_pcode", "admin3_pcode",
                "source_date", "valid_on"]
# An OCHA community is the same place as a village of GeoNames or WOF that
# shares a name with it within this distance (towns and cities: their
# points differ more).
OCHA_MATCH_KM = 5.0
OCHA_MATCH_KM_TOWN = 10.0
# A shared consonant skeleton only ("Tayyana", "At Tayyānah") is enough at
# this distance.
OCHA_SKELETON_KM = 3.0
# A village of another source that bears, among other names, a name that
# OCHA gives only to communities at least this far away (and at most
# OCHA_WRONG_NAME_MAX_KM: a neighbour's name attached to the wrong point)
# loses that name: WOF gives الكشكية to al-Kashmah, 31 km from Kishkiyeh.
OCHA_WRONG_NAME_KM = 10.0
OCHA_WRONG_NAME_MAX_KM = 60.0
# Ids of places that only OCHA has: negative, from the P-code, beyond every
# WOF id (under 2 * 10^9) and the supplement's: C5197 -> -10000005197,
# N0001 -> -10000100001.
OCHA_ID_BASE = 10_000_000_000
OCHA_KINDS_MATCHED = ("city", "town", "village", "neighbourhood", "other", "camp")


def ocha_id(pcode: str) -> int:
    m = re.fullmatch(r"([CN])(\d{4,5})", pcode)
    if not m:
        sys.exit(f"{OCHA_FILE}: P-code {pcode!r} is neither C#### nor N####")
    return -(OCHA_ID_BASE + (100_000 if m.group(1) == "N" else 0) + int(m.group(2)))


def read_ocha(src: Path):
    path = src / OCHA_FILE
    with open(path, encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != OCHA_COLUMNS:
            sys.exit(f"{path}: header must be {OCHA_COLUMNS}, got {reader.fieldnames}")
        rows = []
        for i, r in enumerate(reader, 2):
            try:
                r["lat"], r["lon"] = float(r["latitude"]), float(r["longitude"])
            except ValueError:
                sys.exit(f"{path}: line {i} ({r['pcode']}): latitude/longitude "
                         f"{r['latitude']!r}, {r['longitude']!r} are not numbers")
            if not (r["name_ar"].strip() or r["name_en"].strip()):
                sys.exit(f"{path}: line {i} ({r['pcode']}) has no name")
            rows.append(r)
    return sorted(rows, key=lambda r: r["pcode"])


def translit_skeleton(name: str) -> str:
    """The consonants of a Latin name as vigil-extract's places.rs reads
    another transliteration: articles dropped, words run together, a final
    h dropped, vowels, y and w dropped, doubled letters once, q as k
    ("Kishkiyeh" and "Al Kishkīyah" -> "kshk")."""
    words = []
    for w in re.split(r"[\s\-]+", _latin_fold(fold_key(name).replace(" ", " "))):
        w = "".join(c for c in w if c.isascii() and c.isalnum())
        if w and w not in ARTICLES:
            words.append(w)
    v = "".join(words)
    if v.endswith("h") and len(v) > 3:
        v = v[:-1]
    out = []
    for c in v:
        c = "k" if c in "qc" else c
        if c in "aeiouyw" or (out and out[-1] == c):
            continue
        out.append(c)
    return "".join(out)


def ocha_match_keys(names: list[str]) -> set[str]:
    """Keys on which an OCHA name and another source's name are one name:
    the index keys (Latin articles as al and dropped), and Arabic names
    with and without their article."""
    ks = set()
    for n in names:
        sc = script_of(n)
        if sc is None:
            continue
        for k in index_keys(n, "SY"):
            ks.add(k)
            if sc == "arabic" and k.startswith("ال") and len(k) > 4:
                ks.add(k[2:])
    return ks


_OCHA_SPLIT_AR = re.compile(r"_|\s+-\s*|\s*-\s+")
_OCHA_SPLIT_EN = re.compile(r"_\s+|\s+-\s*|\s*-\s+")


def ocha_names(r) -> list[str]:
    """The names of an OCHA row. A value may hold two names ("الصياح_صياح
    ظاهرية", "Sayah - Sayah Thahriyeh") or a name and its town or
    sub-district ("الحجلية- الباب" / "Hjeileh - Elbab", "حي تشرين - دمشق"):
    the parts are names, the admin parts are not (an English part is
    admin where the Arabic part in its place is). A quarter's "حي" is the
    noun before its name, not part of it."""
    admin = {fold_key(r[c]) for c in ("admin1_en", "admin2_en", "admin3_en",
                                       "admin1_ar", "admin2_ar", "admin3_ar")}
    admin |= {fold_key(a.removeprefix("مركز ")) for a in (r["admin2_ar"], r["admin3_ar"])}

    def pieces(value, splitter):
        out = []
        for piece in splitter.split(value):
            piece = piece.replace("_", " ").strip()
            if piece.startswith("حي "):
                piece = piece[3:].strip()
            out.append(piece)
        return out

    ar = pieces(r["name_ar"], _OCHA_SPLIT_AR)
    is_admin = [len(ar) > 1 and fold_key(p) in admin for p in ar]
    parts = [p for p, a in zip(ar, is_admin) if not a]
    for value in (r["name_en"], r["ref_name_en"]):
        en = pieces(value, _OCHA_SPLIT_EN)
        if len(en) == len(ar):
            en = [p for p, a in zip(en, is_admin) if not a]
        parts += [p for p in en if not (len(en) > 1 and fold_key(p) in admin)]
    return clean_names([p for p in parts if p and p != "حي"], keep_lowercase=True)


def merge_ocha(src: Path, places: dict, pindex, stats: Counter):
    """Merges OCHA's populated places of Syria: a community that another
    source already has (a shared name nearby) gains OCHA's names, district
    and governorate and keeps its id and point; the others are added. Then
    names that OCHA puts on a point far away are taken off the wrong
    village. Returns the rows of the dropped names, for the summary."""
    rows = read_ocha(src)
    stats["ocha rows"] = len(rows)
    # OCHA governorate -> Natural Earth province: where most of its points lie.
    votes: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        pv = pindex.find("SY", r["lat"], r["lon"], label=r["pcode"])
        if pv is not None:
            votes[r["admin1_en"]][pv.display] += 1
    gov = {a: c.most_common(1)[0][0] for a, c in votes.items()}
    if len(set(gov.values())) != len(gov):
        sys.exit(f"OCHA governorates do not map one to one onto provinces: {gov}")
    print("  OCHA governorates: " + ", ".join(f"{a} = {gov[a]}" for a in sorted(gov)), file=sys.stderr)

    # Candidates of the other sources, on a grid of 0.1 degree.
    cell = 0.1
    grid = defaultdict(list)
    keys_of: dict[int, set[str]] = {}
    skel_of: dict[int, set[str]] = {}
    for p in places.values():
        if p.country != "SY" or p.kind not in OCHA_KINDS_MATCHED:
            continue
        grid[(math.floor(p.lat / cell), math.floor(p.lon / cell))].append(p)
        keys_of[p.id] = ocha_match_keys(p.names)
        skel_of[p.id] = {translit_skeleton(n) for n in p.names if script_of(n) == "latin"} - {""}

    pairs = []
    for r in rows:
        names = ocha_names(r)
        keys = ocha_match_keys(names)
        skels = {translit_skeleton(n) for n in names if script_of(n) == "latin"} - {""}
        neighbourhood = r["place_class"] == "neighborhood"
        ci, cj = math.floor(r["lat"] / cell), math.floor(r["lon"] / cell)
        for i in range(ci - 2, ci + 3):
            for j in range(cj - 2, cj + 3):
                for p in grid.get((i, j), ()):
                    if neighbourhood and p.kind == "city":
                        continue  # a quarter is not its city
                    d = haversine_km(r["lat"], r["lon"], p.lat, p.lon)
                    # Towns' points differ more between sources; the
                    # supplement's villages are placed from descriptions.
                    wide = p.kind in ("city", "town") or p.origin == "supplement"
                    limit = OCHA_MATCH_KM_TOWN if wide else OCHA_MATCH_KM
                    if d <= limit and keys & keys_of[p.id]:
                        pairs.append((0, d, r["pcode"], p.id))
                    elif d <= OCHA_SKELETON_KM and skels & skel_of[p.id]:
                        pairs.append((1, d, r["pcode"], p.id))
    pairs.sort()
    by_pcode = {r["pcode"]: r for r in rows}
    matched: dict[str, Place] = {}
    taken: set[int] = set()
    for strength, _d, pcode, pid in pairs:
        if pcode in matched or pid in taken:
            continue
        matched[pcode] = places[pid]
        taken.add(pid)
        stats["ocha: matched by a shared name" if strength == 0 else
              "ocha: matched by a shared consonant skeleton"] += 1

    ocha_points: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        names = ocha_names(r)
        p = matched.get(r["pcode"])
        # The seat of a district or sub-district (the community that bears
        # its name: Busayra of Basira, Thiban of Thiban) is a town, however
        # small; the news names it more than a namesake village.
        keys = {fold_key(n) for n in names}
        seat = ""
        if r["place_class"] == "community":
            if keys & {fold_key(r["admin2_ar"]), fold_key(r["admin2_en"])}:
                seat = "PPLA2"
            elif keys & {fold_key(r["admin3_ar"]), fold_key(r["admin3_en"])}:
                seat = "PPLA3"
        if p is None and r["place_class"] == "neighborhood":
            # A city quarter that no other source has is not added: quarter
            # names are often generic ("Aqaba", "Andalus", "Rawda") and
            # would outrank towns of the same name abroad.
            stats["ocha: quarters not added (no other source has them)"] += 1
            continue
        if p is None:
            kind = "town" if seat else "village"
            main = r["name_en"].strip() or r["name_ar"].strip()
            p = Place(ocha_id(r["pcode"]), main, r["lat"], r["lon"], kind, seat or "PPL", "SY", 0,
                      "ocha")
            if p.id in places:
                sys.exit(f"OCHA {r['pcode']}: id {p.id} collides with a place")
            p.add_names(names)
            places[p.id] = p
            stats["ocha: places added"] += 1
        else:
            before = set(p._keys)
            p.add_names(names)
            stats["ocha: names added to a matched place"] += len(set(p._keys) - before)
            if seat and p.kind == "village":
                p.kind = "town"
                p.fcode = p.fcode or seat
                stats["ocha: villages made towns as the seat of their (sub-)district"] += 1
        p.ocha = r["pcode"]
        p.province = gov.get(r["admin1_en"], "")
        p.district = r["admin2_en"].strip()
        for n in names:
            if script_of(n) == "arabic":
                ocha_points[fold_key(n)].append(r)

    # Names that OCHA puts only on points far from the village that bears
    # them (and that the village does not need: it keeps another name).
    dropped = []
    for p in sorted(places.values(), key=lambda p: p.id):
        if p.country != "SY" or p.kind not in ("village", "other") or p.origin == "ocha":
            continue
        own_names = ocha_names(by_pcode[p.ocha]) if p.ocha else []
        own = {fold_key(n) for n in own_names}
        # The place's own name in any spelling: a far namesake that is
        # spelled like it is another village of the same name, not a
        # neighbour's name on the wrong point.
        own_skel = {translit_skeleton(n) for n in [p.name] + own_names if script_of(n) == "latin"}
        arabic = [n for n in p.names if script_of(n) == "arabic"]
        bad = []
        for n in arabic:
            k = fold_key(n)
            if k not in ocha_points or k in own or n == p.name:
                continue
            r = min(ocha_points[k], key=lambda r: (haversine_km(p.lat, p.lon, r["lat"], r["lon"]), r["pcode"]))
            dist = haversine_km(p.lat, p.lon, r["lat"], r["lon"])
            if not OCHA_WRONG_NAME_KM <= dist <= OCHA_WRONG_NAME_MAX_KM:
                continue
            if translit_skeleton(r["name_en"]) in own_skel:
                continue
            bad.append((n, dist, r))
        if not bad or (not p.ocha and len(bad) == len(arabic)):
            continue  # a village known by that name alone is a namesake, not a mistake
        drop = set()
        main_skel = translit_skeleton(p.name)
        for n, dist, r in bad:
            drop.add(fold_key(n))
            s = translit_skeleton(r["name_en"])
            for m in p.names:
                if (script_of(m) == "latin" and m != p.name and s and translit_skeleton(m) == s
                        and s != main_skel):
                    drop.add(fold_key(m))
            dropped.append((p.id, p.name, n, r["pcode"], r["name_en"], round(dist, 1)))
        before = len(p.names)
        p.drop_keys(drop)
        stats["ocha: names taken off a village far from OCHA's place of that name"] += before - len(p.names)
    for row in dropped:
        print("  OCHA puts a name elsewhere: %s %s loses %s (%s %s, %s km)" % row, file=sys.stderr)
    return dropped


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", default=str(REPO.parent / "shared" / "gazetteer"),
                    help="the source data folder (default: ../shared/gazetteer)")
    ap.add_argument("--out", default=str(OUT_DIR / "places.tsv.gz"))
    ap.add_argument("--supplement", default=str(OUT_DIR / "supplement.tsv"))
    ap.add_argument("--check", nargs="*", metavar="NAME",
                    help="only report which places each NAME matches (after building without the supplement)")
    ap.add_argument("--check-file", metavar="FILE",
                    help="as --check, with the names one a line in FILE")
    args = ap.parse_args(argv)
    if args.check_file:
        args.check = (args.check or []) + [
            ln.strip() for ln in Path(args.check_file).read_text("utf-8").splitlines() if ln.strip()]
    src = Path(args.source)
    stats: Counter = Counter()

    # 1. GeoNames cities500.
    places: dict[int, Place] = {}
    stats["geonames cities500 rows"] = read_geonames(src, places)

    # 2. Provinces from Natural Earth + GeoNames admin-1 codes.
    provinces = load_provinces(src)
    pindex = ProvinceIndex(provinces)
    prov_by_code = {p.code: p for p in provinces}

    # 3. Who's On First: localities etc., merged on GeoNames id.
    wof_regions: list[dict] = []
    wof_countries: dict[str, dict] = {}
    wof_src_geom: Counter = Counter()
    near = Nearby(places)
    for cc in FIVE:
        for r in read_wof(src, cc, stats):
            pt = r["placetype"]
            if pt == "country":
                wof_countries[cc] = r
                continue
            if pt == "region":
                wof_regions.append(r)
                continue
            latin, arabic = wof_names(r)
            gid = to_int(r["geonameid"])
            if gid and gid in places:
                p = places[gid]
                if p.country != cc:
                    stats[f"wof {cc}: geonames id of a place in {p.country}"] += 1
                p.add_names(latin + arabic)
                if p.origin == "geonames":
                    p.origin = "geonames+wof"
                    stats[f"wof {cc} merged into geonames"] += 1
                else:
                    stats[f"wof {cc} merged into wof"] += 1
                wof_src_geom[r["src_geom"] or "(none)"] += 1
                continue
            if not latin and not arabic:
                stats[f"wof {cc} skipped: no usable name"] += 1
                continue
            main = latin[0] if latin else arabic[0]
            if script_of(r["name"]) == "latin" and r["name"] in latin:
                main = r["name"]
            pop = to_int(r["population"])
            fcode = r["gn_fcode"]
            kind = WOF_KIND.get(pt) or kind_of(fcode, pop)
            if not gid and pt in ("locality", "neighbourhood"):
                twin = near.find(cc, float(r["latitude"]), float(r["longitude"]),
                                 {fold_key(n) for n in latin + arabic}, places)
                if twin is not None:
                    twin.add_names(latin + arabic)
                    stats[f"wof {cc} merged into a namesake within {NEAR_KM:g} km"] += 1
                    wof_src_geom[r["src_geom"] or "(none)"] += 1
                    continue
            pid = gid if gid else -int(r["wof_id"])
            p = Place(pid, main, float(r["latitude"]), float(r["longitude"]), kind, fcode, cc, pop,
                      "wof", admin1=r["gn_admin1"])
            p.add_names(latin + arabic)
            places[pid] = p
            near.add(p)
            wof_src_geom[r["src_geom"] or "(none)"] += 1
            stats[f"wof {cc} added"] += 1

    # 4. Provinces as places. Names: the admin-1 file, Natural Earth, the
    # variants above, and WOF region rows; alternate names that are really a
    # city's name (Natural Earth gives "Mosul" for Nineveh, WOF "الرمادي"
    # for Anbar) are dropped, or a city mention would read as its province.
    city_keys_by_code: dict[str, set[str]] = defaultdict(set)
    for p in places.values():
        if p.country in FIVE and (p.population >= 10_000 or p.fcode in ("PPLC", "PPLA", "PPLA2")):
            if p.kind in ("city", "town"):
                for n in p.names:
                    city_keys_by_code[p.admin1].add(fold_key(n))
    wof_by_gid = {to_int(r["geonameid"]): r for r in wof_regions if r["geonameid"]}
    wof_by_key = {}
    for r in wof_regions:
        for n in [r["name"]] + split_list(r["name_eng"]):
            wof_by_key.setdefault((r["country"], fold_key(n)), r)
    used_regions = set()
    for pv in provinces:
        if pv.shape is None or not pv.gid:
            continue  # the UNDOF zone: not a province
        own = [pv.display, pv.name_en, pv.props.get("name", ""), pv.name_ar, pv.name_tr]
        own += [s for s in (_strip_admin_words(x) for x in own) if s]
        own += PROVINCE_VARIANTS.get(pv.code, [])
        own = clean_names(own, keep_lowercase=True)
        own_keys = {fold_key(n) for n in own}
        alt = split_list(pv.props.get("name_alt") or "")
        r = wof_by_gid.get(pv.gid) or next(
            (wof_by_key[(pv.country, k)] for k in [fold_key(n) for n in own]
             if (pv.country, k) in wof_by_key and wof_by_key[(pv.country, k)]["wof_id"] not in used_regions),
            None)
        if r is not None:
            used_regions.add(r["wof_id"])
            lat_, ar_ = wof_names(r)
            alt += lat_ + ar_
        alt = clean_names(alt, keep_lowercase=True)
        alt = [n for n in alt if fold_key(n) in own_keys or fold_key(n) not in city_keys_by_code[pv.code]]
        lat, lon = pv.shape.centroid()
        if not pv.shape.contains(lon, lat):
            lat, lon = float(pv.props["latitude"]), float(pv.props["longitude"])
        p = Place(pv.gid, pv.display, lat, lon, "province", "ADM1", pv.country, 0, "province",
                  admin1=pv.code)
        p.add_names(own + alt)
        p.drop_keys(ADMIN_NAME_STOP)
        p.province = pv.display
        if pv.gid in places:
            sys.exit(f"province {pv.code} id {pv.gid} collides with a place")
        places[pv.gid] = p
        stats["provinces"] += 1
    # WOF regions that Natural Earth lacks (governorates created since:
    # Halabja, Akkar, Baalbek-Hermel): provinces of their own name.
    for r in wof_regions:
        if r["wof_id"] in used_regions or r["country"] not in FIVE:
            continue
        if r["name"].startswith("United Nations"):
            continue  # the UNDOF zone on the Golan: not a province
        lat_, ar_ = wof_names(r)
        pid = to_int(r["geonameid"]) or -int(r["wof_id"])
        if pid in places:
            continue
        p = Place(pid, lat_[0] if lat_ else r["name"], float(r["latitude"]), float(r["longitude"]),
                  "province", "ADM1", r["country"], to_int(r["population"]), "wof-region")
        p.add_names(lat_ + ar_)
        p.drop_keys(ADMIN_NAME_STOP)
        p.province = p.name
        places[pid] = p
        stats["provinces (WOF only)"] += 1
        print(f"  province from WOF only: {p.name} ({r['country']})", file=sys.stderr)

    # 5. Countries: the built-in table, WOF country rows for the five.
    centroids = topo_country_centroids(src / "basemap/countries-50m.json")
    for a2, num, en, ar in COUNTRIES:
        c = centroids.get(num)
        if c is None:
            sys.exit(f"country {a2} ({num}) not in countries-50m.json")
        lat, lon, ne_name = c
        names = en.split("|") + ar.split("|")
        r = wof_countries.get(a2)
        pid = to_int(r["geonameid"]) if r else 0
        if r:
            lat_, ar_ = wof_names(r)
            names += lat_ + ar_
        pid = pid or -(900000 + num)
        p = Place(pid, names[0], lat, lon, "country", "PCLI", a2, 0, "country")
        p.add_names(clean_names(names + [ne_name], keep_lowercase=True))
        p.drop_keys(ADMIN_NAME_STOP)
        if pid in places:
            sys.exit(f"country {a2} id {pid} collides with a place")
        places[pid] = p
        stats["countries"] += 1

    # 6. Admin rows (districts, provinces, countries): drop alternate names
    # that are another populated place's name (WOF gives "Al Fallujah" for
    # Abu Ghraib district).
    all_city_keys = set()
    for ks in city_keys_by_code.values():
        all_city_keys |= ks
    for p in places.values():
        if p.kind == "district" and p.country in FIVE:
            bad = {fold_key(n) for n in p.names if n != p.name} & all_city_keys
            bad.discard(fold_key(p.name))
            if bad:
                stats["district names dropped as a city's"] += len(bad)
                p.drop_keys(bad)

    if args.check is not None:
        check(places, args.check)
        return

    # 7. Supplement.
    sup = read_supplement(Path(args.supplement))
    for r in sup:
        sid = int(r["id"])
        names = [x for x in r["names"].split("|") if x and not x.startswith("-")]
        remove = {fold_key(x[1:]) for x in r["names"].split("|") if x.startswith("-")}
        if sid in places:
            p = places[sid]
            before = {fold_key(n) for n in p.names}
            missing = remove - before
            if missing:
                print(f"  supplement: {r['name']} ({sid}): nothing to remove for {sorted(missing)}", file=sys.stderr)
            p.drop_keys(remove)
            p.add_names([r["name"]] + names)
            if to_int(r["population"]):
                p.population = to_int(r["population"])
            if r["name"] and r["name"] != p.name:
                p.set_main(r["name"])
            if r["kind"]:
                p.kind = r["kind"]
            redundant = [n for n in names if fold_key(n) in before]
            if redundant:
                print(f"  supplement: {r['name']} ({sid}): already had {redundant}", file=sys.stderr)
            stats["supplement: names added to a place"] += 1
            continue
        if sid >= 0:
            sys.exit(f"supplement: {r['name']}: id {sid} is not in the gazetteer (new places take negative ids)")
        pop = to_int(r["population"])
        p = Place(sid, r["name"], float(r["lat"]), float(r["lon"]), r["kind"] or kind_of(r["fcode"], pop),
                  r["fcode"], r["country"], pop, "supplement")
        p.add_names(names)
        if r["province"]:
            p.province = r["province"]
        places[sid] = p
        stats["supplement: places added"] += 1

    # 7a. OCHA's populated places of Syria: names, districts and missing
    # communities; OCHA is preferred where it and another source disagree.
    merge_ocha(src, places, pindex, stats)

    # 7b. Countries at GeoNames' own point for the country feature, so that
    # a country resolves where GeoNames-coded data (and every other place
    # of this gazetteer) puts it, not at an outline's centroid.
    for p in places.values():
        if p.kind == "country" and p.country in GEONAMES_COUNTRY_POINTS:
            p.lat, p.lon = GEONAMES_COUNTRY_POINTS[p.country]
            stats["countries at the GeoNames point"] += 1

    # 8. Province of every place: point-in-polygon in the five, GeoNames
    # admin-1 code elsewhere (as a code: the names are not in the sources).
    for p in places.values():
        if p.kind in ("country", "province"):
            continue
        if p.country in FIVE:
            if p.province and (p.origin == "supplement" or p.ocha):
                continue
            pv = pindex.find(p.country, p.lat, p.lon, label=f"{p.id} {p.name}")
            p.province = pv.display if pv else ""
            if pv and p.admin1 and p.admin1 != pv.code and p.admin1 in prov_by_code:
                stats["province differs from the source's admin-1"] += 1
        else:
            p.province = p.admin1.split(".", 1)[1] if "." in p.admin1 else ""

    write(places, Path(args.out), stats)
    write_summary(places, stats, pindex, wof_src_geom)


def check(places, queries):
    by_key = defaultdict(list)
    for p in places.values():
        for k in {k for n in p.names for k in index_keys(n, p.country)}:
            by_key[k].append(p)
    for q in queries:
        hits = by_key.get(query_key(q), [])
        if not hits:
            print(f"MISSING  {q}")
        for p in hits[:6]:
            print(f"found    {q}\t{p.id}\t{p.name}\t{p.kind}\t{p.country}\t{p.lat:.4f},{p.lon:.4f}\t{p.population}")


def fmt_coord(x: float) -> str:
    s = f"{x:.5f}"
    return "0.00000" if s == "-0.00000" else s


def write(places, out: Path, stats):
    buf = io.StringIO()
    buf.write("id\tname\tlat\tlon\tkind\tfcode\tcountry\tprovince\tdistrict\tpopulation\tnames\n")
    for pid in sorted(places):
        p = places[pid]
        assert p.kind in KINDS, p.kind
        names = "|".join(p.names)
        for field in (p.name, names, p.province, p.district, p.fcode, p.country):
            assert "\t" not in field and "\n" not in field, (pid, field)
        buf.write(f"{p.id}\t{p.name}\t{fmt_coord(p.lat)}\t{fmt_coord(p.lon)}\t{p.kind}\t{p.fcode}\t"
                  f"{p.country}\t{p.province}\t{p.district}\t{p.population}\t{names}\n")
    data = buf.getvalue().encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        with gzip.GzipFile(filename="places.tsv", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    stats["bytes uncompressed"] = len(data)
    stats["bytes compressed"] = out.stat().st_size


def write_summary(places, stats, pindex, wof_src_geom):
    total_names = sum(len(p.names) for p in places.values())
    print(f"places: {len(places):,}   names: {total_names:,}")
    by_country = Counter(p.country for p in places.values())
    names_by_country = Counter()
    for p in places.values():
        names_by_country[p.country] += len(p.names)
    for cc in FIVE:
        kinds = Counter(p.kind for p in places.values() if p.country == cc)
        print(f"  {cc}: {by_country[cc]:,} places, {names_by_country[cc]:,} names  "
              + " ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    print("kinds: " + " ".join(f"{k}={v}" for k, v in sorted(Counter(p.kind for p in places.values()).items())))
    for k in sorted(stats):
        print(f"  {k}: {stats[k]:,}")
    print("province assignment (five countries): " + ", ".join(f"{k}={v}" for k, v in sorted(pindex.stats.items())))
    if pindex.cross_border:
        print(f"  points in a neighbour's polygon, far from their own country ({len(pindex.cross_border)}), e.g.:")
        for row in pindex.cross_border[:10]:
            print("    ", row)
    print("WOF rows used, by src_geom: " + ", ".join(f"{k}={v}" for k, v in wof_src_geom.most_common()))


if __name__ == "__main__":
    main()
