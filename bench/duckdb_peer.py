#!/usr/bin/env python3
"""The ENTER/EXIT rules of docs/semantics.md in DuckDB with its spatial extension (both from PyPI:
duckdb and duckdb-extension-spatial), on the Parquet files of bench/streaming_memory.py: the peer
a data team would reach for to scan an archive with SQL. Each report is tested against every zone
(a bounding-box test first, then ST_Intersects, boundary inside), in its band (unknown altitude
inside, on-ground = surface) and activation interval; a window over each aircraft and zone turns
the changes into ENTER and EXIT. The same rules as tests/crosscheck/shapely_events.py, written
from the documentation.

Usage: bench/duckdb_peer.py ZONES.geojson FILE.parquet... > events.tsv
Prints one line per event: kind, time in ms, icao24, zone id, sorted; the time taken on stderr.
"""
import json, os, sys, time

import duckdb
import duckdb_extension_spatial
from shapely.geometry import shape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from reference_rules import FT_PER_M, limit_ft, ms  # noqa: E402


def main():
    zones_path, files = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    db = duckdb.connect()
    extension = os.path.join(os.path.dirname(duckdb_extension_spatial.__file__), "extensions",
                             f"v{duckdb.__version__}", "spatial.duckdb_extension")
    db.execute(f"LOAD '{extension}'")
    db.execute("CREATE TABLE zones (id VARCHAR, geom GEOMETRY, lower_ft DOUBLE, upper_ft DOUBLE, "
               "xmin DOUBLE, ymin DOUBLE, xmax DOUBLE, ymax DOUBLE, timed BOOLEAN)")
    db.execute("CREATE TABLE active (id VARCHAR, a BIGINT, b BIGINT)")
    for f in json.load(open(zones_path))["features"]:
        p = f["properties"]
        g = shape(f["geometry"])
        x0, y0, x1, y1 = g.bounds
        intervals = p.get("active", [])
        db.execute("INSERT INTO zones VALUES (?, ST_GeomFromText(?), ?, ?, ?, ?, ?, ?, ?)",
                   [p["id"], g.wkt, limit_ft(p.get("lower"), float("-inf")),
                    limit_ft(p.get("upper"), float("inf")), x0, y0, x1, y1, bool(intervals)])
        for a in intervals:
            db.execute("INSERT INTO active VALUES (?, ?, ?)",
                       [p["id"], ms(a["from"]) if a.get("from") else -2**62, ms(a["to"]) if a.get("to") else 2**62])
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    db.execute(f"""
        CREATE TABLE r AS
        SELECT epoch_ms(time::TIMESTAMP) AS ms, icao24, lat, lon, coalesce(onground, false) AS ground,
               baroaltitude * {FT_PER_M} AS alt, list_position([{listed}], filename) AS file,
               file_row_number AS row
        FROM read_parquet([{listed}], filename = true, file_row_number = true)
        WHERE lat IS NOT NULL AND lon IS NOT NULL AND NOT isnan(lat) AND NOT isnan(lon)""")
    rows = db.execute(f"""
        WITH judged AS (
            SELECT r.ms, r.file, r.row, r.icao24, z.id AS zone,
                   (r.lon BETWEEN z.xmin AND z.xmax AND r.lat BETWEEN z.ymin AND z.ymax
                    AND ((r.alt IS NULL OR isnan(r.alt)) AND NOT r.ground
                         OR r.ground AND z.lower_ft <= 0
                         OR NOT r.ground AND z.lower_ft <= r.alt AND r.alt <= z.upper_ft)
                    AND (NOT z.timed OR EXISTS (SELECT 1 FROM active a
                                                WHERE a.id = z.id AND a.a <= r.ms AND r.ms < a.b))
                    AND ST_Intersects(z.geom, ST_Point(r.lon, r.lat))) AS inside
            FROM r CROSS JOIN zones z),
        changes AS (
            SELECT ms, icao24, zone, inside,
                   coalesce(lag(inside) OVER (PARTITION BY icao24, zone ORDER BY ms, file, row), false) AS before
            FROM judged)
        SELECT CASE WHEN inside THEN 'enter' ELSE 'exit' END, ms, icao24, zone
        FROM changes WHERE inside <> before
        ORDER BY 1, 2, 3, 4""").fetchall()
    for kind, t, icao, zone in rows:
        print(f"{kind}\t{t}\t{icao}\t{zone}")
    print(f"duckdb {duckdb.__version__} spatial: {len(rows)} events in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
