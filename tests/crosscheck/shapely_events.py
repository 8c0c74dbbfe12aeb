#!/usr/bin/env python3
"""Independent re-implementation of nofly's ENTER/EXIT rules (docs/semantics.md) with shapely 2 and
pyarrow, used to cross-check nofly on real data.

Usage: shapely_events.py ZONES.geojson STATES.parquet > events.tsv
Prints one line per event: kind, time in ms, icao24, zone id, sorted.
"""
import json, os, sys

import numpy as np
import pyarrow.parquet as pq
import shapely
from shapely.geometry import shape

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reference_rules import FT_PER_M, limit_ft, ms  # noqa: E402


def main():
    zones_path, parquet_path = sys.argv[1], sys.argv[2]
    zones = []
    for f in json.load(open(zones_path))["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        shapely.prepare(geom)
        active = [(ms(a["from"]) if a.get("from") else -2**62, ms(a["to"]) if a.get("to") else 2**62) for a in p.get("active", [])]
        zones.append((p["id"], geom, limit_ft(p.get("lower"), -np.inf), limit_ft(p.get("upper"), np.inf), active))

    t = pq.read_table(parquet_path, columns=["time", "icao24", "lat", "lon", "onground", "baroaltitude"]).to_pandas()
    t = t[t.lat.notna() & t.lon.notna()].copy()
    t["ms"] = t.time.astype("int64") // 1_000_000
    t["order"] = np.arange(len(t))
    t = t.sort_values(["ms", "order"], kind="stable")
    alt = t.baroaltitude.to_numpy(dtype=float) * FT_PER_M
    ground = t.onground.fillna(False).to_numpy(dtype=bool)
    tms = t.ms.to_numpy()
    inside = np.zeros((len(t), len(zones)), dtype=bool)
    for j, (zid, geom, lower, upper, active) in enumerate(zones):
        horizontal = shapely.intersects_xy(geom, t.lon.to_numpy(), t.lat.to_numpy())  # boundary counts as inside
        unknown = np.isnan(alt) & ~ground
        vertical = unknown | (ground & (lower <= 0)) | (~ground & (lower <= alt) & (alt <= upper))
        on = np.ones(len(t), dtype=bool) if not active else np.zeros(len(t), dtype=bool)
        for a, b in active:
            on |= (a <= tms) & (tms < b)
        inside[:, j] = horizontal & vertical & on
    events = []
    icao = t.icao24.to_numpy()
    previous = {}
    for i in range(len(t)):
        now = inside[i]
        before = previous.get(icao[i])
        if before is None:
            before = np.zeros(len(zones), dtype=bool)
        if (now != before).any():
            for j in np.nonzero(before & ~now)[0]:
                events.append(("exit", int(tms[i]), icao[i], zones[j][0]))
            for j in np.nonzero(now & ~before)[0]:
                events.append(("enter", int(tms[i]), icao[i], zones[j][0]))
        previous[icao[i]] = now
    for e in sorted(events):
        print("\t".join(map(str, e)))


if __name__ == "__main__":
    main()
