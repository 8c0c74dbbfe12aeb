#!/usr/bin/env python3
"""An independent verifier of nofly evidence bundles, written from docs/evidence.md alone: hashlib and
the `cryptography` package, no code shared with nofly.

Usage: verify_bundle.py BUNDLE VERIFIER_KEY_FILE_OR_TEXT (the log's C2SP verifier key, name+id+key)
Prints one line per check and exits 1 if any fails. The detection is re-checked independently for the
triggering report: inside the zone now (shapely, altitude band, activation) and, for an ENTER, not
inside at the aircraft's previous position (for an EXIT, the reverse).
"""
import base64
import hashlib
import json
import math
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from reference_rules import FT_PER_M, active_at, limit_ft, ms  # noqa: E402


# --- RFC 8785 ---------------------------------------------------------------------------------
def es6_number(x):
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("not representable in JSON")
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    sign = "-" if x < 0 else ""
    mantissa, _, exp = repr(abs(x)).partition("e")
    exp = int(exp) if exp else 0
    ip, _, fp = mantissa.partition(".")
    digits = (ip + fp).lstrip("0")
    n = (len(ip.lstrip("0")) if ip.strip("0") else -(len(fp) - len(fp.lstrip("0")))) + exp
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    es = ("+" if e >= 0 else "-") + str(abs(e))
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + es


def canonical(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return es6_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda s: s.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


# --- RFC 6962 / 9162 --------------------------------------------------------------------------
def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def verify_inclusion(index, size, leaf, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- the rules of docs/semantics.md, for one report ---------------------------------------------
def reports(raw):
    """(record, time_ms, icao, lat, lon, baro_ft or None, on_ground) of every record with a position."""
    out = []
    header = raw.get("header", "").split(",") if raw.get("header") else None
    for r in raw["records"]:
        if raw["format"] == "sbs":
            f = r["text"].split(",")
            if f[0] != "MSG" or len(f) < 16 or not f[14] or not f[15]:
                continue
            if f[6] and f[7]:
                t = ms(f[6].replace("/", "-") + "T" + f[7] + "+00:00")
            else:
                t = r["carried_time_ms"]
            alt = float(f[11]) if f[11] else None
            ground = len(f) > 21 and f[21] in ("-1", "1")
            out.append((r["record"], t, f[4].lower(), float(f[14]), float(f[15]), alt, ground))
        else:
            if raw["format"] == "opensky-csv":
                import csv
                row = dict(zip([h.strip('"') for h in header], next(csv.reader([r["text"]]))))
            else:
                row = json.loads(r["text"])
            lat, lon = row.get("lat"), row.get("lon")
            if lat in (None, "") or lon in (None, ""):
                continue
            baro = row.get("baroaltitude")
            alt = float(baro) * FT_PER_M if baro not in (None, "") else None
            ground = str(row.get("onground")).lower() in ("true", "1")
            out.append((r["record"], round(float(row["time"]) * 1000), row["icao24"].lower(), float(lat), float(lon), alt, ground))
    return out


def inside(zone, rep):
    import shapely
    from shapely.geometry import shape
    props, geom = zone["properties"], zone["geometry"]
    _, t, _, lat, lon, alt, ground = rep
    if not active_at(props.get("active"), t):
        return False
    lower, upper = limit_ft(props.get("lower"), -math.inf), limit_ft(props.get("upper"), math.inf)
    if ground:
        if lower > 0:
            return False
    elif alt is not None and not (lower <= alt <= upper):
        return False
    if geom["type"] == "Point":
        from pyproj import Geod
        _, _, d = Geod(ellps="WGS84").inv(geom["coordinates"][0], geom["coordinates"][1], lon, lat)
        return d <= props["radius_m"]
    return bool(shapely.intersects_xy(shape(geom), lon, lat))


# --- C2SP signed-note, tlog-checkpoint, tlog-proof ------------------------------------------------
def read_vkey(text):
    name, key_id, key = text.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    assert raw[0] == 1 and len(raw) == 33, "an Ed25519 log key is type 0x01 and 32 bytes"
    assert sha256(name.encode() + b"\n" + raw)[:4].hex() == key_id, "the key id does not match"
    return name, bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])


