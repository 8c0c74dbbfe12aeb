#!/usr/bin/env python3
"""pyModeS on the same recordings as `cargo bench -p nofly-modes`: per message, the downlink format,
the address (CRC / parity), and for DF17/18 the type code and the fields of that type (callsign,
altitude, velocity, and the position from the CPR fields relative to a reference). Prints msg/s.

Usage: bench/decode_peers.py   (pip install "pyModeS<3": the 2.x API; 3.x renamed it)
"""
import gzip, os, time

import pyModeS as pms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def frames(name):
    out = []
    for line in gzip.open(os.path.join(ROOT, "data", "modes", name), "rt"):
        line = line.strip()
        if "," in line:
            out.append(line.split(",")[1][18:])
        elif line.startswith("*"):
            out.append(line[1:-1])
    return out


def decode_all(msgs):
    n = 0
    for m in msgs:
        df = pms.df(m)
        if df in (17, 18):
            if pms.crc(m) != 0:
                continue
            tc = pms.adsb.typecode(m)
            if 1 <= tc <= 4:
                pms.adsb.callsign(m)
            elif 5 <= tc <= 18 or 20 <= tc <= 22:
                pms.adsb.altitude(m) if tc >= 9 else None
                pms.adsb.position_with_ref(m, 43.63, 1.37)
            elif tc == 19:
                pms.adsb.velocity(m)
        elif df in (0, 4, 5, 11, 16, 20, 21):
            pms.icao(m)
            if df in (4, 20):
                pms.common.altcode(m)
            elif df in (5, 21):
                pms.common.idcode(m)
        n += 1
    return n


for name in ("long_flight.csv.gz", "lax-messages.txt.gz"):
    msgs = frames(name)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        decode_all(msgs)
        best = min(best, time.perf_counter() - t)
    print(f"pyModeS {pms.__version__ if hasattr(pms, '__version__') else ''} {name}: {len(msgs)} messages in {best:.2f} s = {len(msgs) / best:,.0f} msg/s")
