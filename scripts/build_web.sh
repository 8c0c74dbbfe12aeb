#!/bin/sh
# Builds the web map into web/dist (embedded in the nofly binary at build time): installs the npm
# packages pinned in web/package-lock.json (MapLibre GL, the Natural Earth basemap, playwright-core
# for the browser test) and runs web/build.mjs. Needs Node.js and npm; safe to run again.
set -eu
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1; then
    echo "build_web: npm not found: nofly will be built without its web map (the API still works)" >&2
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
