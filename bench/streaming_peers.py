#!/usr/bin/env python3
"""Streaming replay against the tools a team would otherwise use on the same Parquet input and
zones: the shapely 2 + pandas pipeline of tests/crosscheck/shapely_events.py and DuckDB with its
spatial extension (bench/duckdb_peer.py), both applying the rules of docs/semantics.md. The event
sets are compared first; then wall time, reports/s and peak RSS (GNU time) of each, and the ratios.

Input: the first FILES files of bench/streaming_memory.py's synthetic set (the real Kaliningrad
sample sorted by time, copied 13 days apart); shapely reads one file, so it runs on the first only.

Usage: bench/streaming_peers.py [NOFLY_BINARY] [WORK_DIR] [FILES]
Writes bench/results/streaming_peers.json.
"""
import json, os, sys, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from end_to_end import ROOT, ZONES, run  # noqa: E402


def nofly_events(stdout):
    out = []
    for e in map(json.loads, stdout.splitlines()):
        t = round(datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() * 1000)
        out.append("\t".join([e["kind"], str(t), e["icao24"], e["zone_id"]]))
    return sorted(out)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    work = sys.argv[2] if len(sys.argv) > 2 else "/tmp/nofly-streaming-bench"
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    files = sorted(os.path.join(work, f) for f in os.listdir(work) if f.endswith(".parquet"))[:count]
    if not files:
        sys.exit(f"{work}: no Parquet files: run bench/streaming_memory.py first")
    import pyarrow.parquet as pq
    reports = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    cores = os.cpu_count() or 1
    runs = {
        "nofly, 1 thread": [binary, "replay", "--threads", "1", "--zones", ZONES, *files],
        f"nofly, {cores} threads": [binary, "replay", "--zones", ZONES, *files],
        "duckdb spatial": [sys.executable, os.path.join(ROOT, "bench", "duckdb_peer.py"), ZONES, *files],
    }
    if count == 1:
        runs["shapely+pandas"] = [sys.executable, os.path.join(ROOT, "tests", "crosscheck", "shapely_events.py"),
                                  ZONES, files[0]]
    results, expected = {}, None
    for name, cmd in runs.items():
        wall, rss, stdout = run(cmd)
        events = nofly_events(stdout) if name.startswith("nofly") else sorted(stdout.splitlines())
        expected = expected if expected is not None else events
        assert events == expected, f"{name}: {len(events)} events, not the same as nofly's {len(expected)}"
        results[name] = {"wall_s": round(wall, 3), "reports_per_s": round(reports / wall),
                         "peak_rss_mib": round(rss / 1024, 1)}
        print(f"{name:<18} {wall:8.2f} s {reports / wall / 1e6:8.3f} M reports/s {rss / 1024:8.0f} MiB", flush=True)
    base = results["nofly, 1 thread"]["wall_s"]
    for name, r in results.items():
        r["ratio_to_nofly_1_thread"] = round(r["wall_s"] / base, 1)
    summary = {"files": len(files), "reports": reports, "events": len(expected), "same_events": True, "runs": results}
    with open(os.path.join(ROOT, "bench", "results", "streaming_peers.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
