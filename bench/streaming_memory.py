#!/usr/bin/env python3
"""Streaming replay at scale (issue 18): peak memory and rate as the input grows.

The input is synthetic, made from the real Kaliningrad sample: its rows sorted by time, then
copied again and again, each copy 13 days after the one before (the same 49 aircraft flying the
same routes again), one Parquet file per copy as an archive of daily files would be. 10 M, 100 M and
500 M reports are the first 19, 190 and 949 files. Each set goes through `nofly replay` with one
and with every thread; the peak RSS should stay flat (bounded by the aircraft and the inputs'
windows, not by the length of the recording).

Usage: bench/streaming_memory.py [NOFLY_BINARY] [CACHE_DIR] [WORK_DIR] [SIZES]
SIZES: comma-separated report counts (default 10000000,100000000,500000000).
Writes bench/results/streaming_memory.json and bench/streaming_memory.png.
"""
import json, math, os, sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from end_to_end import ROOT, ZONES, run  # noqa: E402

SHIFT_NS = 13 * 86_400 * 10**9


def make_copies(source, work, copies):
    """Writes copy_00000.parquet … (once each); returns their paths and rows per copy."""
    os.makedirs(work, exist_ok=True)
    table = None
    paths = []
    for k in range(copies):
        path = os.path.join(work, f"copy_{k:05d}.parquet")
        paths.append(path)
        if os.path.exists(path):
            continue
        if table is None:
            table = pq.read_table(source)
            table = table.take(pc.sort_indices(table, sort_keys=[("time", "ascending")]))
            times = table.column("time").cast(pa.int64())
        shifted = pc.add(times, k * SHIFT_NS).cast(table.schema.field("time").type)
        copy = table.set_column(table.schema.get_field_index("time"), "time", shifted)
        pq.write_table(copy, path + ".part", row_group_size=128 * 1024)
        os.replace(path + ".part", path)
    rows = pq.ParquetFile(paths[0]).metadata.num_rows
    return paths, rows


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/nofly-streaming-bench"
    sizes = [int(s) for s in (sys.argv[4] if len(sys.argv) > 4 else "10000000,100000000,500000000").split(",")]
    source = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    if not os.path.exists(source):
        sys.exit(f"{source} missing: run `make demo` first")
    rows = pq.ParquetFile(source).metadata.num_rows
    paths, rows = make_copies(source, work, math.ceil(max(sizes) / rows))
    cores = os.cpu_count() or 1
    results = []
    for size in sizes:
        files = paths[: math.ceil(size / rows)]
        for threads in sorted({1, cores}):
            events = os.path.join(work, "events.jsonl")
            cmd = [binary, "replay", "--zones", ZONES, "--threads", str(threads), "--events", events, *files]
            wall, rss_kib, _ = run(cmd)
            with open(events) as f:
                count = sum(1 for _ in f)
            reports = rows * len(files)
            results.append({"reports": reports, "files": len(files), "threads": threads, "wall_s": round(wall, 3),
                            "reports_per_s": round(reports / wall), "peak_rss_mib": round(rss_kib / 1024, 1),
                            "events": count})
            print(f"{reports:>12,} reports in {len(files):>4} files, {threads} thread(s): {wall:8.2f} s, "
                  f"{reports / wall / 1e6:6.2f} M reports/s, peak RSS {rss_kib / 1024:7.1f} MiB, {count} events", flush=True)
    out = os.path.join(ROOT, "bench", "results", "streaming_memory.json")
    with open(out, "w") as f:
        json.dump({"machine_cores": cores, "rows_per_file": rows, "runs": results}, f, indent=1)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for threads in sorted({r["threads"] for r in results}):
        pts = [(r["reports"] / 1e6, r["peak_rss_mib"]) for r in results if r["threads"] == threads]
        ax.plot(*zip(*pts), marker="o", label=f"{threads} thread(s)")
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("reports replayed (millions, synthetic copies of the Kaliningrad sample)")
    ax.set_ylabel("peak RSS (MiB)")
    ax.set_title("nofly replay: memory against input length")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "bench", "streaming_memory.png"), dpi=100)


if __name__ == "__main__":
    main()
