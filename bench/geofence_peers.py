#!/usr/bin/env python3
"""Geofence benchmark: the same points against the same zones in nofly's index (`nofly bench
geofence`), shapely 2 (STRtree + intersects), PostGIS (ST_Intersects against a GiST-indexed table in
the local PostgreSQL) and the `traffic` library (Flight.intersects). Every peer's answer (how many
point-zone pairs match) is checked against nofly's before its speed is reported.

Zone sets:
- one real zone of 3,409 vertices: Finland's national airspace from
  data/zones/kaliningrad-closures-2022.geojson;
- 1,000 synthetic 24-gons, dense (10° x 10°) and sparse (60° x 40°);
- 100,000 synthetic 12-gons over 80° x 40°.
Points are uniform in each set's bounding box, drawn with nofly's own SplitMix64 stream (same seed,
same points), so nofly reads no point file and no time is spent parsing one.

Usage: bench/geofence_peers.py [NOFLY_BINARY] [--points N] [--quick]
Prints a Markdown table and writes bench/results/geofence.json.
"""
import argparse, json, math, os, subprocess, sys, tempfile, time

import numpy as np
import shapely

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KALININGRAD = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")
OUT = os.path.join(ROOT, "bench", "results")
M64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix_units(seed, n):
    """The first n values of nofly's SplitMix64 stream as floats in [0, 1) (crates/cli/src/commands/bench.rs)."""
    with np.errstate(over="ignore"):
        state = np.uint64(seed) + np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z = state
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def points_for(geoms, n, seed):
    """nofly's points: per point first a latitude, then a longitude, uniform in the set's box."""
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(np.array(geoms))
    u = splitmix_units(seed, 2 * n)
    lat = min_lat + u[0::2] * (max_lat - min_lat)
    lon = min_lon + u[1::2] * (max_lon - min_lon)
    return lon, lat


def synthetic(n, vertices, box, size, seed):
    """n random star-shaped polygons (named synthetic) with centres in box (lon0, lat0, lon1, lat1)."""
    rng = np.random.default_rng(seed)
    lon0, lat0, lon1, lat1 = box
    out = []
    for _ in range(n):
        cx, cy = rng.uniform(lon0, lon1), rng.uniform(lat0, lat1)
        r = rng.uniform(0.2, 1.0, vertices) * rng.uniform(size / 4, size)
        a = np.linspace(0, 2 * math.pi, vertices, endpoint=False)
        ring = np.c_[cx + r * np.cos(a) / math.cos(math.radians(cy)), cy + r * np.sin(a)]
        out.append(shapely.Polygon(ring))
    return out


def write_zones(geoms, path):
    features = [{"type": "Feature", "properties": {"id": f"Z{i}"}, "geometry": json.loads(shapely.to_geojson(g))}
                for i, g in enumerate(geoms)]
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)


def finland():
    with open(KALININGRAD) as f:
        fc = json.load(f)
    feature = next(ft for ft in fc["features"] if ft["properties"]["id"] == "FI")
    return [shapely.geometry.shape(feature["geometry"])]


