#!/usr/bin/env python3
"""Builds the dashboard's offline basemap from Natural Earth data.

Reads (once, by hand; the build and the tests never do):
  BASEMAP/countries-50m.json                    world-atlas 2.0.2 TopoJSON
  BASEMAP/ne_10m_admin1_SY_IQ_TR_JO_LB.geojson  Natural Earth 10m admin-1
  BASEMAP/world-atlas.LICENSE

Writes crates/vigil-server/assets/basemap/:
  basemap.json   one GeoJSON FeatureCollection: the countries around the
                 region (layer "country") and the provinces of Syria, Iraq,
                 Turkey, Jordan and Lebanon (layer "province", with Arabic
                 and Turkish names), simplified (Douglas-Peucker) and rounded
                 to 3 decimals (~100 m), which is finer than a marker.
  world-atlas.LICENSE, ATTRIBUTION.md

Usage: scripts/build_basemap.py [BASEMAP_DIR]   (default ../shared/gazetteer/basemap)
Standard library only.
"""

import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "vigil-server", "assets", "basemap")

# Countries whose bounding-box centre falls in this box are kept: the Levant,
# Mesopotamia, Anatolia and their neighbours, without Russia or Kazakhstan.
REGION = (18.0, 12.0, 66.0, 47.0)  # min lon, min lat, max lon, max lat
COUNTRY_TOLERANCE = 0.02  # degrees, ~2 km
PROVINCE_TOLERANCE = 0.01
DIGITS = 3


def decode_topology(topo):
    """TopoJSON arcs (quantized, delta-encoded) to lists of (lon, lat)."""
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
    return arcs


def ring(arcs, indices):
    out = []
    for i in indices:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(pts if not out else pts[1:])
    return out


def topo_geometry(arcs, g):
    if g["type"] == "Polygon":
        return "Polygon", [ring(arcs, r) for r in g["arcs"]]
    if g["type"] == "MultiPolygon":
        return "MultiPolygon", [[ring(arcs, r) for r in p] for p in g["arcs"]]
    return None, None


def simplify(points, tol):
    """Douglas-Peucker, iterative; keeps the first and last point."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, far = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > best:
                best, far = d, i
        if far is not None and best > tol:
            keep[far] = True
            stack.append((a, far))
            stack.append((far, b))
    return [p for p, k in zip(points, keep) if k]


def clean_ring(points, tol):
    pts = simplify(points, tol)
    out = []
    for x, y in pts:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) < 4:
        return None  # collapsed: an islet below the tolerance
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def clean(kind, coords, tol):
    if kind == "Polygon":
        rings = [r for r in (clean_ring(r, tol) for r in coords) if r]
        return ("Polygon", rings) if rings and rings[0] else (None, None)
    polys = []
    for p in coords:
        k, c = clean("Polygon", p, tol)
        if k:
            polys.append(c)
    if not polys:
        return None, None
    return ("Polygon", polys[0]) if len(polys) == 1 else ("MultiPolygon", polys)


def bbox_centre(kind, coords):
    pts = [pt for r in (coords if kind == "Polygon" else [r for p in coords for r in p]) for pt in r]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "gazetteer", "basemap")
    with open(os.path.join(src, "countries-50m.json")) as f:
        topo = json.load(f)
    arcs = decode_topology(topo)
    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        kind, coords = topo_geometry(arcs, g)
        if not kind:
            continue
        cx, cy = bbox_centre(kind, coords)
        if not (REGION[0] <= cx <= REGION[2] and REGION[1] <= cy <= REGION[3]):
            continue
        kind, coords = clean(kind, coords, COUNTRY_TOLERANCE)
        if not kind:
            continue
        features.append({
            "type": "Feature",
            "properties": {"layer": "country", "name": g.get("properties", {}).get("name", ""), "iso_n3": g.get("id", "")},
            "geometry": {"type": kind, "coordinates": coords},
        })
    countries = len(features)
    with open(os.path.join(src, "ne_10m_admin1_SY_IQ_TR_JO_LB.geojson")) as f:
        admin1 = json.load(f)
    for feat in admin1["features"]:
        p = feat["properties"]
        geom = feat["geometry"]
        kind, coords = clean(geom["type"], geom["coordinates"], PROVINCE_TOLERANCE)
        if not kind:
            continue
        features.append({
            "type": "Feature",
            "properties": {
                "layer": "province",
                "name": p.get("name_en") or p.get("name") or "",
                "name_ar": p.get("name_ar") or "",
                "name_tr": p.get("name_tr") or "",
                "country": p.get("iso_a2") or "",
                "gn_a1_code": p.get("gn_a1_code") or "",
            },
            "geometry": {"type": kind, "coordinates": coords},
        })
    os.makedirs(OUT, exist_ok=True)
    out = {
        "type": "FeatureCollection",
        "attribution": "Natural Earth (public domain), via world-atlas 2.0.2 (ISC, Michael Bostock)",
        "features": features,
    }
    path = os.path.join(OUT, "basemap.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    shutil.copyfile(os.path.join(src, "world-atlas.LICENSE"), os.path.join(OUT, "world-atlas.LICENSE"))
    with open(os.path.join(OUT, "ATTRIBUTION.md"), "w") as f:
        f.write(
            "# Basemap attribution\n\n"
            "`basemap.json` is built by `scripts/build_basemap.py` from:\n\n"
            "- Country outlines: Natural Earth 1:50m admin-0 (public domain), as\n"
            "  TopoJSON from world-atlas 2.0.2 (Natural Earth 4.1.0), ISC licence,\n"
            "  copyright Michael Bostock: see `world-atlas.LICENSE`.\n"
            "- Provinces of Syria, Iraq, Turkey, Jordan and Lebanon: Natural Earth\n"
            "  1:10m admin-1 states and provinces (public domain).\n\n"
            "Simplified (Douglas-Peucker, %.2f deg for countries, %.2f deg for\n"
            "provinces) and rounded to %d decimals. Natural Earth draws de facto\n"
            "borders.\n\n"
            "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.\n"
            % (COUNTRY_TOLERANCE, PROVINCE_TOLERANCE, DIGITS)
        )
    print(f"{path}: {countries} countries, {len(features) - countries} provinces, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
