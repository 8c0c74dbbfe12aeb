#!/usr/bin/env python3
"""A day of readsb globe_history (issue 18): tens of thousands of overlapping trace files.

The input is synthetic, made from the real Kaliningrad sample: each flight of it (an aircraft's
reports on one UTC day) thinned to every 20th report and copied under new addresses, each copy
moved to start somewhere in one day, one gzipped readsb trace file (`trace_full_<hex>.json.gz`)
per copy, as readsb's globe_history keeps a day. The day is replayed by `nofly replay` against
the Kaliningrad zones; the time and peak RSS (GNU time) are written down.

Usage: bench/globe_history_day.py [NOFLY_BINARY] [CACHE_DIR] [WORK_DIR] [FILES]
Writes bench/results/globe_history_day.json.
"""
import gzip, json, os, subprocess, sys

import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from end_to_end import ROOT, ZONES  # noqa: E402

DAY = 86_400


def flights(source):
    """(address, [(unix seconds, lat, lon, baro ft)]) of each aircraft-day, thinned."""
    t = pq.read_table(source, columns=["time", "icao24", "lat", "lon", "baroaltitude"])
    t = t.take(pc.sort_indices(t, sort_keys=[("icao24", "ascending"), ("time", "ascending")]))
    d = t.to_pydict()
    out, key, points = [], None, []
    for i in range(t.num_rows):
        lat, lon = d["lat"][i], d["lon"][i]
        if lat is None or lon is None or lat != lat:
            continue
        secs = d["time"][i].timestamp() if hasattr(d["time"][i], "timestamp") else float(d["time"][i])
        k = (d["icao24"][i], int(secs // DAY))
        if k != key:
            if points:
                out.append((key[0], points[::20]))
            key, points = k, []
        alt = d["baroaltitude"][i]
        points.append((secs, lat, lon, None if alt is None or alt != alt else alt / 0.3048))
    if points:
        out.append((key[0], points[::20]))
    return [f for f in out if len(f[1]) >= 10]


def make_day(source, work, files):
    os.makedirs(work, exist_ok=True)
    if len(os.listdir(work)) >= files:
        return
    base = flights(source)
    day0 = 1_700_000_000 // DAY * DAY
    for n in range(files):
        _, points = base[n % len(base)]
        first = points[0][0]
        start = day0 + (n * 7919) % (DAY - 4 * 3600)  # spread over the day
        trace = [[round(t - first, 3), lat, lon, None if a is None else round(a), None, None, 0, None, None]
                 for t, lat, lon, a in points]
        doc = {"icao": f"{0x200000 + n:06x}", "timestamp": start, "trace": trace}
        with gzip.open(os.path.join(work, f"trace_full_{0x200000 + n:06x}.json.gz"), "wt", compresslevel=1) as f:
            json.dump(doc, f, separators=(",", ":"))


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/nofly-globe-history-day"
    files = int(sys.argv[4]) if len(sys.argv) > 4 else 50_000
    source = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    if not os.path.exists(source):
        sys.exit(f"{source} missing: run `make demo` first")
    make_day(source, work, files)
    size = sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work))
    results = {"files": files, "bytes_on_disk": size, "runs": []}
    for threads in (1, os.cpu_count() or 1):
        cmd = ["/usr/bin/time", "-f", "%e %M", binary, "replay", "--zones", ZONES,
               "--threads", str(threads), "--events", "/dev/null", work]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr[-2000:])
        elapsed, rss_kib = p.stderr.strip().splitlines()[-1].split()
        reports = next(int(l.split()[1]) for l in p.stderr.splitlines() if l.strip().startswith("reports ") and l.split()[1].isdigit())
        run = {"threads": threads, "seconds": float(elapsed), "peak_rss_mib": int(rss_kib) / 1024, "reports": reports}
        results["runs"].append(run)
        print(json.dumps(run))
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "globe_history_day.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
