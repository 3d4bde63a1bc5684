#!/usr/bin/env bash
# The benchmark in one command: publishes BenchSite natively and runs shared/bench beside
# Apache httpd (event MPM) and nginx: throughput (run-peers.sh), then the idle keep-alive
# footprint (run-idle.sh). Quote the ratios, not the absolute figures.
#
#   examples/BenchSite/bench.sh
#   ROUNDS=3 DURATION=8 CONNS="50 1000" FILES="small.html 100k.bin" N=15000 examples/BenchSite/bench.sh
#   PART=peers|idle examples/BenchSite/bench.sh      one half only
#   IDLE_ROUNDS=4 examples/BenchSite/bench.sh        rounds of the idle part (the median is quoted)
#   TLS=1 SERVERS="nginx-tls httpd-tls h2o-tls project" PART=peers examples/BenchSite/bench.sh
#                                                    over HTTPS, with the bench's certificate
#   PART=proxy examples/BenchSite/bench.sh       the reverse proxy: EventMpm's ProxyPass beside nginx's
#                                                    proxy_pass (upstream keepalive, HTTP/1.1) and httpd's
#                                                    mod_proxy, in front of one nginx backend; requests per
#                                                    second and the backend's connection reuse
#   PART=slowproxy examples/BenchSite/bench.sh   a backend that answers every request after 200 ms
#                                                    (slow_backend.py), 2,000 clients (wrk -c2000): EventMpm,
#                                                    nginx, and httpd with 2 children of 25 workers
#   PART=race examples/BenchSite/bench.sh        the keep-alive race: a backend that closes connections idle
#                                                    for 1 s, ~100,000 requests paced so pooled connections
#                                                    sit idle about that long (race.lua); errors per proxy
#   PART=tunnels N=10000 examples/BenchSite/bench.sh
#                                                    N idle WebSocket tunnels through EventMpm and nginx
#                                                    (tunnels.py): memory per tunnel, threads, all still carrying
#   TLS=1 SERVERS="nginx-tls project" PART=handshakes examples/BenchSite/bench.sh
#                                                    new TLS connections per second: every request
#                                                    on a fresh connection (wrk, Connection: close),
#                                                    a TLS 1.3 handshake each (wrk resumes the
#                                                    session it was last given); CONNS=50
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
if [ "${TLS:-0}" = 1 ]; then
  export PROJECT_CMD="$BIN/BenchSite -C 'Listen 127.0.0.1:\${BENCH_PORT} https' -C 'DocumentRoot \${BENCH_DOCROOT}' -C 'SSLCertificateFile \${BENCH_CERT}' -C 'SSLCertificateKeyFile \${BENCH_KEY}'"
fi
case ${PART:-all} in all|peers) bash "$SHARED/bench/run-peers.sh" ;; esac

# Full handshakes, ROUNDS times (5 unless set), the servers in turn each round, so both see the
# machine's drift; the median of each server's rounds and their ratio to the first server's.
handshake_rounds() {
  ( # shared/bench/lib.sh starts and stops one server at a time, and makes the certificate
    set +e # stop() returns what the stopped server exited with
    source "$SHARED/bench/lib.sh"
    declare -A rates
    for round in $(seq "${ROUNDS:-5}"); do
      for server in $SERVERS; do
        start "$server" || exit 1
        rate=$(wrk -t2 -c"${CONNS:-50}" -d"${DURATION:-5}"s -H "Connection: close" "$SCHEME://127.0.0.1:$BENCH_PORT/small.html" |
               awk '/^Requests\/sec/ { print $2 }')
        stop
        rates[$server]="${rates[$server]:-} $rate"
        echo "round $round $server: $rate connections/s"
      done
    done
    first=${SERVERS%% *}
    for server in $SERVERS; do echo "$server ${rates[$server]}"; done | python3 -c '
import statistics, sys
medians = {}
for line in sys.stdin:
    name, *rates = line.split()
    medians[name] = statistics.median(float(r) for r in rates)
first = sys.argv[1]
for name, m in medians.items():
    print(f"{name}: median {m:.0f} new connections/s, {m / medians[first]:.2f}x {first}")' "$first"
  )
}
case ${PART:-all} in handshakes) handshake_rounds ;; esac

