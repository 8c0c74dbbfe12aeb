#!/usr/bin/env python3
"""How much warning nofly's predicted entries give, from the events of a `nofly replay --predict`
run: for every ENTER, the time between the PREDICTED_ENTRY that announced it (the first of the
uninterrupted run of predictions for that aircraft and zone) and the entry itself; and how many
predictions never materialised (cleared, or still open at the end, without an ENTER).

Precision as well as recall: the predictions that materialised among all made, and the false ones
per aircraft-hour of traffic (from the replay's SQLite tracks: last seen minus first seen).

Usage: bench/prediction_report.py EVENTS.jsonl [STORE.db]
       bench/prediction_report.py --long-flight [NOFLY_BINARY]
       bench/prediction_report.py --kaliningrad [NOFLY_BINARY]   (after `make demo` once)
The second form places synthetic zones (named so) along the real long_flight trajectory, Toulouse
to Amsterdam: 10 km circles every 100 km of its track, centred on it or 8 km or 25 km to the side
(entered, clipped, missed), replays the recording with --predict against them and reports.
"""
import datetime, json, statistics, sys


def ms(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def long_flight(binary):
    import math, os, subprocess, tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    recording = os.path.join(root, "data", "modes", "long_flight.csv.gz")
    out = subprocess.run([binary, "decode", recording, "--receiver", "43.63,1.37"], check=True, capture_output=True, text=True)
    track = [(d["lat"], d["lon"]) for d in map(json.loads, out.stdout.splitlines())
             if d.get("icao24") == "486257" and "lat" in d and not d.get("on_ground")]
    zones, travelled, last = [], 0.0, track[0]
    for lat, lon in track:
        dy = (lat - last[0]) * 111_195
        dx = (lon - last[1]) * 111_195 * math.cos(math.radians(lat))
        travelled += math.hypot(dx, dy)
        if travelled >= 100_000:
            travelled = 0.0
            heading = math.atan2(dx, dy)
            side = [0, 8_000, 25_000][len(zones) % 3]
            # `side` metres to the right of the track (heading is clockwise from north).
            clat = lat - side * math.sin(heading) / 111_195
            clon = lon + side * math.cos(heading) / (111_195 * math.cos(math.radians(lat)))
            zones.append({"type": "Feature", "properties": {"id": f"SYNTH-{len(zones)}", "kind": "custom", "radius_m": 10_000},
                          "geometry": {"type": "Point", "coordinates": [clon, clat]}})
        last = (lat, lon)
    with tempfile.TemporaryDirectory() as tmp:
        zfile, efile = os.path.join(tmp, "zones.geojson"), os.path.join(tmp, "events.jsonl")
        json.dump({"type": "FeatureCollection", "features": zones}, open(zfile, "w"))
        db = os.path.join(tmp, "store.db")
        subprocess.run([binary, "replay", "--predict", "--zones", zfile, recording, "--receiver", "43.63,1.37", "--events", efile,
                        "--db", db], check=True, capture_output=True)
        print(f"{len(zones)} synthetic zones along the track", file=sys.stderr)
        return summarise(efile, db)


def kaliningrad(binary):
    """The real Kaliningrad sample against the demo's zones as published, and with their activation
    times removed (every crossing of a national border counts)."""
    import os, subprocess, tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cache = os.environ.get("NOFLY_CACHE", os.path.join(root, ".cache", "nofly"))
    sample = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    zones = json.load(open(os.path.join(root, "data", "zones", "kaliningrad-closures-2022.geojson")))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        always = os.path.join(tmp, "always-active.geojson")
        for f in zones["features"]:
            f["properties"].pop("active", None)
        json.dump(zones, open(always, "w"))
        for name, zfile in [("published", os.path.join(root, "data", "zones", "kaliningrad-closures-2022.geojson")),
                            ("always_active", always)]:
            efile, db = os.path.join(tmp, name + ".jsonl"), os.path.join(tmp, name + ".db")
            subprocess.run([binary, "replay", "--predict", "--zones", zfile, sample, "--events", efile, "--db", db],
                           check=True, capture_output=True)
            out[name] = summarise(efile, db)
            # Hours actually in the air and heard (gaps over ten minutes left out), from the sample.
            import pyarrow.parquet as pq
            t = pq.read_table(sample, columns=["time", "icao24", "onground"]).to_pandas()
            t = t[~t["onground"].fillna(False).astype(bool)].sort_values(["icao24", "time"])
            seconds = t.groupby("icao24")["time"].diff().dt.total_seconds() if hasattr(t["time"], "dt") else t.groupby("icao24")["time"].diff()
            airborne = seconds[seconds <= 600].sum() / 3600
            out[name]["airborne_hours_heard"] = round(float(airborne), 1)
            out[name]["false_predictions_per_airborne_hour"] = round(out[name]["predictions_never_materialised"] / airborne, 4)
    return out


def aircraft_hours(db):
    import sqlite3
    rows = sqlite3.connect(db).execute("SELECT first_seen, last_seen FROM tracks").fetchall()
    return sum(ms(last) - ms(first) for first, last in rows) / 3_600_000


def summarise(path, db=None):
    events = [json.loads(line) for line in open(path)]
    announced = {}  # (icao, zone) -> time of the first announcement still standing
    warnings, unannounced, unfulfilled = [], 0, 0
    predictions = 0
    for e in events:
        key = (e["icao24"], e["zone_id"])
        if e["kind"] == "predicted_entry":
            predictions += key not in announced
            announced.setdefault(key, ms(e["time"]))
        elif e["kind"] == "prediction_cleared":
            if announced.pop(key, None) is not None:
                unfulfilled += 1
        elif e["kind"] == "enter":
            start = announced.pop(key, None)
            if start is None:
                unannounced += 1
            else:
                warnings.append((ms(e["time"]) - start) / 1000)
    unfulfilled += len(announced)
    enters = len(warnings) + unannounced
    report = {"enters": enters, "announced_enters": len(warnings), "unannounced_enters": unannounced,
              "predictions": predictions, "predictions_never_materialised": unfulfilled,
              "precision": round((predictions - unfulfilled) / predictions, 3) if predictions else None}
    if db:
        hours = aircraft_hours(db)
        report["aircraft_hours"] = round(hours, 1)
        report["false_predictions_per_aircraft_hour"] = round(unfulfilled / hours, 3) if hours else None
    if warnings:
        warnings.sort()
        report["warning_median_s"] = statistics.median(warnings)
        report["warning_p10_s"] = statistics.quantiles(warnings, n=10)[0] if len(warnings) > 1 else warnings[0]
        report["warning_min_s"], report["warning_max_s"] = warnings[0], warnings[-1]
    return report


def main():
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/nofly"
    if sys.argv[1] == "--long-flight":
        print(json.dumps(long_flight(binary), indent=1))
    elif sys.argv[1] == "--kaliningrad":
        print(json.dumps(kaliningrad(binary), indent=1))
    else:
        print(json.dumps(summarise(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None), indent=1))


if __name__ == "__main__":
    main()
