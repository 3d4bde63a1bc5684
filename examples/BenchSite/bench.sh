#!/usr/bin/env bash
# The benchmark in one command: publishes BenchSite natively and runs shared/bench beside
# Apache httpd (event MPM) and nginx: throughput (run-peers.sh), then the idle keep-alive
# footprint (run-idle.sh). Quote the ratios, not the absolute figures.
#
#   examples/BenchSite/bench.sh
#   ROUNDS=3 DURATION=8 CONNS="50 1000" FILES="small.html 100k.bin" N=15000 examples/BenchSite/bench.sh
#   PART=peers|idle examples/BenchSite/bench.sh      one half only
#
# fresh.py beside it splits a fresh request's time under 15,000 idle connections into the
# client's connect() and the request itself (the README's idle section).
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shared/ sits beside the checkout on these machines; a clone elsewhere finds it at /work/shared.
SHARED=${EVENTMPM_SHARED:-$REPO/../shared}
[ -d "$SHARED" ] || SHARED=/work/shared
export BENCH_DIR=${BENCH_DIR:-/tmp/eventmpm-bench}
BIN=$BENCH_DIR/BenchSite
dotnet publish "$REPO/examples/BenchSite" -c Release -o "$BIN" -nodeReuse:false > /dev/null
export SERVERS=${SERVERS:-"httpd nginx project"}
# ${BENCH_PORT} and ${BENCH_DOCROOT} are read from the environment by the server itself, as
# httpd reads ${VAR} in -C directives.
export PROJECT_CMD="$BIN/BenchSite -C 'Listen 127.0.0.1:\${BENCH_PORT}' -C 'DocumentRoot \${BENCH_DOCROOT}'"
case ${PART:-all} in all|peers) bash "$SHARED/bench/run-peers.sh" ;; esac
case ${PART:-all} in all|idle) N=${N:-15000} bash "$SHARED/bench/run-idle.sh" ;; esac
