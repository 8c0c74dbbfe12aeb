#!/usr/bin/env python3
"""Short replies delivered in 112 bits, checked against pyModeS: every short frame (DF0-15) of the
real long_flight recording is re-delivered as a Beast long frame with 56 trailing zero bits (a
derived copy made here, not kept); `nofly decode` of that copy must give, for each message, the
downlink format, address, altitude (DF0/4) and identity (DF5) that pyModeS 2.x decodes from the
original 56-bit frame, and lose none of the messages nofly decodes from the original.

Usage: tests/peers/short_replies_112.py NOFLY_BINARY
"""
import gzip, json, os, subprocess, sys, tempfile

import pyModeS as pms

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binary = sys.argv[1]
recording = os.path.join(root, "data", "modes", "long_flight.csv.gz")
lines = gzip.open(recording, "rt").read().splitlines()
short, padded = {}, []
for number, line in enumerate(lines, start=1):  # decode's `record` is the line number, from 1
    time, frame = line.split(",")
    if frame.startswith("1a32"):  # Beast short frame: type, 6 bytes of clock, 1 of signal, 7
        short[number] = frame[18:]
        padded.append(f"{time},1a33{frame[4:]}00000000000000")
    else:
        padded.append(line)


def decode(path):
    out = subprocess.run([binary, "decode", path, "--receiver", "43.63,1.37"], check=True, capture_output=True, text=True)
    return [json.loads(l) for l in out.stdout.splitlines()]


with tempfile.TemporaryDirectory() as tmp:
    copy = os.path.join(tmp, "long_flight_112.csv")
    open(copy, "w").write("\n".join(padded) + "\n")
    ours = decode(copy)
original = decode(recording)
checked, wrong = 0, []
for m in ours:
    frame = short.get(m["record"])
    if frame is None:
        continue
    checked += 1
    df = pms.df(frame)
    expected = {"df": df, "icao24": pms.icao(frame).lower()}
    if df in (0, 4):
        expected["altitude"] = pms.altcode(frame)
    if df == 5:
        expected["squawk"] = pms.idcode(frame)
    got = {k: m.get(k) for k in expected}
    if got != expected:
        wrong.append((m["record"], frame, got, expected))
lost = len(original) - len(ours)
print(f"{len(short)} short frames re-delivered in 112 bits: {checked} messages decoded, "
      f"{len(wrong)} differ from pyModeS on the 56-bit frame, {lost} fewer than from the original")
for w in wrong[:10]:
    print("  differs:", w)
sys.exit(0 if checked > 50_000 and not wrong and lost == 0 else 1)
