#!/usr/bin/env python3
"""End to end at scale: a synthetic copy of the Kaliningrad sample of at least 50 M reports, made by
repeating it 96 times, each copy shifted 13 days later than the one before and its aircraft given
new addresses (0x100000 + 64·copy + aircraft), so that copies never meet. The same file goes through
`nofly replay` and through the shapely 2 + pandas pipeline of tests/crosscheck/shapely_events.py
(the same rules); the event sets are compared, then wall time, reports/s and peak RSS reported.

Usage: bench/scaled_end_to_end.py [NOFLY_BINARY] [CACHE_DIR] [COPIES]
Writes bench/results/scaled_end_to_end.json.
"""
import json, os, sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from end_to_end import ROOT, ZONES, run  # noqa: E402

COLUMNS = ["time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign", "onground",
           "alert", "spi", "squawk", "baroaltitude", "geoaltitude", "lastposupdate", "lastcontact"]
SHIFT_NS = 13 * 86_400 * 10**9


def make_scaled(source, target, copies):
    """Writes the synthetic scaled file (once) and returns its number of rows."""
    if os.path.exists(target):
        return pq.ParquetFile(target).metadata.num_rows
    table = pq.read_table(source, columns=COLUMNS)
    addresses = sorted(set(table.column("icao24").to_pylist()))
    number = {a: i for i, a in enumerate(addresses)}
    assert len(addresses) <= 64
    index = pa.array([number[a] for a in table.column("icao24").to_pylist()], pa.int64())
    times = table.column("time").cast(pa.int64())
    writer = pq.ParquetWriter(target + ".part", table.schema)
    for k in range(copies):
        shifted = pc.add(times, k * SHIFT_NS).cast(table.schema.field("time").type)
        hexes = pa.array([format(v, "06x") for v in pc.add(index, 0x100000 + 64 * k).to_pylist()], pa.string())
        copy = table.set_column(0, "time", shifted).set_column(1, "icao24", hexes)
        writer.write_table(copy)
    writer.close()
    os.replace(target + ".part", target)
    return table.num_rows * copies


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 96
    source = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    if not os.path.exists(source):
        sys.exit(f"{source} missing: run `make demo` first")
    target = os.path.join(cache, f"synthetic-kaliningrad-x{copies}.parquet")
    rows = make_scaled(source, target, copies)
    print(f"{target}: {rows:,} rows (synthetic: {copies} shifted, re-addressed copies of the real sample)", file=sys.stderr)
    results = {}
    for name, cmd in (("nofly", [binary, "replay", "--zones", ZONES, target]),
                      ("shapely+pandas", [sys.executable, os.path.join(ROOT, "tests", "crosscheck", "shapely_events.py"), ZONES, target])):
        wall, rss, stdout = run(cmd)
        results[name] = (wall, rss, stdout)
        print(f"{name}: {wall:.1f} s, peak RSS {rss / 1024:.0f} MiB", file=sys.stderr)
    ours = sorted("\t".join([e["kind"], str(int(round(__import__('datetime').datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() * 1000))), e["icao24"], e["zone_id"]])
                  for e in map(json.loads, results["nofly"][2].splitlines()))
    theirs = sorted(results["shapely+pandas"][2].splitlines())
    same = ours == theirs
    positions = pq.read_table(target, columns=["lat"]).column("lat").null_count
    summary = {"rows": rows, "rows_with_position": rows - positions, "copies": copies, "events": len(ours), "same_events": same}
    for name, (wall, rss, _) in results.items():
        summary[name] = {"wall_s": wall, "reports_per_s": rows / wall, "peak_rss_mib": rss / 1024}
    summary["ratio"] = results["shapely+pandas"][0] / results["nofly"][0]
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "scaled_end_to_end.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))
    assert same, f"event sets differ: nofly {len(ours)}, shapely {len(theirs)}"


if __name__ == "__main__":
    main()
