#!/usr/bin/env python3
"""nofly's ASTERIX decoder against an independent one, field by field, on real captures.

The peer is asterix_decoder (Croatia Control's C++ decoder with its Python binding, from PyPI),
in a virtual environment of its own under $NOFLY_CACHE (libasterix installs a package of the same
name, `asterix`). The captures are the sample data inside asterix_decoder's source distribution:
GPL-licensed, so fetched here at test time with pip and never committed. UDP payloads are taken
out of the pcap files by dpkt, not by nofly's reader.

No CAT021 capture ships with it: 200 synthetic CAT021 2.6 records (named so, from a fixed seed)
are decoded by both too.

Every record both decoders read is compared on the fields nofly uses: source, time of day, kind
of detection, simulated flag, position (polar or WGS-84), Mode A, flight level, geometric height,
address, callsign, track number, ground speed and track, vertical rate, on-ground, and for CAT034
and CAT065 the message type, sector and time. Any difference, or a record count that differs,
fails the test.

Usage: asterix_decoder_peer.py NOFLY_BINARY
"""
import json
import math
import os
import pathlib
import subprocess
import sys
import tarfile

VERSION = "0.7.11"
CAPTURES = ["cat_034_048.pcap", "cat_062_065.pcap", "cat048.raw", "cat062cat065.raw"]

PEER = r"""
import asterix, dpkt, json, sys
path = sys.argv[1]
data = open(path, 'rb').read()
if path.endswith('.pcap'):
    payloads = [bytes(dpkt.ethernet.Ethernet(buf).data.data.data) for _, buf in dpkt.pcap.Reader(open(path, 'rb'))]
else:
    payloads = [data]
out = []
for p in payloads:
    out.extend(asterix.parse(p, verbose=False))
json.dump(out, sys.stdout, default=str)
"""


def cache_dir():
    root = pathlib.Path(os.environ.get("NOFLY_CACHE", ".cache/nofly")).resolve() / "asterix_decoder"
    root.mkdir(parents=True, exist_ok=True)
    return root


def peer_python(cache):
    venv = cache / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"asterix_decoder=={VERSION}", "dpkt==1.9.8"], check=True)
    return python


def samples(cache):
    folder = cache / "samples"
    if not all((folder / c).exists() for c in CAPTURES):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--disable-pip-version-check", "-d", str(cache), f"asterix_decoder=={VERSION}"], check=True)
        folder.mkdir(exist_ok=True)
        with tarfile.open(cache / f"asterix_decoder-{VERSION}.tar.gz") as tar:
            for member in tar.getmembers():
                if "/install/sample_data/" in member.name and member.isfile():
                    (folder / pathlib.Path(member.name).name).write_bytes(tar.extractfile(member).read())
    return folder


def synthetic_cat021(path):
    """Writes 200 synthetic CAT021 2.6 records (no real CAT021 capture ships with asterix_decoder):
    source, descriptor, track number, time, high-resolution position, address, geometric height,
    Mode A, flight level, barometric vertical rate, ground vector and callsign, from a fixed seed."""
    import random
    rng = random.Random(21)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code = lambda c: ord(c) - 64 if c.isalpha() else ord(c)
    out = bytearray()
    for _ in range(200):
        r = bytearray([0xEB, 0x11, 0x4B, 0x29, 0x80])
        r += bytes([25, 50, 0x09, rng.choice([0x00, 0x40])])
        r += rng.randrange(4096).to_bytes(2, "big")
        r += rng.randrange(86400 * 128).to_bytes(3, "big")
        r += rng.randrange(-2**29, 2**29).to_bytes(4, "big", signed=True)
        r += rng.randrange(-2**30, 2**30).to_bytes(4, "big", signed=True)
        r += rng.randrange(2**24).to_bytes(3, "big")
        r += rng.randrange(-240, 8000).to_bytes(2, "big", signed=True)
        r += rng.randrange(4096).to_bytes(2, "big")
        r += rng.randrange(-60, 6000).to_bytes(2, "big", signed=True)
        r += (rng.randrange(-2**14, 2**14) & 0x7FFF).to_bytes(2, "big")
        r += rng.randrange(2**15).to_bytes(2, "big") + rng.randrange(2**16).to_bytes(2, "big")
        text = "".join(rng.choice(letters) for _ in range(3)) + str(rng.randrange(10000)).ljust(5)
        bits = 0
        for c in text:
            bits = bits << 6 | (32 if c == " " else code(c))
        r += bits.to_bytes(6, "big")
        out += bytes([21]) + (len(r) + 3).to_bytes(2, "big") + r
    path.write_bytes(bytes(out))


def val(item, *path):
    """A value of asterix_decoder's output: item, then sub-fields, then 'val'; None if absent."""
    v = item
    for key in path:
        if not isinstance(v, dict) or key not in v:
            return None
        v = v[key]
    return v.get("val") if isinstance(v, dict) else None


KIND_048 = {0: "no_detection", 1: "primary", 2: "ssr", 3: "ssr_primary", 4: "mode_s", 5: "mode_s",
            6: "mode_s_primary", 7: "mode_s_primary"}


