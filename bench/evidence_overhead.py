#!/usr/bin/env python3
"""Cost of the signed evidence log: `nofly replay` of the Kaliningrad sample with and without
--evidence-log (best of N), with the published zones and with activation removed (more events), and
the log's size.

Usage: bench/evidence_overhead.py [NOFLY_BINARY] [CACHE_DIR] [RUNS]
"""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONES = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    parquet = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([binary, "keygen", "--dir", work], check=True, stdout=subprocess.DEVNULL)
        area = os.path.join(work, "area.geojson")
        fc = json.load(open(ZONES))
        for f in fc["features"]:
            f["properties"].pop("active", None)
        json.dump(fc, open(area, "w"))
        log, events = os.path.join(work, "e.log"), os.path.join(work, "e.jsonl")
        for name, zones in (("published zones", ZONES), ("zones without activation", area)):
            best = {}
            for mode in ("plain", "evidence"):
                best[mode] = float("inf")
                for _ in range(runs):
                    for f in (log, events):
                        if os.path.exists(f):
                            os.remove(f)
                    cmd = [binary, "replay", "--zones", zones, "--events", events, parquet]
                    if mode == "evidence":
                        cmd += ["--evidence-log", log, "--key", os.path.join(work, "nofly.key")]
                    t = time.perf_counter()
                    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
                    best[mode] = min(best[mode], time.perf_counter() - t)
            n = sum(1 for _ in open(events))
            lines = open(log).read().splitlines()
            event_bytes = sum(len(l) + 1 for l in lines if '"type":"event"' in l)
            print(f"{name}: {n} events; replay {best['plain']:.4f} s, with evidence log {best['evidence']:.4f} s "
                  f"(+{100 * (best['evidence'] / best['plain'] - 1):.1f} %); log {os.path.getsize(log)} bytes, "
                  f"{event_bytes / max(n, 1):.0f} bytes per event entry")


if __name__ == "__main__":
    main()
