#!/bin/sh
# What `make bench` needs besides nofly: the Python peers (shapely 2, pyModeS, traffic with
# pandas < 3, psycopg, matplotlib) from PyPI, and PostGIS for the local PostgreSQL from Debian.
set -eu
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt -r bench/requirements.txt
if ! psql -h 127.0.0.1 -U postgres -d test -Atc "select 1 from pg_available_extensions where name = 'postgis'" | grep -q 1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        major=$(psql -h 127.0.0.1 -U postgres -d test -Atc "show server_version_num" | cut -c1-2)
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$major-postgis-3" >/dev/null
    else
        echo "bench_setup: PostGIS is missing and cannot be installed here (needs root and apt-get)" >&2
        exit 1
    fi
fi
