#!/usr/bin/env python3
"""Cost of the live GNSS interference monitor: `nofly replay` with and without --gnss (runs
interleaved, best and median of N), on the Kaliningrad OpenSky sample (no integrity fields, spoofing
signs only) and on the LAX AVR recording (raw Mode S, NIC and NACp decoded).

Usage: bench/gnss_overhead.py [NOFLY_BINARY] [CACHE_DIR] [RUNS]
"""
import os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    cases = [
        ("Kaliningrad OpenSky Parquet, 527,313 reports", os.path.join(ROOT, "data/zones/kaliningrad-closures-2022.geojson"),
         os.path.join(cache, "opensky-kaliningrad-2022.parquet")),
        ("LAX AVR, raw Mode S", os.path.join(ROOT, "data/zones/synthetic-la-demo.geojson"),
         os.path.join(ROOT, "data/modes/lax-messages.txt.gz")),
    ]
    for name, zones, data in cases:
        plain, gnss = [], []
        for _ in range(runs):
            plain.append(timed([binary, "replay", "--zones", zones, data]))
            gnss.append(timed([binary, "replay", "--zones", zones, "--gnss", data]))
        best = min(gnss) / min(plain) - 1
        median = statistics.median(gnss) / statistics.median(plain) - 1
        print(f"{name}: replay best {min(plain):.4f} s, median {statistics.median(plain):.4f} s; "
              f"with --gnss best {min(gnss):.4f} s (+{100 * best:.1f} %), median {statistics.median(gnss):.4f} s "
              f"(+{100 * median:.1f} %)")


if __name__ == "__main__":
    main()