# Starts the proxy NAME on FRONT in front of BACKEND and waits until it answers; sets PID. nginx's
# and httpd's configurations are written before (run/NAME.conf); EventMpm is BenchSite with
# -C ProxyPass, its parameters given as the fourth argument.
start_front() { # NAME FRONT BACKEND [PROXYPASS_PARAMETERS]
  case $1 in
    nginx-*) nginx -c "$BENCH_DIR/run/$1.conf" > "$BENCH_DIR/run/$1.out" 2>&1 & PID=$! ;;
    httpd-*) apache2 -f "$BENCH_DIR/run/$1.conf" -DFOREGROUND > "$BENCH_DIR/run/$1.out" 2>&1 & PID=$! ;;
    project) "$BIN/BenchSite" -C "Listen 127.0.0.1:$2" -C "DocumentRoot $BENCH_DOCROOT" -C "PidFile $BENCH_DIR/run/project-$2.pid" \
               -C "ProxyPass / http://127.0.0.1:$3/ ${4:-}" > "$BENCH_DIR/run/project-$2.out" 2>&1 & PID=$! ;;
  esac
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/" && break; sleep 0.1; done
}

# nginx in front of BACKEND on FRONT: proxy_pass with an upstream keepalive of KEEPALIVE
# connections, HTTP/1.1 to the backend (nginx's own advice for keep-alive upstreams).
nginx_proxy_conf() { # NAME FRONT BACKEND KEEPALIVE WORKER_CONNECTIONS
  cat > "$BENCH_DIR/run/$1.conf" <<CONF
daemon off; master_process on; worker_processes 2; pid $BENCH_DIR/run/$1.pid; error_log $BENCH_DIR/run/$1-error.log warn;
worker_rlimit_nofile 20000; events { worker_connections $5; }
http { access_log off; keepalive_timeout 60s; keepalive_requests 100000000;
  upstream backend { server 127.0.0.1:$3; keepalive $4; }
  server { listen 127.0.0.1:$2 backlog=4096;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
}

# nginx as the backend on PORT serving the bench's files, closing connections idle for
# KEEPALIVE_TIMEOUT, and logging each request's connection number (run/NAME-access.log), so
# the proxies' reuse of backend connections is counted where the connections are.
nginx_backend_conf() { # NAME PORT KEEPALIVE_TIMEOUT
  cat > "$BENCH_DIR/run/$1.conf" <<CONF
daemon off; master_process on; worker_processes 1; pid $BENCH_DIR/run/$1.pid; error_log $BENCH_DIR/run/$1-error.log warn;
worker_rlimit_nofile 20000; events { worker_connections 8192; }
http { sendfile on; tcp_nopush on; keepalive_timeout $3; keepalive_requests 100000000; open_file_cache max=1000; log_format conn \$connection;
  server { listen 127.0.0.1:$2 backlog=4096; root $BENCH_DOCROOT; access_log $BENCH_DIR/run/$1-access.log conn; } }
CONF
}

# httpd 2.4 (event MPM, mod_proxy_http) in front of BACKEND on FRONT, with the MPM lines given.
httpd_proxy_conf() { # NAME FRONT BACKEND MPM_LINES
  cat > "$BENCH_DIR/run/$1.conf" <<CONF
ServerRoot /usr/lib/apache2
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
Listen 127.0.0.1:$2 4096
PidFile $BENCH_DIR/run/$1.pid
ErrorLog $BENCH_DIR/run/$1-error.log
ServerName localhost
KeepAlive On
MaxKeepAliveRequests 0
$4
ProxyPass / http://127.0.0.1:$3/
CONF
}

# The reverse proxy: one backend (nginx serving the bench's files, logging each request's
# connection number so reuse can be counted), and each proxy in turn in front of it on port
# 18095, ROUNDS times (5 unless set); wrk -c CONNS (50 unless set) on each of FILES.
proxy_rounds() {
  ( set +e
    source "$SHARED/bench/lib.sh"
    need nginx nginx-light; need apache2 apache2
    local run=$BENCH_DIR/run backend=18190 front=18095
    nginx_backend_conf backend "$backend" 60s
    nginx_proxy_conf nginx-proxy "$front" "$backend" 64 4096
    httpd_proxy_conf httpd-proxy "$front" "$backend" "ServerLimit 16
ThreadsPerChild 25
MaxRequestWorkers 400"
    nginx -c "$run/backend.conf" > "$run/backend.out" 2>&1 & local backend_pid=$!
    for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$backend/small.html" && break; sleep 0.1; done
    local proxies=${PROXIES:-"nginx-proxy project httpd-proxy"}
    declare -A rates reuse
    for round in $(seq "${ROUNDS:-5}"); do
      for proxy in $proxies; do
        start_front "$proxy" "$front" "$backend"
        for file in ${FILES:-small.html 100k.bin}; do
          : > "$run/backend-access.log"; kill -USR1 "$(cat "$run/backend.pid")" # reopen: count this run's requests alone
          out=$(wrk -t2 -c"${CONNS:-50}" -d"${DURATION:-5}"s "http://127.0.0.1:$front/$file")
          rate=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
          errors=$(awk '/Socket errors/ {gsub(",",""); n=$4+$6+$8+$10} /Non-2xx/ {n+=$NF} END {print n+0}' <<<"$out")
          sleep 0.2
          used=$(python3 -c 'import sys; c=[l.strip() for l in open(sys.argv[1]) if l.strip()]; print(f"{100*(1-len(set(c))/max(len(c),1)):.2f}")' "$run/backend-access.log")
          rates[$proxy,$file]="${rates[$proxy,$file]:-} $rate"
          reuse[$proxy,$file]="${reuse[$proxy,$file]:-} $used"
          echo "round $round $proxy $file: $rate requests/s, $errors errors, backend reuse $used %"
        done
        kill -TERM "$PID"; wait "$PID" 2>/dev/null; sleep 0.5
      done
    done
    kill -TERM "$backend_pid"; wait "$backend_pid" 2>/dev/null
    first=${proxies%% *}
    for file in ${FILES:-small.html 100k.bin}; do
      for proxy in $proxies; do echo "$proxy $file ${rates[$proxy,$file]}"; done
    done | python3 -c '
import statistics, sys
medians = {}
for line in sys.stdin:
    name, file, *rates = line.split()
    medians[(name, file)] = statistics.median(float(r) for r in rates)
first = sys.argv[1]
for (name, file), m in medians.items():
    print(f"{name} {file}: median {m:.0f} requests/s, {m / medians[(first, file)]:.2f}x {first}")' "$first"
  )
}
case ${PART:-all} in proxy) proxy_rounds ;; esac

# A slow backend (every answer after DELAY_MS, 200 unless set) and CONNS clients (2000 unless
# set): a proxy that holds a worker per waiting request is capped near its workers / 0.2 s.
slow_proxy() {
  ( set +e
    source "$SHARED/bench/lib.sh"
    need nginx nginx-light; need apache2 apache2
    local run=$BENCH_DIR/run backend=18191 front=18096 conns=${CONNS:-2000}
    nginx_proxy_conf nginx-slow "$front" "$backend" 2000 9000
    httpd_proxy_conf httpd-slow "$front" "$backend" "StartServers 2
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50"
    python3 "$(dirname "$0")/slow_backend.py" "$backend" "${DELAY_MS:-200}" & local backend_pid=$!
    for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$backend/" && break; sleep 0.1; done
    local proxies=${PROXIES:-"project nginx-slow httpd-slow"}
    for proxy in $proxies; do
      start_front "$proxy" "$front" "$backend"
      out=$(wrk -t2 -c"$conns" -d"${DURATION:-10}"s --timeout 10s "http://127.0.0.1:$front/")
      echo "$proxy: $(awk '/^Requests\/sec/ { print $2 }' <<<"$out") requests/s; $(grep -E 'Latency|Socket errors|Non-2xx' <<<"$out" | tr -s ' ' | paste -sd';')"
      kill -TERM "$PID"; wait "$PID" 2>/dev/null; sleep 1
    done
    kill "$backend_pid"; wait "$backend_pid" 2>/dev/null
    true
  )
}
case ${PART:-all} in slowproxy) slow_proxy ;; esac

