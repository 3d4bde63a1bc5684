#!/usr/bin/env bash
# HTTP/1.1 conformance on the native binary: publishes examples/BenchSite, serves the document
# root shared/conformance/make_docroot.sh makes (with -C overrides), and runs
# shared/conformance/run.sh against it (request corpora from llhttp, httpd and Go, h11 response
# checks, real clients).
#
#   tests/conformance.sh            the run CI does (through tests/EventMpm.EndToEnd.Tests)
#   tests/conformance.sh --slow     also the slow-client checks
#
# KNOWN lists the checks that fail until the issue named beside them lands; any other failure
# fails the run, and so does a known one that passes, so the list cannot go stale.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shared/ sits beside the checkout on these machines; a clone elsewhere finds it at /work/shared.
SHARED=${EVENTMPM_SHARED:-$REPO/../shared}
[ -d "$SHARED" ] || SHARED=/work/shared
KNOWN=()
[ -f "$SHARED/conformance/run.sh" ] || { echo "conformance: $SHARED/conformance not found (set EVENTMPM_SHARED)"; exit 2; }

WORK=$(mktemp -d /tmp/eventmpm-conformance.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet publish "$REPO/examples/BenchSite" -c Release -o "$WORK/bin" -nodeReuse:false > "$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log"; exit 1; }
bash "$SHARED/conformance/make_docroot.sh" "$WORK/docroot" > /dev/null
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WORK/bin/BenchSite" -C "Listen 127.0.0.1:$PORT" -C "DocumentRoot $WORK/docroot" 2> "$WORK/server.log" &
PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

SLOW=${1:-} bash "$SHARED/conformance/run.sh" "$PORT" > "$WORK/result.log" 2>&1
cat "$WORK/result.log"

rc=0
failed=$( { grep -E '^[^ ]+ +[a-z-]+ +FAIL ' "$WORK/result.log" | awk '{print $1}'; \
            grep -E '^FAIL ' "$WORK/result.log" | sed -e 's/^FAIL //' -e 's/ -- .*$//'; } | sort -u)
while IFS= read -r name; do
  [ -z "$name" ] && continue
  known=0; for k in "${KNOWN[@]}"; do [ "$k" = "$name" ] && known=1; done
  if [ $known = 1 ]; then echo "conformance: known failure: $name"; else echo "conformance: FAILED: $name"; rc=1; fi
done <<< "$failed"
for k in "${KNOWN[@]}"; do
  grep -qxF "$k" <<< "$failed" || { echo "conformance: '$k' passes now: remove it from KNOWN in $0"; rc=1; }
done
kill -0 "$PID" 2>/dev/null || { echo "conformance: the server died"; cat "$WORK/server.log"; rc=1; }
echo "conformance: $([ $rc = 0 ] && echo "clean${KNOWN[*]:+ apart from the known failures}" || echo FAILED)"
exit $rc
