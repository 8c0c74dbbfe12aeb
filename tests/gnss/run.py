"""`nofly gnss` on real data: the spoofed flight of the `traffic` package's noisy_spoofing sample
(THY9BP, 2024-09-17, Istanbul to the Baltic over Romania, Ukraine and Poland) must be flagged, and
only where the spoofing is; the clean recordings must stay NORMAL (negative controls).

The sample is read from the traffic-2.13 source archive that `nofly demo` keeps in the cache
(checksum-pinned here) and written as OpenSky CSV (knots, feet and ft/min converted to SI).

Usage: python3 tests/gnss/run.py path/to/nofly CACHE_DIR
"""

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMBER = "traffic-2.13/src/traffic/data/samples/noisy/noisy_spoofing.json.gz"
MEMBER_SHA256 = "28c4c8587177c28ac18c91b78bda84682b2e3d82989e471098cda7aa6c2cbaf6"


def spoofing_csv(cache, path):
    with tarfile.open(os.path.join(cache, "traffic-2.13.tar.gz")) as archive:
        raw = archive.extractfile(MEMBER).read()
    assert hashlib.sha256(raw).hexdigest() == MEMBER_SHA256, "noisy_spoofing.json.gz changed"
    columns = json.loads(gzip.decompress(raw))
    n = len(columns["timestamp"])

    def num(value, scale=1.0):
        return "" if value is None else repr(value * scale)

    with open(path, "w") as f:
        f.write("time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,baroaltitude\n")
        for i in map(str, range(n)):
            c = {k: v[i] for k, v in columns.items()}
            f.write(
                f"{c['timestamp'] / 1000},{c['icao24']},{num(c['latitude'])},{num(c['longitude'])},"
                f"{num(c['groundspeed'], 1852 / 3600)},{num(c['track'])},{num(c['vertical_rate'], 0.3048 / 60)},"
                f"{c['callsign'] or ''},False,{num(c['altitude'], 0.3048)}\n"
            )
    return n


def gnss(binary, inputs, out):
    run = subprocess.run([binary, "gnss", *inputs, "--out", out], capture_output=True, text=True, check=True)
    with open(out) as f:
        return run.stdout, json.load(f)["features"]


def replay_gnss(binary, inputs, work):
    zones = os.path.join(ROOT, "data/zones/kaliningrad-closures-2022.geojson")
    run = subprocess.run([binary, "replay", "--zones", zones, "--gnss=suspect", *inputs],
                         capture_output=True, text=True, check=True)
    return [json.loads(line) for line in run.stdout.splitlines()]


def main():
    binary, cache = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        csv = os.path.join(work, "noisy_spoofing.csv")
        rows = spoofing_csv(cache, csv)
        pngs = os.path.join(work, "maps")
        stdout, cells = gnss(binary, [csv, "--png-dir", pngs], os.path.join(work, "spoofing.geojson"))
        with open(os.path.join(pngs, "cells-2024-09-17.png"), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", "the daily map is a PNG"
        raised = [f["properties"] for f in cells if f["properties"]["state"] != "NORMAL"]
        assert raised, f"the spoofed flight is not flagged:\n{stdout}"
        centres = []
        for f in cells:
            if f["properties"]["state"] == "NORMAL":
                continue
            ring = f["geometry"]["coordinates"][0][:-1]
            centres.append((sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)))
        # Where the spoofing is: the flight at FL380 reporting 51 kt and circling near Lviv.
        for lat, lon in centres:
            assert 49.0 < lat < 50.5 and 23.0 < lon < 25.0, f"a cell flagged outside the spoofed area: {lat:.2f}, {lon:.2f}"
        print(f"noisy_spoofing: {rows} rows, {len(raised)} cell windows flagged, all within 49-50.5 N, 23-25 E:")
        print("  " + "\n  ".join(stdout.strip().splitlines()))

        # Live: the same flight through `replay --gnss=suspect`: the areas become zones, only there.
        events = replay_gnss(binary, [csv], work)
        starts = [e for e in events if e["kind"] == "interference_start"]
        assert starts, "replay --gnss=suspect raised no interference area"
        for e in starts:
            assert e["icao24"] is None and e["zone_id"] == "gnss-" + e["cell"], e
            assert 49.0 < e["lat"] < 50.5 and 23.0 < e["lon"] < 25.0, f"an area outside the spoofed one: {e}"
        area_ids = {e["zone_id"] for e in starts}
        entries = [e for e in events if e["kind"] == "enter" and e["zone_id"] in area_ids]
        assert entries and all(e["callsign"] == "THY9BP" for e in entries), entries
        ends = [e for e in events if e["kind"] == "interference_end"]
        print(f"replay --gnss=suspect: {len(starts)} areas started at {sorted({e['time'] for e in starts})}, "
              f"{len(ends)} ended, {len(entries)} entries of THY9BP into them")

        for name, inputs in [
            ("long_flight (Toulouse-Amsterdam, raw Mode S)", [os.path.join(ROOT, "data/modes/long_flight.csv.gz")]),
            ("lax-messages (Los Angeles, AVR)", [os.path.join(ROOT, "data/modes/lax-messages.txt.gz")]),
            ("readsb samples (Arizona)", [os.path.join(ROOT, "data/samples/readsb/aircraft_1.json"), os.path.join(ROOT, "data/samples/readsb/json_2.json")]),
        ]:
            stdout, cells = gnss(binary, inputs, os.path.join(work, "control.geojson"))
            raised = [f for f in cells if f["properties"]["state"] != "NORMAL"]
            assert not raised, f"{name}: a clean recording raised cells:\n{stdout}"
            areas = [e for e in replay_gnss(binary, inputs, work) if e["kind"].startswith("interference")]
            assert not areas, f"{name}: replay --gnss=suspect raised areas: {areas}"
            print(f"{name}: every cell NORMAL, no area raised by replay --gnss=suspect")
    print("gnss checks: ok")


if __name__ == "__main__":
    main()