# The keep-alive race (httpd's intermittent 502 "error reading status line"): nginx as the
# backend closes a connection idle for 1 s; EventMpm's ProxyPass keeps its pooled connections
# for as long (ttl=1), so requests go out on connections the backend is closing at that moment.
# wrk with race.lua pauses 0-1.5 s before each request on each of 1,000 connections, so pooled
# connections sit idle around that second; about 100,000 requests in DURATION (80 s unless
# set). Each proxy in turn: EventMpm (a request that meets a closing connection before any
# answer is sent again once), nginx (proxy_next_upstream), httpd's mod_proxy as shipped.
race() {
  ( set +e
    source "$SHARED/bench/lib.sh"
    need nginx nginx-light; need apache2 apache2
    local run=$BENCH_DIR/run backend=18192 front=18098
    nginx_backend_conf race-backend "$backend" 1s
    nginx_proxy_conf nginx-race "$front" "$backend" 1000 8192
    httpd_proxy_conf httpd-race "$front" "$backend" "ServerLimit 16
ThreadsPerChild 64
MaxRequestWorkers 1024"
    nginx -c "$run/race-backend.conf" > "$run/race-backend.out" 2>&1 & local backend_pid=$!
    for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$backend/small.html" && break; sleep 0.1; done
    local proxies=${PROXIES:-"project nginx-race httpd-race"}
    for proxy in $proxies; do
      start_front "$proxy" "$front" "$backend" "ttl=1"
      : > "$run/race-backend-access.log"; kill -USR1 "$(cat "$run/race-backend.pid")"
      out=$(wrk -t2 -c1000 -d"${DURATION:-80}"s --timeout 10s -s "$(dirname "$0")/race.lua" "http://127.0.0.1:$front/small.html")
      requests=$(awk '/requests in/ { print $1 }' <<<"$out")
      errors=$(awk '/Socket errors/ {gsub(",",""); n=$4+$6+$8+$10} /Non-2xx/ {n+=$NF} END {print n+0}' <<<"$out")
      sleep 0.2
      connections=$(python3 -c 'import sys; print(len(set(l.strip() for l in open(sys.argv[1]) if l.strip())))' "$run/race-backend-access.log")
      echo "$proxy: $requests requests, $errors errors (non-2xx and socket errors), $connections backend connections"
      kill -TERM "$PID"; wait "$PID" 2>/dev/null; sleep 1
    done
    kill -TERM "$backend_pid"; wait "$backend_pid" 2>/dev/null
    true
  )
}
case ${PART:-all} in race) race ;; esac

