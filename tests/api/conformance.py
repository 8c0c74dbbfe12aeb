"""The HTTP API against its own OpenAPI document, with schemathesis (property-based: it generates
requests from /api/openapi.json, valid and invalid, and checks the answers).

Starts `nofly serve` on the Kaliningrad zones with a write token, so that every operation exists,
and runs schemathesis with a fixed seed and the checks that hold for this API: no server error,
every status code documented, the documented content types and headers. (Its "schema-valid request
rejected" check is left out: an upload that is valid JSON but not a zone file is refused with 422
on purpose, and times are accepted in more spellings than RFC 3339 alone.)

Usage: python3 tests/api/conformance.py path/to/nofly
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    nofly = sys.argv[1]
    port = free_port()
    token = "conformance-token-0123456789"
    with tempfile.TemporaryDirectory() as work:
        token_file = os.path.join(work, "token")
        with open(token_file, "w") as f:
            f.write(token + "\n")
        zones = os.path.join(ROOT, "data", "zones", "kaliningrad-closures-2022.geojson")
        server = subprocess.Popen(
            [nofly, "serve", "--zones", zones, "--http", f"127.0.0.1:{port}", "--http-token-file", token_file],
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        sys.exit("nofly serve did not start")
                    time.sleep(0.2)
            result = subprocess.run(
                [
                    sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/openapi.json",
                    "--max-examples", "50", "--seed", "1",
                    "-H", f"Authorization: Bearer {token}",
                    "-c", "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance",
                ],
                capture_output=True,
                text=True,
            )
            summary = result.stdout[result.stdout.find("SUMMARY"):]
            print(summary if result.returncode == 0 else result.stdout)
            if result.returncode != 0:
                sys.exit("schemathesis found answers that do not conform to /api/openapi.json")
            print("api conformance: ok")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