def run_nofly(binary, zones_file, n, seed):
    out = subprocess.run([binary, "bench", "geofence", "--zones", zones_file, "--points", str(n), "--seed", str(seed), "--json"],
                         check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return {"points_per_s": r["points_per_s"], "hits": r["hits"], "build_s": r["build_s"]}


def run_shapely(geoms, lon, lat):
    t = time.perf_counter()
    tree = shapely.STRtree(geoms)
    build = time.perf_counter() - t
    pts = shapely.points(lon, lat)
    t = time.perf_counter()
    pairs = tree.query(pts, predicate="intersects")
    wall = time.perf_counter() - t
    return {"points_per_s": len(lon) / wall, "hits": int(pairs.shape[1]), "build_s": build}


def run_postgis(geoms, lon, lat):
    import psycopg
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        db.execute("DROP TABLE IF EXISTS nofly_bench_zones, nofly_bench_points")
        db.execute("CREATE TABLE nofly_bench_zones (id int, geom geometry(Geometry, 4326))")
        db.execute("CREATE TABLE nofly_bench_points (geom geometry(Point, 4326))")
        with db.cursor().copy("COPY nofly_bench_zones (id, geom) FROM STDIN") as copy:
            for i, g in enumerate(geoms):
                copy.write_row((i, "SRID=4326;" + shapely.to_wkt(g, rounding_precision=-1)))
        t = time.perf_counter()
        db.execute("CREATE INDEX ON nofly_bench_zones USING gist (geom)")
        db.execute("ANALYZE nofly_bench_zones")
        build = time.perf_counter() - t
        with db.cursor().copy("COPY nofly_bench_points (geom) FROM STDIN") as copy:
            for x, y in zip(lon.tolist(), lat.tolist()):
                copy.write_row((f"SRID=4326;POINT({x!r} {y!r})",))
        db.execute("ANALYZE nofly_bench_points")
        t = time.perf_counter()
        hits = db.execute("SELECT count(*) FROM nofly_bench_points p JOIN nofly_bench_zones z ON ST_Intersects(z.geom, p.geom)").fetchone()[0]
        wall = time.perf_counter() - t
        db.execute("DROP TABLE nofly_bench_zones, nofly_bench_points")
    return {"points_per_s": len(lon) / wall, "hits": int(hits), "build_s": build}


def run_traffic(geoms, lon, lat):
    """traffic's Flight.intersects answers whether a trajectory meets an airspace: the points are
    made into one flight per 1,000 points, each tested against each zone, as a traffic user would."""
    import pandas as pd
    from traffic.core import Flight
    from traffic.core.airspace import Airspace, ExtrudedPolygon
    airspaces = [Airspace(f"Z{i}", [ExtrudedPolygon(g, -1e9, 1e9)]) for i, g in enumerate(geoms)]
    chunk = 1000
    flights = []
    for s in range(0, len(lon), chunk):
        n = min(chunk, len(lon) - s)
        flights.append(Flight(pd.DataFrame({
            "timestamp": pd.date_range("2022-02-27", periods=n, freq="s", tz="UTC"),
            "icao24": "abcdef", "callsign": "BENCH",
            "latitude": lat[s:s + n], "longitude": lon[s:s + n], "altitude": 10000.0,
        })))
    t = time.perf_counter()
    meets = sum(1 for f in flights for a in airspaces if f.intersects(a))
    wall = time.perf_counter() - t
    return {"points_per_s": len(lon) / wall, "flight_zone_pairs_meeting": meets, "build_s": 0.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "release", "nofly"))
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="fewer points, for a smoke run")
    args = ap.parse_args()
    n = 200_000 if args.quick else args.points
    sets = [
        ("1 zone, 3,409 vertices (Finland, real)", finland()),
        ("1,000 zones, dense (synthetic)", synthetic(1000, 24, (15, 45, 25, 55), 0.6, 1)),
        ("1,000 zones, sparse (synthetic)", synthetic(1000, 24, (-10, 30, 50, 70), 0.3, 2)),
        ("100,000 zones (synthetic)", synthetic(100_000, 12, (-20, 30, 60, 70), 0.1, 3)),
    ]
    seed = 1
    results = []
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, geoms in sets:
            path = os.path.join(tmp, "zones.geojson")
            write_zones(geoms, path)
            lon, lat = points_for(geoms, n, seed)
            row = {"set": name, "zones": len(geoms), "points": n}
            row["nofly"] = run_nofly(args.binary, path, n, seed)
            row["shapely"] = run_shapely(geoms, lon, lat)
            # The slow peers get a slice of the same points; nofly's answer on that slice is the check.
            k = min(n, 200_000 if len(geoms) < 100_000 else 50_000)
            row["postgis"] = run_postgis(geoms, lon[:k], lat[:k]) | {"points": k}
            row["postgis"]["nofly_hits"] = run_nofly(args.binary, path, k, seed)["hits"]
            t = min(n, 20_000 if len(geoms) == 1 else 2_000)
            # traffic takes about a second per flight and airspace: against 100,000 zones it is run
            # on the first 1,000 and its rate divided by 100.
            try:
                tz = geoms[:1000]
                row["traffic"] = run_traffic(tz, lon[:t], lat[:t]) | {"points": t, "zones": len(tz)}
                row["traffic"]["points_per_s"] *= len(tz) / len(geoms)
            except ImportError as e:
                row["traffic"] = {"error": f"traffic not installed: {e}"}
            results.append(row)
            print(json.dumps(row), file=sys.stderr)
    with open(os.path.join(OUT, "geofence.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| zone set | points | nofly points/s | shapely 2 | PostGIS | traffic | nofly/shapely | nofly/PostGIS | nofly/traffic | same answers |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        nf, sh, pg, tr = r["nofly"], r["shapely"], r["postgis"], r["traffic"]
        same = nf["hits"] == sh["hits"] and pg["hits"] == pg["nofly_hits"]
        trate = tr.get("points_per_s")
        print(f"| {r['set']} | {r['points']:,} | {nf['points_per_s']/1e6:.1f} M | {sh['points_per_s']/1e6:.2f} M | "
              f"{pg['points_per_s']/1e6:.3f} M | {(trate or 0)/1e3:.1f} k | {nf['points_per_s']/sh['points_per_s']:.0f}× | "
              f"{nf['points_per_s']/pg['points_per_s']:.0f}× | {(nf['points_per_s']/trate) if trate else float('nan'):.0f}× | "
              f"{'yes' if same else 'NO: ' + str((nf['hits'], sh['hits'], pg['hits'], pg['nofly_hits']))} |")


if __name__ == "__main__":
    main()
