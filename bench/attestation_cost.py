#!/usr/bin/env python3
"""What witnesses and time-stamps cost: `nofly replay` of the Kaliningrad sample (zones without
activation, so that there are many events) into an evidence log with a checkpoint after every entry,
without attestation, with 1 and 3 local `nofly witness` processes, and with a local RFC 3161 TSA
(tests/evidence/tsa_server.py, `openssl ts -reply` per request). Reports time and bytes added per
checkpoint, checkpoints per second a witness cosigns (HTTP, proof check and fsynced state
included), and the size of a bundle and of its proofs and time-stamps.

Usage: bench/attestation_cost.py [NOFLY_BINARY] [CACHE_DIR] [RUNS]
"""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZONES = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")


def start(cmd, marker, stream="stderr"):
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pipe = p.stderr if stream == "stderr" else p.stdout
    for line in pipe:
        if marker in line:
            return p, line
    raise SystemExit(f"{cmd[0]} did not start")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "nofly")
    cache = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("NOFLY_CACHE", os.path.join(ROOT, ".cache", "nofly"))
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    parquet = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([binary, "keygen", "--dir", work, "--name", "bench.test/log"], check=True, stdout=subprocess.DEVNULL)
        area = os.path.join(work, "area.geojson")
        fc = json.load(open(ZONES))
        for f in fc["features"]:
            f["properties"].pop("active", None)
        json.dump(fc, open(area, "w"))
        procs, witness_urls = [], []
        for i in range(3):
            d = os.path.join(work, f"w{i}")
            subprocess.run([binary, "keygen", "--dir", d, "--name", f"w{i}.bench", "--witness"], check=True, stdout=subprocess.DEVNULL)
            p, line = start([binary, "witness", "--key", os.path.join(d, "witness.key"), "--log", os.path.join(work, "nofly.pub"),
                             "--state", os.path.join(d, "state.json"), "--listen", "127.0.0.1:0"], "listening on")
            procs.append((p, os.path.join(d, "state.json")))
            witness_urls.append(line.split("listening on ")[1].split(" ")[0].rstrip("/"))
        tsa, line = start([sys.executable, os.path.join(ROOT, "tests/evidence/tsa_server.py"), os.path.join(work, "tsa"), "ec"], "port", "stdout")
        tsa_url = f"http://127.0.0.1:{line.split()[1]}"
        modes = {
            "no attestation": [],
            "1 witness": ["--witness", witness_urls[0]],
            "3 witnesses": sum((["--witness", u] for u in witness_urls), []),
            "1 TSA (openssl ts)": ["--tsa", tsa_url],
        }
        results = {}
        try:
            for name, extra in modes.items():
                best = float("inf")
                for r in range(runs):
                    log = os.path.join(work, f"{len(results)}-{r}.log")
                    # Witnesses remember the log: a fresh key name per run would be another log, so
                    # each run's log is new and the witnesses are told of it from size 0 again by
                    # restarting them with empty state.
                    for i, (p, state) in enumerate(procs):
                        p.terminate(); p.wait()
                        if os.path.exists(state):
                            os.remove(state)
                        d = os.path.dirname(state)
                        p2, line = start([binary, "witness", "--key", os.path.join(d, "witness.key"), "--log", os.path.join(work, "nofly.pub"),
                                          "--state", state, "--listen", witness_urls[i].split("//")[1]], "listening on")
                        procs[i] = (p2, state)
                    t = time.perf_counter()
                    subprocess.run([binary, "replay", "--zones", area, "--events", os.path.join(work, "e.jsonl"), "--evidence-log", log,
                                    "--key", os.path.join(work, "nofly.key"), "--checkpoint-every", "1", *extra, parquet],
                                   check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
                    best = min(best, time.perf_counter() - t)
                lines = open(log).read().splitlines()
                cps = [l for l in lines if l.startswith('{"checkpoint"')]
                enter = next(e for e in map(json.loads, open(os.path.join(work, "e.jsonl"))) if e["kind"] == "enter")
                bundle = os.path.join(work, f"b{len(results)}.json")
                subprocess.run([binary, "evidence", enter["id"], "--log", log, "--key", os.path.join(work, "nofly.key"), "--out", bundle],
                               check=True, stderr=subprocess.DEVNULL)
                b = json.load(open(bundle))
                results[name] = dict(time=best, checkpoints=len(cps), cp_bytes=sum(len(l) + 1 for l in cps) / len(cps),
                                     bundle=os.path.getsize(bundle), proofs=sum(len(b[k]["proof"]) for k in ("event", "run", "zone")),
                                     timestamps=len(json.dumps(b.get("timestamps", []))))
        finally:
            for p, _ in procs:
                p.terminate()
            tsa.terminate()
    base = results["no attestation"]
    for name, r in results.items():
        added = (r["time"] - base["time"]) / r["checkpoints"] * 1000
        line = (f"{name:20s} replay {r['time']:.3f} s, {r['checkpoints']} checkpoints: {added:+.3f} ms and "
                f"{r['cp_bytes'] - base['cp_bytes']:+.0f} bytes per checkpoint ({r['cp_bytes']:.0f} bytes each); bundle {r['bundle']} bytes "
                f"(tlog-proofs {r['proofs']}, time-stamps {r['timestamps']})")
        if name == "1 witness" and added > 0:
            line += f"; a witness cosigns {1000 / added:.0f} checkpoints/s"
        print(line)


if __name__ == "__main__":
    main()
