#!/usr/bin/env python3
"""nofly on a cluster with the real NATS JetStream and PostgreSQL, on the Kaliningrad OpenSky sample
(527,313 reports, the demo's zones): one ingester and W workers must store exactly the events of one
`nofly replay` (checked with 3 workers in `make test`, workers started after the ingester: they take the
stream's history). With --bench, the throughput through NATS with 1, 2 and 4 workers on this
machine, live: workers started first, then the ingester; reports/s from the ingester's start until
the last worker has taken its last report (workers run with --stop-when-idle).

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


def run_cluster(binary, parquet, workers, expected, work, live=False):
    unique = f"k{os.getpid()}_{time.time_ns()}"
    stream = ["--stream", f"S_{unique}", "--subject-prefix", f"r_{unique}"]
    subprocess.run([binary, "zones", "publish", ZONES, "--to", NATS, "--bucket", f"z_{unique}"],
                   check=True, capture_output=True)
    ingest_cmd = [binary, "ingest", "--source", parquet, "--to", NATS, "--partitions", str(PARTITIONS), *stream]
    idle = ["--stop-when-idle", "2"] if live else []
    start_workers = lambda: [subprocess.Popen([binary, "watch", "--source", NATS, "--partitions", parts, *stream,
                                               "--zone-bucket", f"z_{unique}", "--pg", PG, "--pg-schema", unique,
                                               "--events", os.devnull, *idle],
                                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"{unique}-{i}.log"), "w"))
                             for i, parts in enumerate(split(workers))]
    if live:
        procs = start_workers()
        time.sleep(1.5)
        started = time.perf_counter()
        ingest = subprocess.run(ingest_cmd, check=True, capture_output=True, text=True)
        for p in procs:
            p.wait(timeout=300)
        elapsed = time.perf_counter() - started - 2.0
        stored = sorted(psql(f"SELECT json FROM {unique}.events").splitlines())
        assert stored == expected, f"{workers} workers: {len(stored)} events stored, {len(expected)} replayed"
        psql(f"DROP SCHEMA {unique} CASCADE")
        return elapsed, ingest.stderr.strip().splitlines()[-1]
    ingest = subprocess.run(ingest_cmd, check=True, capture_output=True, text=True)
    started = time.perf_counter()
    procs = start_workers()
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
            elapsed, ingested = run_cluster(binary, parquet, workers, expected, work, live=bench)
            print(f"{workers} worker(s): the {len(expected)} events of `nofly replay`, stored in {elapsed:.2f} s "
                  f"({reports / elapsed:.0f} reports/s through NATS); ingest: {ingested}")
    print("cluster checks: ok")


if __name__ == "__main__":
    main()
