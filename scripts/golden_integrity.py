"""Writes data/modes/golden_lax_integrity.jsonl.gz: the navigation integrity and accuracy fields of the
real LAX recording (data/modes/lax-messages.txt.gz) as pyModeS decodes them, for nofly's tests.

For every DF17 message with a good CRC, in recording order: operational status (TC 31: version,
NIC supplement A, NACp, and supplement C of surface status), target state (TC 29 subtype 1: NACp)
and airborne positions (TC 9-18: supplement B, and the NIC that pyModeS gives with the aircraft's
latest version and supplement A; combinations pyModeS leaves undefined are left out).

Usage: python3 scripts/golden_integrity.py   (needs pyModeS==2.22 from PyPI)
"""

import gzip
import io
import json
import os

import pyModeS as pms
from pyModeS.decoder import adsb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    status = {}  # icao -> (version, nic_a)
    out = []
    with gzip.open(os.path.join(ROOT, "data/modes/lax-messages.txt.gz"), "rt") as f:
        for line in f:
            msg = line.strip().strip("*;").upper()
            if len(msg) != 28 or pms.df(msg) != 17 or pms.crc(msg) != 0:
                continue
            tc = pms.typecode(msg)
            icao = pms.icao(msg).lower()
            bits = pms.hex2bin(msg)
            if tc == 31:
                version = adsb.version(msg)
                row = {"hex": msg, "tc": 31, "version": version}
                if version >= 1:
                    nic_a, _ = adsb.nic_a_c(msg)
                    row["nic_a"] = nic_a
                    row["nacp"] = adsb.nac_p(msg)[0]
                    status[icao] = (version, nic_a)
                else:
                    status[icao] = (version, 0)
                if version >= 2 and bits[37:40] == "001":
                    row["nic_c"] = adsb.nic_a_c(msg)[1]
                out.append(row)
            elif tc == 29 and bits[37:39] == "01":
                out.append({"hex": msg, "tc": 29, "nacp": adsb.nac_p(msg)[0]})
            elif 9 <= tc <= 18:
                row = {"hex": msg, "tc": tc, "nic_b": adsb.nic_b(msg)}
                version, nic_a = status.get(icao, (0, 0))
                row["version"] = version
                row["nic_a"] = nic_a
                if version == 2:
                    nic, _ = adsb.nic_v2(msg, nic_a, row["nic_b"])
                elif version == 1:
                    nic, _ = adsb.nic_v1(msg, nic_a)
                else:
                    nic = None
                if nic is not None:
                    row["nic"] = nic
                out.append(row)
    path = os.path.join(ROOT, "data/modes/golden_lax_integrity.jsonl.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8") as f:
        for row in out:
            f.write(json.dumps(row, sort_keys=True) + "\n")
    print(f"{len(out)} messages")


if __name__ == "__main__":
    main()
