#!/usr/bin/env python3
"""Whole-process benchmark: the Kaliningrad sample (Parquet → events) through `nofly replay` and
through the plain shapely 2 + pyarrow + pandas pipeline of tests/crosscheck/shapely_events.py, which
applies the same rules. Checks that both find the same events, then reports wall time (best of N),
reports/s and peak RSS, and the ratio.

Usage: bench/end_to_end.py [NOFLY_BINARY] [CACHE_DIR] [RUNS]
"""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONES = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")


def run(cmd):
    """Wall time, peak RSS (KiB) and standard output of one child process. The RSS is GNU time's
    of the command itself: `wait4` on a child forked from this process would also count what this
    Python process holds (the synthetic tables of the scaled benchmarks)."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        t = time.perf_counter()
        status = subprocess.call(["/usr/bin/time", "-f", "%M", *cmd], stdout=out, stderr=err)
        wall = time.perf_counter() - t
        err.seek(0)
        lines = err.read().strip().splitlines()
        assert status == 0, f"{cmd[0]} failed: {lines[-20:]}"
        out.seek(0)
        return wall, int(lines[-1]), out.read()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    parquet = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    if not os.path.exists(parquet):
        sys.exit(f"{parquet} missing: run `make demo` first")
    nofly_cmd = [binary, "replay", "--zones", ZONES, parquet]
    shapely_cmd = [sys.executable, os.path.join(ROOT, "tests", "crosscheck", "shapely_events.py"), ZONES, parquet]
    results = {}
    for name, cmd in (("nofly", nofly_cmd), ("shapely+pandas", shapely_cmd)):
        walls, rss, stdout = [], 0, ""
        for _ in range(runs):
            wall, peak, stdout = run(cmd)
            walls.append(wall)
            rss = max(rss, peak)
        results[name] = (min(walls), rss, stdout)
    ours = sorted("\t".join([e["kind"], e["time"], e["icao24"], e["zone_id"]]) for e in map(json.loads, results["nofly"][2].splitlines()))
    theirs = results["shapely+pandas"][2].splitlines()
    assert len(ours) == len(theirs), f"event counts differ: {len(ours)} vs {len(theirs)}"
    reports = 527_313
    print(f"{'pipeline':<16} {'best wall s':>12} {'reports/s':>12} {'peak RSS MiB':>13}")
    for name, (wall, rss, _) in results.items():
        print(f"{name:<16} {wall:>12.3f} {reports / wall:>12,.0f} {rss / 1024:>13.0f}")
    print(f"ratio: nofly is {results['shapely+pandas'][0] / results['nofly'][0]:.1f}x faster end to end ({len(ours)} events each)")


if __name__ == "__main__":
    main()
