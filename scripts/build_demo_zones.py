#!/usr/bin/env python3
"""Build data/zones/kaliningrad-closures-2022.geojson: the national airspace (land + 12 NM territorial
sea, approximated as documented in data/zones/README.md) of the states whose closure to Russian
aircraft in February 2022 shaped the Moscow/St Petersburg - Kaliningrad flights.

Reproducible: the only input is Natural Earth 1:10m country boundaries (public domain) from the npm
package world-atlas@2.0.2 (sha256 checked); the output is deterministic.

Method, in an azimuthal equidistant projection centred on the Baltic (57 N, 20 E):
  1. each state's land polygon is buffered by 12 NM (22,224 m);
  2. the buffer never covers another state's land; where buffers of two states overlap at sea, the sea is split at the equidistance line, built from a
     Voronoi diagram of points sampled every 1 km along every nearby state's coast;
  3. in the Gulf of Finland, Finland and Estonia stop their territorial sea 3 NM short of the median
     line to leave a high-seas corridor; modelled by removing 3 NM along their common boundary;
  4. the result is simplified to 50 m and written in lon/lat with 6 decimals.

Usage: python3 scripts/build_demo_zones.py [CACHE_DIR]   (needs shapely>=2 and pyproj; npm for the fetch)
"""
import hashlib, json, os, subprocess, sys, tarfile

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
import numpy as np
from shapely.ops import unary_union

WORLD_ATLAS = "world-atlas-2.0.2.tgz"
WORLD_ATLAS_SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
NM = 1852.0
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "zones", "kaliningrad-closures-2022.geojson")

EU_REG = ("Council Regulation (EU) 2022/334 of 28 February 2022 (OJ L 57, 28.2.2022, p. 1), in force on the day "
          "of its publication; the national closure announced on 26-27 February took effect earlier but its exact "
          "time was not established from the sources at hand, so this is the latest possible start")
# ISO 3166-1 numeric id -> (zone id, name, closed from (UTC), source of the time)
STATES = {
    "616": ("PL", "Poland", "2022-02-25T23:00:00Z",
            "Polish government, 25 Feb 2022: ban on Russian airlines in force from midnight (00:00 CET 26 Feb) - Reuters, 25 Feb 2022"),
    "440": ("LT", "Lithuania", "2022-02-26T22:00:00Z",
            "Lithuanian government, 26 Feb 2022: closed to Russian airlines from 22:00 GMT (00:00 local) - as reported 26 Feb 2022"),
    "276": ("DE", "Germany", "2022-02-27T14:00:00Z",
            "German Federal Ministry for Digital and Transport, 27 Feb 2022: closed to Russian aircraft for three months from 15:00 CET - as reported 27 Feb 2022"),
    "428": ("LV", "Latvia", "2022-02-27T23:00:00Z", EU_REG),
    "233": ("EE", "Estonia", "2022-02-27T23:00:00Z", EU_REG),
    "246": ("FI", "Finland", "2022-02-27T23:00:00Z", EU_REG),
    "752": ("SE", "Sweden", "2022-02-27T23:00:00Z", EU_REG),
    "208": ("DK", "Denmark", "2022-02-27T23:00:00Z", EU_REG),
}
# Other states whose coasts bound the zones' territorial seas.
NEIGHBOURS = {"643": "Russia", "112": "Belarus", "578": "Norway", "528": "Netherlands", "203": "Czechia", "040": "Austria",
              "756": "Switzerland", "250": "France", "056": "Belgium", "442": "Luxembourg", "703": "Slovakia", "804": "Ukraine"}
WINDOW = shapely.box(0.0, 50.0, 40.0, 72.0)  # lon/lat region considered


def fetch(cache):
    path = os.path.join(cache, WORLD_ATLAS)
    if not os.path.exists(path):
        subprocess.run(["npm", "pack", "world-atlas@2.0.2", "--pack-destination", cache], check=True, stdout=subprocess.DEVNULL)
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if digest != WORLD_ATLAS_SHA256:
        sys.exit(f"{path}: sha256 {digest} is not the expected {WORLD_ATLAS_SHA256}")
    with tarfile.open(path) as t:
        return json.load(t.extractfile("package/countries-10m.json"))


