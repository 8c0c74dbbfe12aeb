#!/bin/sh
# Checks and installs what nofly needs on a fresh machine: a Rust toolchain (cargo), Python 3 with
# pip (the demo fetches its OpenSky sample from PyPI), and builds the web map with npm (embedded in
# the binary). Safe to run again.
set -eu
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found: install Rust (https://rustup.rs) and run again" >&2
    exit 1
fi
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3 python3-pip >/dev/null
    else
        echo "setup: python3 with pip not found; nofly demo will fall back to its bundled sample" >&2
    fi
fi
scripts/build_web.sh
echo "setup: $(cargo --version); $(python3 --version 2>/dev/null || echo 'no python3')"