def expected(r):
    """What nofly should say of asterix_decoder's record `r`, as (field, value) pairs."""
    cat = r["category"]
    e = [("sac", val(r, "I010", "SAC")), ("sic", val(r, "I010", "SIC"))]
    octal = lambda s: None if s is None else int(s, 8)
    hexa = lambda s: None if s is None else int(s, 16)
    text = lambda s: None if s is None or not s.strip() else s.strip()
    if cat == 48:
        stat = val(r, "I230", "STAT")
        e += [("time_of_day_s", val(r, "I140", "ToD")),
              ("kind", KIND_048.get(val(r, "I020", "TYP"), "no_detection")),
              ("simulated", bool(val(r, "I020", "SIM"))),
              ("position.range_nm", val(r, "I040", "RHO")),
              ("position.azimuth_deg", val(r, "I040", "THETA")),
              ("mode_a", octal(val(r, "I070", "Mode3A"))),
              ("flight_level", val(r, "I090", "FL")),
              ("address", hexa(val(r, "I220", "ACAddr"))),
              ("callsign", text(val(r, "I240", "TId"))),
              ("track_number", val(r, "I161", "Tn")),
              ("ground_speed_kt", val(r, "I200", "CGS")),
              ("track_deg", val(r, "I200", "CHdg")),
              ("on_ground", None if stat is None else {0: False, 2: False, 1: True, 3: True}.get(stat))]
    elif cat == 34:
        # asterix_decoder scales I034/120 by 0.00002145767, 180/2^23 rounded to 10 digits: undo
        # the rounding to compare the exact value.
        exact = lambda v: None if v is None else v / 0.00002145767 * 180 / 2**23
        e += [("message_type", val(r, "I000", "MsgTyp")), ("time_of_day_s", val(r, "I030", "ToD")),
              ("sector_deg", val(r, "I020", "Azi")), ("rotation_period_s", val(r, "I041", "RotS")),
              ("site.height_m", val(r, "I120", "Height")), ("site.lat", exact(val(r, "I120", "LAT"))),
              ("site.lon", exact(val(r, "I120", "Lon")))]
    elif cat == 62:
        vx, vy = val(r, "I185", "Vx"), val(r, "I185", "Vy")
        fl = val(r, "I136", "MFL")
        if fl is None:
            fl = val(r, "I135", "CTBA")
        e += [("time_of_day_s", val(r, "I070", "ToT")),
              ("position.lat", val(r, "I105", "Lat")), ("position.lon", val(r, "I105", "Lon")),
              ("mode_a", octal(val(r, "I060", "Mode3A"))),
              ("flight_level", None if fl is None else fl / 100),
              ("geometric_height_ft", val(r, "I130", "Alt")),
              ("address", hexa(val(r, "I380", "ADR", "ADR"))),
              ("callsign", text(val(r, "I380", "ID", "ACID"))),
              ("track_number", val(r, "I040", "TrkN")),
              ("ground_speed_kt", None if vx is None else math.hypot(vx, vy) * 3600 / 1852),
              ("track_deg", None if vx is None else math.degrees(math.atan2(vx, vy)) % 360),
              ("vertical_rate_fpm", val(r, "I220", "RoC")),
              ("simulated", bool(val(r, "I080", "SIM")))]
    elif cat == 21:
        ground = val(r, "I040", "GBS")
        gs = val(r, "I160", "GS")
        e += [("time_of_day_s", val(r, "I071", "time_applicability_position")),
              ("position.lat", val(r, "I131", "Lat")), ("position.lon", val(r, "I131", "Lon")),
              ("address", hexa(val(r, "I080", "TAddr"))),
              ("geometric_height_ft", val(r, "I140", "geometric_height")),
              ("mode_a", octal(val(r, "I070", "Mode3A"))),
              ("flight_level", val(r, "I145", "FL")),
              ("vertical_rate_fpm", val(r, "I155", "BVR")),
              ("ground_speed_kt", None if gs is None else gs * 3600),
              ("track_deg", val(r, "I160", "TA")),
              ("callsign", text(val(r, "I170", "TId"))),
              ("track_number", val(r, "I161", "TrackN")),
              ("on_ground", None if ground is None else bool(ground)),
              ("simulated", bool(val(r, "I040", "SIM")))]
    elif cat == 65:
        e += [("message_type", val(r, "I000", "Typ")), ("time_of_day_s", val(r, "I030", "ToD"))]
    return e


def field(ours, name):
    v = ours
    for key in name.split("."):
        v = v.get(key) if isinstance(v, dict) else None
    return v


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def main():
    nofly = sys.argv[1]
    cache = cache_dir()
    python = peer_python(cache)
    folder = samples(cache)
    synthetic_cat021(cache / "synthetic-cat021-2.6.blocks")
    compared = mismatches = 0
    for capture in CAPTURES + ["../synthetic-cat021-2.6.blocks"]:
        path = folder / capture
        theirs = json.loads(subprocess.run([str(python), "-c", PEER, str(path)], check=True,
                                           capture_output=True, text=True).stdout)
        run = subprocess.run([nofly, "decode", str(path)], check=True, capture_output=True, text=True)
        ours = [json.loads(line) for line in run.stdout.splitlines()]
        if len(ours) != len(theirs):
            sys.exit(f"{capture}: nofly decoded {len(ours)} records, asterix_decoder {len(theirs)}")
        fields = 0
        for i, (o, t) in enumerate(zip(ours, theirs)):
            if o["category"] != t["category"]:
                sys.exit(f"{capture} record {i}: category {o['category']} against {t['category']}")
            for name, want in expected(t):
                got = field(o, name)
                if want is None and got is None:
                    continue
                fields += 1
                if not same(got, want):
                    mismatches += 1
                    print(f"{capture} record {i} (CAT{t['category']:03}) {name}: nofly {got!r}, asterix_decoder {want!r}")
        compared += fields
        print(f"{capture}: {len(ours)} records, {fields} fields compared")
    if mismatches:
        sys.exit(f"{mismatches} of {compared} fields differ")
    print(f"asterix_decoder {VERSION}: all {compared} fields agree")


if __name__ == "__main__":
    main()
