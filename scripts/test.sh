#!/bin/sh
# Every test: the Rust workspace (unit, integration, doc tests, the independent Python evidence
# verifier, witnesses and RFC 3161 time-stamps), nofly's checkpoints, proofs and tiles checked by
# Go's golang.org/x/mod/sumdb/{note,tlog} and the crates signed_note and tlog_tiles, the
# cross-check of nofly against an independent shapely implementation on the real Kaliningrad sample, the real-peer test against Debian's dump1090-mutability, the ASTERIX decoder against
# asterix_decoder field by field on its own sample captures, GNSS spoofing found
# in the real noisy_spoofing sample and not in the clean recordings, the cluster (NATS JetStream
# and PostgreSQL) on the Kaliningrad sample giving the events of one replay, the HTTP API against
# its OpenAPI document (schemathesis), and the web map in Debian's chromium driven by
# playwright-core (screenshots in web/test-artifacts/).
set -eu
cd "$(dirname "$0")/.."
: "${NOFLY_CACHE:=$PWD/.cache/nofly}"
export NOFLY_CACHE
python3 -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
if ! command -v dump1090-mutability >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dump1090-mutability >/dev/null
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
cargo test --workspace --locked
cargo build --release --locked
python3 tests/evidence/independent_verifiers.py "${CARGO_TARGET_DIR:-target}/release/nofly"
python3 tests/crosscheck/run.py "${CARGO_TARGET_DIR:-target}/release/nofly" "$NOFLY_CACHE"
python3 tests/peers/dump1090_peer.py "${CARGO_TARGET_DIR:-target}/release/nofly"
python3 tests/peers/short_replies_112.py "${CARGO_TARGET_DIR:-target}/release/nofly"
python3 tests/peers/emitter_category.py "${CARGO_TARGET_DIR:-target}/release/nofly"
python3 tests/peers/asterix_decoder_peer.py "${CARGO_TARGET_DIR:-target}/release/nofly"
python3 tests/gnss/run.py "${CARGO_TARGET_DIR:-target}/release/nofly" "$NOFLY_CACHE"
python3 tests/cluster/run.py "${CARGO_TARGET_DIR:-target}/release/nofly" "$NOFLY_CACHE"
python3 tests/api/conformance.py "${CARGO_TARGET_DIR:-target}/release/nofly"
NOFLY_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/nofly"
export NOFLY_BIN
(cd web && node --test tests/)
