#!/usr/bin/env python3
"""Emitter categories checked against pyModeS: every identification message (DF17/18, TC 1-4) of the
real LAX AVR recording that nofly decodes must carry the category pyModeS reads from the same frame
(set from the type code: 4 A, 3 B, 2 C, 1 D; number from `pms.adsb.category`), and every one that
pyModeS reads with a good CRC must be among them.

Usage: tests/peers/emitter_category.py NOFLY_BINARY
"""
import gzip, json, os, subprocess, sys

import pyModeS as pms

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1]
recording = os.path.join(root, "data", "modes", "lax-messages.txt.gz")
frames = [l.strip().strip("*;") for l in gzip.open(recording, "rt") if l.startswith("*")]

theirs = {}
for number, frame in enumerate(frames, start=1):
    if len(frame) != 28 or pms.df(frame) not in (17, 18) or pms.crc(frame) != 0:
        continue
    tc = pms.typecode(frame)
    if tc is not None and 1 <= tc <= 4:
        theirs[number] = "DCBA"[tc - 1] + str(pms.adsb.category(frame))

out = subprocess.run([binary, "decode", recording], check=True, capture_output=True, text=True)
ours = {}
for line in out.stdout.splitlines():
    m = json.loads(line)
    if "category" in m:
        ours[m["record"]] = m["category"]

differ = [(n, ours[n], theirs.get(n)) for n in ours if ours[n] != theirs.get(n)]
missing = [n for n in theirs if n not in ours]
print(f"emitter categories: {len(ours)} identification messages decoded, {len(theirs)} read by pyModeS with a good CRC; "
      f"{len(differ)} differ, {len(missing)} missing; sets {sorted(set(ours.values()))}")
if differ or missing or len(ours) < 2000:
    print("first differences:", differ[:5], "missing:", missing[:5])
    sys.exit(1)
print("emitter category check: ok")