# N idle tunnels (10,000 unless set) through each proxy to slow_backend.py, which answers an
# Upgrade with 101 and echoes; tunnels.py reports memory per tunnel and threads.
tunnels() {
  ( set +e
    source "$SHARED/bench/lib.sh"
    need nginx nginx-light
    local run=$BENCH_DIR/run backend=18191 front=18097
    cat > "$run/nginx-ws.conf" <<CONF
daemon off; master_process on; worker_processes 2; pid $run/nginx-ws.pid; error_log $run/nginx-ws-error.log warn;
worker_rlimit_nofile 50000; events { worker_connections 25000; }
http { access_log off;
  server { listen 127.0.0.1:$front backlog=4096;
    location / { proxy_pass http://127.0.0.1:$backend; proxy_http_version 1.1; proxy_read_timeout 600s;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection "upgrade"; } } }
CONF
    python3 "$(dirname "$0")/slow_backend.py" "$backend" & local backend_pid=$!
    for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$backend/" && break; sleep 0.1; done
    for proxy in project nginx-ws; do
      start_front "$proxy" "$front" "$backend" "upgrade=websocket timeout=600"
      echo "$proxy: $(python3 "$(dirname "$0")/tunnels.py" "$front" "${N:-10000}" "$PID")"
      kill -TERM "$PID"; wait "$PID" 2>/dev/null; sleep 1
    done
    kill "$backend_pid"; wait "$backend_pid" 2>/dev/null
    true
  )
}
case ${PART:-all} in tunnels) tunnels ;; esac

# The idle part, IDLE_ROUNDS times (4 unless set). One round's fresh-request p99 is the third
# slowest of 200 requests, and the client's connect() dominates it, so one round decides
# little. Each round runs run-idle.sh for one server at a time, after the previous server's
# TIME_WAIT sockets have gone (they would lengthen the client's search for a free port). The
# client kernel's state drifts over minutes (one server's p99 ranged from 2.6 to 8.2 ms in a
# day), so the order of nginx and EventMpm turns round by round and an even count of rounds
# gives each the same number of first places. httpd goes first, in round 1 only.
drain_time_wait() { # TIME_WAIT lasts 60 s on Linux
  for _ in $(seq 65); do [ "$(ss -Htan state time-wait | wc -l)" -lt 50 ] && return; sleep 1; done
}
idle_rounds() {
  local lines order server round
  lines=$(mktemp)
  for round in $(seq "${IDLE_ROUNDS:-4}"); do
    order="nginx project"; [ $((round % 2)) -eq 0 ] && order="project nginx"
    [ "$round" -eq 1 ] && order="httpd $order"
    for server in $order; do
      case " $SERVERS " in *" $server "*) ;; *) continue ;; esac
      drain_time_wait
      SERVERS=$server N=${N:-15000} bash "$SHARED/bench/run-idle.sh" | tee -a "$lines"
    done
  done
  python3 - "$lines" <<'SUMMARY'
import json, statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rounds.setdefault(r["server"], []).append(r)
for server, rs in rounds.items():
    p99 = [r["fresh_p99_ms"] for r in rs]
    print(f"{server}: fresh p99 by round {p99}, median {statistics.median(p99):.2f} ms; "
          f"median p50 {statistics.median(r['fresh_p50_ms'] for r in rs):.2f} ms; "
          f"bytes per connection {[r['pss_bytes_per_conn'] for r in rs]}; "
          f"threads {[r['threads_parked'] for r in rs]}; still answering {[r['reused_ok'] for r in rs]}")
SUMMARY
  rm -f "$lines"
}
case ${PART:-all} in all|idle) idle_rounds ;; esac