def topojson_geometries(topo):
    """Decode TopoJSON (quantized, delta-encoded arcs) into {id: shapely geometry in lon/lat}."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indices):
        pts = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if "id" not in g:
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", [])
        rings = [[r for r in map(ring, p) if len(r) >= 4] for p in polys]
        parts = [Polygon(r[0], r[1:]) for r in rings if r]
        out[g["id"]] = shapely.make_valid(MultiPolygon(parts))
    return out


def polygons_only(g):
    parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return unary_union(parts) if parts else MultiPolygon()


def project(g, transformer):
    return shapely.transform(g, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1])))


def main():
    cache = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.expanduser("~"), ".cache", "nofly")
    os.makedirs(cache, exist_ok=True)
    geoms = topojson_geometries(fetch(cache))
    fwd = Transformer.from_crs("EPSG:4326", "+proj=aeqd +lat_0=57 +lon_0=20 +datum=WGS84 +units=m", always_xy=True)
    inv = Transformer.from_crs("+proj=aeqd +lat_0=57 +lon_0=20 +datum=WGS84 +units=m", "EPSG:4326", always_xy=True)
    land = {}
    for iso in list(STATES) + list(NEIGHBOURS):
        g = polygons_only(geoms[iso].intersection(WINDOW))
        if not g.is_empty:
            land[iso] = project(g, fwd)

    # Sample every coast at 1 km; keep only points near another state (the rest cannot move a boundary).
    sites, owners = [], []
    for iso, g in land.items():
        others = unary_union([o for k, o in land.items() if k != iso]).simplify(1000).buffer(48_000)
        boundary = g.boundary.intersection(others)
        if boundary.is_empty:
            continue
        for line in getattr(boundary, "geoms", [boundary]):
            n = max(2, int(line.length // 1000) + 1)
            for i in range(n):
                p = line.interpolate(i / (n - 1), normalized=True)
                sites.append(p)
                owners.append(iso)
    print(f"{len(sites)} coastal sample points", file=sys.stderr)
    envelope = unary_union(list(land.values())).envelope.buffer(200_000)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(sites), extend_to=envelope)
    cell_list = list(cells.geoms)
    tree = shapely.STRtree(sites)
    region = {iso: [] for iso in land}
    for cell in cell_list:
        hits = tree.query(cell, predicate="contains")
        if len(hits):
            region[owners[hits[0]]].append(cell)
    region = {iso: shapely.make_valid(shapely.coverage_union_all(c)) if c else None for iso, c in region.items()}

    features = []
    for iso, (zid, name, closed_from, source) in STATES.items():
        sea = land[iso].buffer(12 * NM, quad_segs=16)
        others_closer = unary_union([r for k, r in region.items() if k != iso and r is not None])
        # Only cut where another state's coast is nearer; elsewhere the 12 NM buffer stands.
        own = region[iso] if region[iso] is not None else sea
        sea = sea.difference(others_closer.difference(own))
        # Territorial sea never extends over another state's land.
        sea = sea.difference(unary_union([g for k, g in land.items() if k != iso]))
        if iso in ("246", "233"):
            other = "233" if iso == "246" else "246"
            if region[other] is not None:
                sea = sea.difference(region[other].buffer(3 * NM))
        airspace = unary_union([land[iso], sea]).simplify(50, preserve_topology=True)
        lonlat = shapely.set_precision(project(airspace, inv), 1e-6)
        if lonlat.geom_type == "Polygon":
            lonlat = MultiPolygon([lonlat])
        lonlat = shapely.make_valid(shapely.normalize(lonlat))
        if lonlat.geom_type != "MultiPolygon":
            lonlat = MultiPolygon([g for g in getattr(lonlat, "geoms", [lonlat]) if g.geom_type == "Polygon"])
        features.append({
            "type": "Feature",
            "properties": {
                "id": zid,
                "name": f"{name} national airspace (closed to Russian aircraft)",
                "kind": "prohibited",
                "lower": "SFC",
                "upper": "UNL",
                "active": [{"from": closed_from}],
                "applies_to": "Russian air carriers and Russian-registered or -operated aircraft",
                "closure_source": source,
                "geometry_source": "Natural Earth 1:10m admin-0 countries (public domain) via npm world-atlas@2.0.2; 12 NM territorial sea approximated as documented in data/zones/README.md",
            },
            "geometry": mapping(lonlat),
        })
        print(f"{zid}: {len(lonlat.geoms)} polygons, {shapely.get_num_coordinates(lonlat)} vertices", file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
