# Command one: `make demo` sets everything up and runs the flagship demo.
# Command two: `make test` runs every test (what CI runs, through .ci/run).

CARGO ?= cargo
NOFLY_CACHE ?= $(CURDIR)/.cache/nofly
export NOFLY_CACHE

.PHONY: demo test build setup bench zones

setup:
	scripts/setup.sh

build: setup
	$(CARGO) build --release --locked

# The demo replays the real sample, proves its first violation, then serves the web map on
# http://127.0.0.1:8080/ until Ctrl-C.
demo: build
	$${CARGO_TARGET_DIR:-target}/release/nofly demo --http 127.0.0.1:8080

test: setup
	scripts/test.sh

# Rebuild data/zones/kaliningrad-closures-2022.geojson from Natural Earth (needs npm, shapely, pyproj).
zones:
	python3 -m pip install --quiet -r scripts/requirements.txt
	python3 scripts/build_demo_zones.py $(NOFLY_CACHE)

# Benchmarks side by side with peers, results in bench/RESULTS.md (needs `make demo` once for the
# OpenSky sample; installs the Python peers from PyPI and PostGIS from Debian when run as root).
bench: build
	scripts/bench_setup.sh
	# The demo fetches the OpenSky sample into $(NOFLY_CACHE) once (checksum-verified).
	$${CARGO_TARGET_DIR:-target}/release/nofly demo --events /dev/null --db /tmp/nofly-bench-demo.db --evidence-log /tmp/nofly-bench-demo.log --bundle /tmp/nofly-bench-demo-bundle.json > /dev/null
	$(CARGO) bench -p nofly-engine -p nofly-modes -p nofly-spatial
	python3 bench/geofence_peers.py
	python3 bench/scaling.py
	python3 bench/end_to_end.py
	python3 bench/scaled_end_to_end.py
	python3 bench/streaming_memory.py
	python3 bench/streaming_peers.py
	python3 bench/globe_history_day.py
	python3 bench/evidence_overhead.py
	python3 bench/decode_peers.py
	python3 bench/asterix_peers.py
	cd bench/rs1090-peer && $(CARGO) run --release --quiet
