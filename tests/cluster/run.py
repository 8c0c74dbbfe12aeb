#!/usr/bin/env python3
"""nofly on a cluster with the real NATS JetStream and PostgreSQL, on the Kaliningrad OpenSky sample
(527,313 reports, the demo's zones): one ingester and W workers must store exactly the events of one
`nofly replay` (checked with 3 workers in `make test`). With --bench, the throughput through NATS
with 1, 2 and 4 workers on this machine: reports/s from the first worker's start until every event
is stored and every partition's reports are taken (each worker logs when it has read its
partitions up to the end of the stream).

Usage: python3 tests/cluster/run.py path/to/nofly CACHE_DIR [--bench]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZONES = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")
NATS = "nats://127.0.0.1:4222"
PG = "postgres://postgres@127.0.0.1:5432/test"
PARTITIONS = 4


def psql(sql):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-tAc", sql],
                          capture_output=True, text=True, check=True).stdout


def split(workers):
    """Partitions 0..3 over `workers` workers, as --partitions lists."""
    return [",".join(str(p) for p in range(PARTITIONS) if p % workers == w) for w in range(workers)]


def run_cluster(binary, parquet, workers, expected, work):
    unique = f"k{os.getpid()}_{time.time_ns()}"
    stream = ["--stream", f"S_{unique}", "--subject-prefix", f"r_{unique}"]
    subprocess.run([binary, "zones", "publish", ZONES, "--to", NATS, "--bucket", f"z_{unique}"],
                   check=True, capture_output=True)
    ingest = subprocess.run([binary, "ingest", "--source", parquet, "--to", NATS, "--partitions", str(PARTITIONS), *stream],
                            check=True, capture_output=True, text=True)
    started = time.perf_counter()
    procs = [subprocess.Popen([binary, "watch", "--source", NATS, "--partitions", parts, *stream,
                               "--zone-bucket", f"z_{unique}", "--pg", PG, "--pg-schema", unique,
                               "--events", os.devnull],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"{unique}-{i}.log"), "w"))
             for i, parts in enumerate(split(workers))]
    try:
        deadline = time.time() + 300
        while True:
            try:
                n = int(psql(f"SELECT count(*) FROM {unique}.events").strip() or 0)
            except subprocess.CalledProcessError:
                n = 0
            logs = "".join(open(os.path.join(work, f"{unique}-{i}.log")).read() for i in range(workers))
            if n >= len(expected) and logs.count("state rebuilt from history") >= PARTITIONS:
                break
            assert time.time() < deadline, f"{workers} workers: {n} of {len(expected)} events after 300 s"
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            p.kill()
            p.wait()
    stored = sorted(psql(f"SELECT json FROM {unique}.events").splitlines())
    assert stored == expected, f"{workers} workers: the stored events differ from the replay's"
    psql(f"DROP SCHEMA {unique} CASCADE")
    return elapsed, ingest.stderr.strip().splitlines()[-1]


def main():
    binary, cache = sys.argv[1], sys.argv[2]
    bench = "--bench" in sys.argv[3:]
    parquet = os.path.join(cache, "opensky-kaliningrad-2022.parquet")
    replay = subprocess.run([binary, "replay", "--zones", ZONES, parquet], capture_output=True, text=True, check=True)
    expected = sorted(replay.stdout.splitlines())
    reports = 527313
    with tempfile.TemporaryDirectory() as work:
        for workers in ([1, 2, 4] if bench else [3]):
            elapsed, ingested = run_cluster(binary, parquet, workers, expected, work)
            print(f"{workers} worker(s): the {len(expected)} events of `nofly replay`, stored in {elapsed:.2f} s "
                  f"({reports / elapsed:.0f} reports/s through NATS); ingest: {ingested}")
    print("cluster checks: ok")


if __name__ == "__main__":
    main()
