#!/usr/bin/env python3
"""ASTERIX decoding speed of nofly against asterix_decoder (C++ with a Python binding) and
libasterix (pure Python), on the same records, in records per second on one core.

The input is the real records of asterix_decoder's sample capture cat_034_048.pcap (CAT034 and
CAT048 of two Croatian radars; GPL, fetched with pip by tests/peers/asterix_decoder_peer.py's
helpers, never committed), their UDP payloads written end to end as a raw block file and repeated
to make the run long enough to time (a synthetic repetition of real records).

- nofly: crates/asterix/benches/decode.rs, blocks split, records measured and read into targets
  and service messages (the fields nofly uses).
- asterix_decoder: asterix.parse(bytes, verbose=False), every item decoded into dicts.
- libasterix: RawDatablock.parse of each block, then its records parsed with the category's UAP
  (CAT034 1.29, CAT048 1.31), structure only: no value read, so less work than the others.

Each is timed in its own process, best of five runs; startup is not counted.
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "peers"))
import asterix_decoder_peer as peer  # noqa: E402

REPEAT = 400

TIMED = r"""
import sys, time, json
data = open(sys.argv[1], 'rb').read()
which = sys.argv[2]
if which == 'asterix_decoder':
    import asterix
    def run():
        return len(asterix.parse(data, verbose=False))
else:
    from asterix.base import RawDatablock, Bits
    import asterix.generated as gen
    uaps = {34: gen.Cat_034_1_29, 48: gen.Cat_048_1_31}
    def run():
        # One block at a time: RawDatablock.parse recurses once a block and overflows Python's
        # stack on a long file.
        n = at = 0
        while at < len(data):
            end = at + int.from_bytes(data[at + 1:at + 3], 'big')
            for db in RawDatablock.parse(Bits.from_bytes(data[at:end])):
                records = uaps[db.get_category()].cv_uap.parse(db.get_raw_records())
                assert not isinstance(records, ValueError), records
                n += len(records)
            at = end
        return n
best = float('inf')
for _ in range(5):
    t = time.perf_counter()
    n = run()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"records": n, "seconds": best, "records_per_s": n / best}))
"""


def venv(cache, name, packages):
    python = cache / f"venv-{name}" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages], check=True)
    return python


def main():
    cache = peer.cache_dir()
    samples = peer.samples(cache)
    decoder_python = peer.peer_python(cache)
    lib_python = venv(cache, "libasterix", ["libasterix==0.36.3"])
    payloads = subprocess.run([str(decoder_python), "-c", (
        "import dpkt,sys\n"
        "out=open(sys.argv[2],'wb')\n"
        "for _,buf in dpkt.pcap.Reader(open(sys.argv[1],'rb')):\n"
        "    out.write(bytes(dpkt.ethernet.Ethernet(buf).data.data.data))\n"),
        str(samples / "cat_034_048.pcap"), str(cache / "cat_034_048.blocks")], check=True)
    one = (cache / "cat_034_048.blocks").read_bytes()
    path = cache / "asterix-bench.blocks"
    path.write_bytes(one * REPEAT)
    env = dict(os.environ, NOFLY_ASTERIX_BENCH=str(path))
    ours = subprocess.run(["taskset", "-c", "0", "cargo", "bench", "--quiet", "-p", "nofly-asterix", "--bench", "decode"],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    results = {"nofly": json.loads(ours.strip().splitlines()[-1])}
    for name, python in [("asterix_decoder", decoder_python), ("libasterix", lib_python)]:
        out = subprocess.run(["taskset", "-c", "0", str(python), "-c", TIMED, str(path), name],
                             check=True, capture_output=True, text=True).stdout
        results[name] = json.loads(out)
    counts = {r["records"] for r in results.values()}
    if len(counts) != 1:
        sys.exit(f"the decoders read different numbers of records: {results}")
    print(f"{counts.pop():,} records ({len(path.read_bytes()):,} bytes), records per second, one core:")
    for name, r in results.items():
        ratio = results["nofly"]["records_per_s"] / r["records_per_s"]
        print(f"  {name:16} {r['records_per_s']:>14,.0f}   nofly is {ratio:,.1f}x")


if __name__ == "__main__":
    main()
