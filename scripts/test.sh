#!/bin/sh
# Every test: the Rust workspace (unit, integration, doc tests), then the cross-check of nofly
# against an independent shapely implementation on the real Kaliningrad sample.
set -eu
cd "$(dirname "$0")/.."
: "${NOFLY_CACHE:=$PWD/.cache/nofly}"
export NOFLY_CACHE
python3 -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
cargo test --workspace --locked
cargo build --release --locked
python3 tests/crosscheck/run.py "${CARGO_TARGET_DIR:-target}/release/nofly" "$NOFLY_CACHE"