def read_proof(text):
    """Returns (index, hashes, checkpoint body, signature lines) of a c2sp.org/tlog-proof@v1 text."""
    head, _, note = text.partition("\n\n")
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1", "not a tlog-proof"
    lines = lines[1:]
    if lines and lines[0].startswith("extra "):
        lines = lines[1:]
    assert lines[0].startswith("index ")
    index = int(lines[0][6:])
    hashes = [base64.b64decode(h, validate=True) for h in lines[1:]]
    cut = note.rindex("\n\n")
    return index, hashes, note[: cut + 1], note[cut + 2 :].splitlines()


def main():
    bundle = json.load(open(sys.argv[1]))
    arg = sys.argv[2]
    name, key_id, key = read_vkey(open(arg).read() if os.path.exists(arg) else arg)
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(("ok      " if ok else "FAILED  ") + name + (": " + detail if detail else ""))

    def signed(message, signature):
        try:
            key.verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False

    proofs = [read_proof(bundle[n]["proof"]) for n in ("event", "run", "zone")]
    body, sigs = proofs[0][2], proofs[0][3]
    check("one checkpoint", all(p[2] == body for p in proofs))
    origin, size, root_b64 = body.split("\n")[:3]
    size, root = int(size), base64.b64decode(root_b64, validate=True)
    log_signed = False
    for line in sigs:
        signer, _, sig = line.removeprefix("\u2014 ").partition(" ")
        raw = base64.b64decode(sig)
        if signer == name and raw[:4] == key_id and signed(body.encode(), raw[4:]):
            log_signed = True
    check("checkpoint signature", origin == name and log_signed, f"{origin}, {size} entries")
    unsigned = {k: v for k, v in bundle.items() if k != "signature"}
    check("bundle signature", signed(("nofly evidence bundle v2\n" + canonical(unsigned)).encode(), bytes.fromhex(bundle.get("signature", ""))))
    for n, (index, hashes, _, _) in zip(("event", "run", "zone"), proofs):
        e = bundle[n]
        leaf = leaf_hash(canonical(e["record"]).encode())
        check(f"{n} entry in the signed log", index == e["index"] and verify_inclusion(e["index"], size, leaf, hashes, root), f"entry {e['index']} of {size}")
    ev = bundle["event"]["record"]["event"]
    id_text = f"{ev['kind']}|{ms(ev['time'])}|{ev['icao24']}|{ev['zone_id']}|{ev['zone_version']}" + (f"|{ev['same_instant']}" if ev.get("same_instant") else "")
    check("event id", sha256(id_text.encode())[:16].hex() == ev["id"], ev["id"])
    zone = bundle["zone"]["record"]
    version = sha256(canonical(zone["definition"]).encode())[:16].hex()
    check("zone definition", version == zone["version"] == ev["zone_version"] and zone["id"] == ev["zone_id"], f"{zone['id']} {version}")
    if bundle["raw"]["format"] in ("beast", "avr", "modes-hex"):
        # Re-checking would need a Mode S decoder; this verifier stays with what docs/evidence.md fully
        # specifies here. nofly verify re-runs these.
        print("skipped independent re-check of the detection: raw Mode S records are not decoded by this verifier")
        passed, failed = sum(results), len(results) - sum(results)
        print(f"{passed} passed, {failed} failed")
        sys.exit(1 if failed else 0)
    reps = sorted((r for r in reports(bundle["raw"]) if r[2] == ev["icao24"]), key=lambda r: r[1])
    trigger = [i for i, r in enumerate(reps) if r[0] == ev["source"]["record"]]
    ok = False
    if trigger:
        i = trigger[0]
        now = inside(zone["definition"], reps[i])
        before = inside(zone["definition"], reps[i - 1]) if i > 0 else False
        ok = reps[i][1] == ms(ev["time"]) and (now and not before if ev["kind"] == "enter" else before and not now)
    check("independent re-check of the detection", ok, f"{len(reps)} position reports, triggering record {ev['source']['record']}")
    passed, failed = sum(results), len(results) - sum(results)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
