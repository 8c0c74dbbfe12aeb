#!/usr/bin/env python3
"""Scaling curves: the cost of a point query against the number of zones (1 to 100,000 synthetic
zones, nofly's index and shapely 2's STRtree on the same points), and the engine's throughput and
memory against the number of aircraft tracked at once (1 to 100,000 synthetic aircraft against the
real Kaliningrad zones, `nofly bench engine`). Writes bench/results/scaling.json and the plots
bench/scaling_zones.png and bench/scaling_aircraft.png.

Usage: bench/scaling.py [NOFLY_BINARY]
"""
import json, os, subprocess, sys, tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from geofence_peers import ROOT, KALININGRAD, OUT, points_for, run_nofly, run_shapely, synthetic, write_zones  # noqa: E402

COUNTS = [1, 10, 100, 1_000, 10_000, 100_000]


def zones_curve(binary):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in COUNTS:
            geoms = synthetic(n, 16, (-10, 35, 30, 65), 0.3, 10 + n)
            path = os.path.join(tmp, "zones.geojson")
            write_zones(geoms, path)
            points = 2_000_000
            lon, lat = points_for(geoms, points, 1)
            nf = run_nofly(binary, path, points, 1)
            sh = run_shapely(geoms, lon[:500_000], lat[:500_000])
            rows.append({"zones": n, "nofly_points_per_s": nf["points_per_s"], "nofly_build_s": nf["build_s"],
                         "shapely_points_per_s": sh["points_per_s"]})
            print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def aircraft_curve(binary):
    rows = []
    for n in COUNTS:
        out = subprocess.run([binary, "bench", "engine", "--zones", KALININGRAD, "--aircraft", str(n),
                              "--reports", "10000000", "--json"], check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout))
        print(out.stdout.strip(), file=sys.stderr)
    return rows


def plot(zones, aircraft):
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.loglog([r["zones"] for r in zones], [r["nofly_points_per_s"] for r in zones], "o-", label="nofly (cell grid)")
    ax.loglog([r["zones"] for r in zones], [r["shapely_points_per_s"] for r in zones], "s--", label="shapely 2 (STRtree)")
    ax.set_xlabel("zones (synthetic 16-gons over 40° × 30°)")
    ax.set_ylabel("point queries per second, one core")
    ax.set_title("Point-in-zone queries against the number of zones")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "bench", "scaling_zones.png"), dpi=110)
    fig, ax = plt.subplots(figsize=(6.4, 4))
    ax.semilogx([r["aircraft"] for r in aircraft], [r["reports_per_s"] / 1e6 for r in aircraft], "o-", color="C2")
    ax.set_xlabel("aircraft tracked at once (synthetic, 8 real Kaliningrad zones)")
    ax.set_ylabel("million reports per second, one core")
    ax.set_title("Detection engine throughput against concurrent aircraft")
    ax.set_ylim(bottom=0)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "bench", "scaling_aircraft.png"), dpi=110)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    zones = zones_curve(binary)
    aircraft = aircraft_curve(binary)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "scaling.json"), "w") as f:
        json.dump({"zones": zones, "aircraft": aircraft}, f, indent=1)
    plot(zones, aircraft)
    print("| zones | nofly points/s | shapely points/s | ratio |\n|---|---|---|---|")
    for r in zones:
        print(f"| {r['zones']:,} | {r['nofly_points_per_s']/1e6:.1f} M | {r['shapely_points_per_s']/1e6:.2f} M | {r['nofly_points_per_s']/r['shapely_points_per_s']:.0f}× |")
    print("\n| aircraft | reports/s | resident bytes per aircraft |\n|---|---|---|")
    for r in aircraft:
        print(f"| {r['aircraft']:,} | {r['reports_per_s']/1e6:.1f} M | {r['resident_bytes_per_aircraft']:.0f} |")


if __name__ == "__main__":
    main()
