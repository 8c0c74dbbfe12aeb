#!/usr/bin/env python3
"""nofly's checkpoints, consistency and inclusion proofs, tiles and cosignatures checked by verifiers
nofly did not write: Go's golang.org/x/mod/sumdb/note and sumdb/tlog (tests/evidence/go), and the
crates signed_note and tlog_tiles (tests/evidence/independent, a separate Cargo project). Then the
same verifiers must refuse a tampered log and tampered tiles.

Usage: independent_verifiers.py NOFLY_BIN
The log is made from the real recording data/samples/modes1_dump1090mut_30003.sbs against 300
synthetic circles (so that the tree has more than one level of tiles), with one witness.
Installs Debian's golang-go and golang-golang-x-mod-dev when they are missing (as root).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOFLY = os.path.abspath(sys.argv[1])
GO_ENV = dict(os.environ, GOPATH="/usr/share/gocode", GO111MODULE="off", GOCACHE=os.path.join(tempfile.gettempdir(), "nofly-gocache"))


def run(*args, ok=True, **kw):
    done = subprocess.run(args, capture_output=True, text=True, **kw)
    if ok and done.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done


def ensure_go():
    if shutil.which("go") and os.path.isdir("/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("Go and golang.org/x/mod are needed: apt-get install golang-go golang-golang-x-mod-dev")
    run("apt-get", "update", "-qq")
    run("apt-get", "install", "-y", "-qq", "golang-go", "golang-golang-x-mod-dev", env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def synthetic_circles(path):
    features = []
    for i in range(300):
        lon, lat = 12.0 + (i % 20) * 0.15, 36.0 + (i // 20) * 0.15
        features.append({"type": "Feature", "properties": {"id": f"SYNTH-{i:03d}", "name": f"Synthetic circle {i}", "kind": "restricted", "radius_m": 6000},
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    json.dump({"type": "FeatureCollection", "features": features}, open(path, "w"))


def go_verify(*args):
    return run("go", "run", os.path.join(ROOT, "tests/evidence/go/verify_log.go"), *args, ok=False, env=GO_ENV)


def rust_verify(*args):
    manifest = os.path.join(ROOT, "tests/evidence/independent/Cargo.toml")
    target = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "independent")
    return run("cargo", "run", "-q", "--manifest-path", manifest, "--", *args, ok=False, env=dict(os.environ, CARGO_TARGET_DIR=target))


def expect(done, passed, what):
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:], f"  <- {what}")
    if (done.returncode == 0) != passed:
        sys.exit(f"{what}: expected {'success' if passed else 'refusal'}\n{done.stdout}\n{done.stderr}")


def main():
    ensure_go()
    with tempfile.TemporaryDirectory() as d:
        run(NOFLY, "keygen", "--dir", d, "--name", "independent.test/nofly")
        run(NOFLY, "keygen", "--dir", os.path.join(d, "w"), "--name", "w.test", "--witness")
        witness = subprocess.Popen([NOFLY, "witness", "--key", os.path.join(d, "w/witness.key"), "--log", os.path.join(d, "nofly.pub"),
                                    "--state", os.path.join(d, "w/state.json"), "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        try:
            url = witness.stderr.readline().split("listening on ")[1].split(" ")[0].rstrip("/")
            zones, log, events = (os.path.join(d, n) for n in ("zones.geojson", "evidence.log", "events.jsonl"))
            synthetic_circles(zones)
            run(NOFLY, "replay", "--zones", zones, "--evidence-log", log, "--key", os.path.join(d, "nofly.key"), "--checkpoint-every", "100",
                "--events", events, "--witness", url, os.path.join(ROOT, "data/samples/modes1_dump1090mut_30003.sbs"))
        finally:
            witness.terminate()
        enter = next(e for e in map(json.loads, open(events)) if e["kind"] == "enter")
        bundle = os.path.join(d, "bundle.json")
        run(NOFLY, "evidence", enter["id"], "--log", log, "--key", os.path.join(d, "nofly.key"), "--out", bundle, "--window", "30")
        tiles = os.path.join(d, "tiles")
        run(NOFLY, "log-tiles", log, "--out", tiles)
        size = int(open(os.path.join(tiles, "checkpoint")).read().split("\n")[1])
        assert size > 256 and os.path.exists(os.path.join(tiles, "tile/1/000.p/1")), f"{size} entries: level 1 tiles are exercised"
        policy = os.path.join(d, "policy.txt")
        open(policy, "w").write(f"log {open(os.path.join(d, 'nofly.pub')).read().strip()}\nwitness W {open(os.path.join(d, 'w/witness.pub')).read().strip()}\nquorum W\n")

        done = go_verify(log, os.path.join(d, "nofly.pub"), NOFLY, bundle, policy)
        expect(done, True, f"Go x/mod note+tlog on a log of {size} entries and its bundle")
        assert "cosigned by 1 witnesses of the policy: W@" in done.stdout, done.stdout
        expect(rust_verify(tiles, os.path.join(d, "nofly.pub"), bundle), True, "signed_note + tlog_tiles on its tiles and bundle")

        # Tampering: one record changed (its leaf hash too), a checkpoint's root swapped, a tile bit flipped.
        lines = open(log).read().splitlines(True)
        i = next(n for n, l in enumerate(lines) if '"type":"event"' in l)
        tampered = os.path.join(d, "tampered.log")
        open(tampered, "w").writelines(lines[:i] + [lines[i].replace('"kind":"enter"', '"kind":"exit"', 1)] + lines[i + 1:])
        expect(go_verify(tampered, os.path.join(d, "nofly.pub"), NOFLY), False, "Go refuses a log with one record changed")
        cps = [n for n, l in enumerate(lines) if l.startswith('{"checkpoint"')]
        a, b = (json.loads(lines[n])["checkpoint"].split("\n")[2] for n in cps[:2])
        swapped = lines[:]
        swapped[cps[0]] = lines[cps[0]].replace(a, b)
        open(tampered, "w").writelines(swapped)
        expect(go_verify(tampered, os.path.join(d, "nofly.pub"), NOFLY), False, "Go refuses a checkpoint whose root was swapped")
        for tile in ("tile/0/000", "tile/1/000.p/1", "tile/entries/000"):
            path = os.path.join(tiles, tile)
            data = bytearray(open(path, "rb").read())
            data[len(data) // 2] ^= 0x04
            open(path, "wb").write(bytes(data))
            expect(rust_verify(tiles, os.path.join(d, "nofly.pub")), False, f"tlog_tiles refuses {tile} with a bit flipped")
            data[len(data) // 2] ^= 0x04
            open(path, "wb").write(bytes(data))
        expect(rust_verify(tiles, os.path.join(d, "w/witness.pub")), False, "signed_note refuses the checkpoint under another key")
    print("independent verifiers: all agree")


if __name__ == "__main__":
    main()
