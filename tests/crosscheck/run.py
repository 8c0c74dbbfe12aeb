#!/usr/bin/env python3
"""Cross-checks nofly against an independent shapely implementation on the real Kaliningrad sample:
with the zones as published (activation times) and with activation removed (every entry into the
areas, a much larger event set). Prints 'N passed, N failed'; exit 1 on any difference.

Usage: run.py NOFLY_BINARY CACHE_DIR
"""
import datetime, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ZONES = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")


def nofly_events(binary, zones, parquet, workdir):
    out = os.path.join(workdir, "events.jsonl")
    subprocess.run([binary, "replay", "--zones", zones, "--events", out, parquet], check=True, stderr=subprocess.DEVNULL)
    rows = []
    for line in open(out):
        e = json.loads(line)
        t = datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00"))
        rows.append("\t".join([e["kind"], str(round(t.timestamp() * 1000)), e["icao24"], e["zone_id"]]))
    return sorted(rows)


def shapely_events(zones, parquet):
    out = subprocess.run([sys.executable, os.path.join(HERE, "shapely_events.py"), zones, parquet], check=True, capture_output=True, text=True)
    return sorted(out.stdout.splitlines())


def main():
    binary, cache = sys.argv[1], sys.argv[2]
    parquet = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    if not os.path.exists(parquet):
        subprocess.run([binary, "demo", "--cache", cache, "--events", os.devnull, "--db", os.path.join(cache, "crosscheck.db")],
                       check=True, stdout=subprocess.DEVNULL)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        area_only = os.path.join(work, "area-only.geojson")
        fc = json.load(open(ZONES))
        for f in fc["features"]:
            f["properties"].pop("active", None)
        json.dump(fc, open(area_only, "w"))
        for name, zones in (("published zones", ZONES), ("areas without activation", area_only)):
            ours, theirs = nofly_events(binary, zones, parquet, work), shapely_events(zones, parquet)
            if ours == theirs:
                passed += 1
                print(f"ok: {name}: nofly and shapely agree on all {len(ours)} events")
            else:
                failed += 1
                only_ours = sorted(set(ours) - set(theirs))
                only_theirs = sorted(set(theirs) - set(ours))
                print(f"FAILED: {name}: {len(ours)} vs {len(theirs)} events; only nofly: {only_ours[:5]}; only shapely: {only_theirs[:5]}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
