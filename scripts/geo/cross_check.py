#!/usr/bin/env python3
"""Checks assets/geo/adjacency.json against an independent computation with shapely (GEOS): each
unit's outline projected (the same Lambert conformal conic, 45°/51° N, 68° E, sphere), and the
length of A's boundary inside B's boundary buffered by the tolerance, averaged both ways.

    pip install pyshp shapely
    python3 scripts/geo/cross_check.py            # prints pairs that differ and a summary

Not part of the test suite (shapely is not a dependency of the product); docs/MAPS.md gives its
last output.
"""
import json
import math
import sys

import shapefile
from shapely.geometry import Polygon, MultiPolygon, shape
from shapely.ops import transform
from shapely.strtree import STRtree

R = 6371000.0
phi1, phi2, phi0, lon0 = map(math.radians, (45.0, 51.0, 48.0, 68.0))
t = lambda p: math.tan(math.pi / 4 + p / 2)
n = math.log(math.cos(phi1) / math.cos(phi2)) / math.log(t(phi2) / t(phi1))
F = math.cos(phi1) * t(phi1) ** n / n
rho0 = R * F / t(phi0) ** n


def project(x, y, z=None):
    import numpy as np
    x, y = np.asarray(x), np.asarray(y)
    rho = R * F / np.tan(math.pi / 4 + np.radians(y) / 2) ** n
    theta = n * (np.radians(x) - lon0)
    return rho * np.sin(theta), rho0 - rho * np.cos(theta)


def main():
    adjacency = json.load(open("assets/geo/adjacency.json"))
    tol, corner = adjacency["tolerance_m"], adjacency["corner_m"]
    fixes = {f["printed"]: f["current"] for f in adjacency["code_fixes"]}
    reader = shapefile.Reader("assets/geo/source/kaz_admbnda_adm2_2024.shp", encoding="utf-8")
    units = {}
    for sr in reader.iterShapeRecords():
        code = fixes.get(sr.record[0], sr.record[0])
        units[code] = transform(project, shape(sr.shape.__geo_interface__))
    codes = sorted(units)
    boundaries = [units[c].boundary for c in codes]
    tree = STRtree([b.buffer(tol) for b in boundaries])
    ours = {(p["a"], p["b"]): p for p in adjacency["pairs"]}
    theirs = {}
    for i, a in enumerate(codes):
        for j in tree.query(boundaries[i]):
            if j <= i:
                continue
            b = codes[j]
            ab = boundaries[i].intersection(boundaries[j].buffer(tol)).length
            ba = boundaries[j].intersection(boundaries[i].buffer(tol)).length
            theirs[(a, b)] = (ab + ba) / 2
    differ = 0
    for key in sorted(set(ours) | set(theirs)):
        km = theirs.get(key, 0.0) / 1000
        mine = ours.get(key, {"border_km": 0.0, "corner": True})
        adjacent_theirs = km * 1000 >= corner
        if adjacent_theirs != (not mine["corner"]) or abs(km - mine["border_km"]) > max(0.02 * km, 0.5):
            differ += 1
            print(f"{key}: ekn {mine['border_km']:.3f} km corner={mine['corner']}  shapely {km:.3f} km")
    total = len(set(ours) | set(theirs))
    print(f"{total} pairs; {differ} differ (adjacency or length beyond 2 % / 0.5 km)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
