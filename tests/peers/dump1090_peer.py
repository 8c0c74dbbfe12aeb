#!/usr/bin/env python3
"""Real-peer test: Debian's dump1090-mutability demodulates a real I/Q recording
(data/modes/modes1_uc8_2400ksps_resampled.bin) with its network outputs bound to 127.0.0.1; nofly
connects to its Beast port and decodes, while this script records dump1090's own SBS output. nofly
must decode from Beast the same aircraft and every position dump1090 reports on SBS.

The samples go to dump1090 through its standard input, and only once both clients are connected, so
that nothing is sent before anyone listens. Prints 'N passed, N failed'.

Usage: dump1090_peer.py NOFLY_BINARY
"""
import json, os, shutil, socket, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "data", "modes", "modes1_uc8_2400ksps_resampled.bin")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def main():
    nofly = sys.argv[1]
    exe = shutil.which("dump1090-mutability")
    if not exe:
        print("dump1090-mutability is not installed (scripts/test.sh installs it with apt-get)")
        print("0 passed, 1 failed")
        sys.exit(1)
    beast_port, sbs_port = free_port(), free_port()
    dump = subprocess.Popen(
        [exe, "--ifile", "-", "--net", "--net-bind-address", "127.0.0.1", "--net-bo-port", str(beast_port),
         "--net-sbs-port", str(sbs_port), "--net-ro-port", "0", "--net-ri-port", "0", "--net-bi-port", "0",
         "--net-http-port", "0", "--quiet"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    sbs = connect(sbs_port, deadline)
    decoder = subprocess.Popen([nofly, "decode", f"beast://127.0.0.1:{beast_port}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sbs_lines = []

    def read_sbs():
        buf = b""
        while True:
            chunk = sbs.recv(65536)
            if not chunk:
                break
            buf += chunk
        sbs_lines.extend(buf.decode().splitlines())

    reader = threading.Thread(target=read_sbs)
    reader.start()
    # Wait until nofly is connected (dump1090 accepts before it reads its input).
    time.sleep(1.5)
    dump.stdin.write(open(SAMPLES, "rb").read())
    dump.stdin.close()
    out, err = decoder.communicate(timeout=60)
    reader.join(timeout=30)
    dump.wait(timeout=30)

    passed = failed = 0

    def check(name, ok, detail):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(("ok      " if ok else "FAILED  ") + f"{name}: {detail}")

    theirs = [(float(f[14]), float(f[15])) for f in (l.split(",") for l in sbs_lines) if len(f) > 15 and f[1] == "3" and f[14]]
    their_aircraft = {f[4].lower() for f in (l.split(",") for l in sbs_lines) if len(f) > 4 and f[0] == "MSG"}
    messages = [json.loads(l) for l in out.splitlines()]
    ours = [(m["lat"], m["lon"]) for m in messages if "lat" in m]
    our_aircraft = {m["icao24"] for m in messages}
    check("dump1090 produced output", len(theirs) > 50, f"{len(sbs_lines)} SBS lines, {len(theirs)} positions")
    check("same aircraft", their_aircraft <= our_aircraft, f"dump1090 {sorted(their_aircraft)}, nofly {sorted(our_aircraft)}")
    missing = [t for t in theirs if not any(abs(t[0] - o[0]) <= 6e-6 and abs(t[1] - o[1]) <= 6e-6 for o in ours)]
    check("every dump1090 position decoded by nofly from Beast", not missing, f"{len(theirs) - len(missing)} of {len(theirs)}; nofly {len(ours)} positions; missing {missing[:3]}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
