#!/usr/bin/env bash
# Paired A/B of BenchSite builds beside nginx: is a change worth keeping?
#
#   dotnet publish examples/BenchSite -c Release -o /tmp/binA     # before the change
#   dotnet publish examples/BenchSite -c Release -o /tmp/binB     # after it
#   BUILDS="/tmp/binA /tmp/binB" ROUNDS=5 examples/BenchSite/ab.sh
#   TLS=1 BUILDS=... examples/BenchSite/ab.sh       over HTTPS, beside nginx-tls
#
# Each round runs nginx and then every build for DURATION seconds per case, so all of them
# meet the same state of the machine; the figure to read is the median over the rounds of each
# build's ratio to nginx in the same round. On the 2-core benchmark machines one round varies
# by about ±15 % and the machine drifts over minutes, so take 5 rounds or more and compare
# builds only within one sitting. Needs the document root bench.sh makes (run it once).
set -u
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNS=${CONNS:-"50 1000"}
FILES=${FILES:-"100k.bin"}
BUILDS=${BUILDS:?"BUILDS=\"DIR ...\": directories a BenchSite was published to"}
SHARED=${EVENTMPM_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
[ -d "$SHARED" ] || SHARED=/work/shared
BENCH_DIR=${BENCH_DIR:-/tmp/eventmpm-bench}
DOCROOT=$BENCH_DIR/docroot
NGINX_PORT=18082 PROJECT_PORT=18084
[ -f "$DOCROOT/100k.bin" ] || { echo "no $DOCROOT: run examples/BenchSite/bench.sh once first" >&2; exit 1; }
ulimit -n 20000
SCHEME=http NGINX_CONF=nginx.conf
if [ "${TLS:-0}" = 1 ]; then
  # The certificate shared/bench makes for its TLS runs (lib.sh): ECDSA P-256, self-signed.
  SCHEME=https NGINX_CONF=nginx-tls.conf NGINX_PORT=18091
  mkdir -p "$BENCH_DIR/tls"
  [ -f "$BENCH_DIR/tls/cert.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$BENCH_DIR/tls/key.pem" -out "$BENCH_DIR/tls/cert.pem" 2>/dev/null
fi
mkdir -p "$BENCH_DIR/run"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

# Starts one server in the background (PID in $PID, port in $PORT) and waits until it answers.
start() {
  if [ "$1" = nginx ]; then
    PORT=$NGINX_PORT
    sed -e "s#BENCH_DIR#$BENCH_DIR#g; s#BENCH_PORT#$PORT#g; s#BENCH_DOCROOT#$DOCROOT#g" \
      "$SHARED/bench/peers/$NGINX_CONF" > "$BENCH_DIR/run/nginx.conf"
    nginx -c "$BENCH_DIR/run/nginx.conf" > /dev/null 2>&1 &
  else
    PORT=$PROJECT_PORT
    if [ "$SCHEME" = https ]; then
      "$1/BenchSite" -C "Listen 127.0.0.1:$PORT https" -C "DocumentRoot $DOCROOT" \
        -C "SSLCertificateFile $BENCH_DIR/tls/cert.pem" -C "SSLCertificateKeyFile $BENCH_DIR/tls/key.pem" > /dev/null 2>&1 &
    else
      "$1/BenchSite" -C "Listen 127.0.0.1:$PORT" -C "DocumentRoot $DOCROOT" > /dev/null 2>&1 &
    fi
  fi
  PID=$!
  for _ in $(seq 100); do curl -ksf -o /dev/null "$SCHEME://127.0.0.1:$PORT/small.html" && return 0; sleep 0.1; done
  echo "$1 did not start" >&2; exit 1
}

for round in $(seq "$ROUNDS"); do
  for server in nginx $BUILDS; do
    start "$server"
    for c in $CONNS; do for f in $FILES; do
      rps=$(wrk -t2 -c"$c" -d"${DURATION}s" "$SCHEME://127.0.0.1:$PORT/$f" | awk '/Requests\/sec/ {print $2}')
      echo "$round $server $c $f $rps" >> "$RESULTS"
    done; done
    kill -TERM "$PID"; wait "$PID" 2> /dev/null; sleep 0.5
  done
done

python3 - "$RESULTS" <<'EOF'
import statistics, sys
rps = {}
for line in open(sys.argv[1]):
    rnd, server, conns, name, value = line.split()
    rps[(rnd, server, conns, name)] = float(value)
cases = sorted({(c, f) for _, _, c, f in rps}, key=lambda k: (int(k[0]), k[1]))
servers = list(dict.fromkeys(s for _, s, _, _ in rps))
rounds = sorted({r for r, _, _, _ in rps}, key=int)
for conns, name in cases:
    for server in servers:
        values = [rps[(r, server, conns, name)] for r in rounds]
        ratios = [rps[(r, server, conns, name)] / rps[(r, "nginx", conns, name)] for r in rounds]
        print(f"{conns:>5} {name:<10} {server:<16} median {statistics.median(values):9.0f} req/s"
              f"   x nginx: median {statistics.median(ratios):.2f}  rounds {' '.join(f'{x:.2f}' for x in ratios)}")
EOF
