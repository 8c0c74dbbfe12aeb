#!/usr/bin/env python3
"""A local RFC 3161 time-stamping authority for the tests, made with `openssl ts -reply`.

Usage: tsa_server.py DIR [rsa|ec]
Creates in DIR a test CA (ca.crt) and a TSA certificate (tsa.crt, extended key usage timeStamping,
critical) signed by it, with an RSA-2048 or ECDSA P-256 key, then serves POST requests of
application/timestamp-query on 127.0.0.1 at a free port, answering each with `openssl ts -reply`.
Prints "port N" on standard output once it listens. The CA and the TSA are synthetic: test only.
"""
import http.server
import os
import subprocess
import sys
import tempfile

DIR = os.path.abspath(sys.argv[1])
KIND = sys.argv[2] if len(sys.argv) > 2 else "rsa"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, cwd=DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_pki():
    os.makedirs(DIR, exist_ok=True)
    key = ["-newkey", "rsa:2048"] if KIND == "rsa" else ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.crt", "-subj", "/CN=nofly synthetic test CA", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    openssl("req", *key, "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN=nofly synthetic test TSA {KIND}")
    with open(os.path.join(DIR, "tsa.ext"), "w") as f:
        f.write("extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n")
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "tsa.crt", "-days", "2", "-extfile", "tsa.ext")
    with open(os.path.join(DIR, "tsaserial"), "w") as f:
        f.write("01\n")
    with open(os.path.join(DIR, "tsa.cnf"), "w") as f:
        f.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {DIR}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/ca.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with tempfile.TemporaryDirectory() as t:
            q, r = os.path.join(t, "q.tsq"), os.path.join(t, "r.tsr")
            open(q, "wb").write(query)
            done = subprocess.run(["openssl", "ts", "-reply", "-config", os.path.join(DIR, "tsa.cnf"),
                                   "-queryfile", q, "-out", r], capture_output=True)
            if done.returncode != 0:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(done.stderr)
                return
            reply = open(r, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    make_pki()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()
