#!/usr/bin/env python3
"""Where a fresh request's time goes while a server holds many idle keep-alive connections.

    python3 fresh.py PORT [IDLE=15000] [FRESH=200]

Opens IDLE keep-alive connections (each answers one request, then stays open), then times
FRESH requests on new connections in two parts: connect() (the client's kernel finding a
free local port among the ones in use, and the handshake) and the request itself (sent until
the response has been read). Prints the percentiles of both as JSON. Raise the open-file
limit first (ulimit -n 20000).
"""
import json, selectors, socket, sys, time

port = int(sys.argv[1])
idle_count = int(sys.argv[2]) if len(sys.argv) > 2 else 15000
fresh_count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
request = b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"


def answered(data):
    """Whether data holds a whole response (a head and its Content-Length body)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    length = 0
    for line in data[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return len(data) >= end + 4 + length


def hold_idle(count):
    """count connections that each had one answer and now sit idle; opened 200 at a time."""
    held, selector = [], selectors.DefaultSelector()
    while len(held) < count:
        batch = []
        for _ in range(min(200, count - len(held))):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request)
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ, bytearray())
            batch.append(s)
        waiting = len(batch)
        deadline = time.time() + 10
        while waiting and time.time() < deadline:
            for key, _ in selector.select(timeout=1):
                buffer = key.data
                buffer += key.fileobj.recv(65536)
                if answered(bytes(buffer)):
                    selector.unregister(key.fileobj)
                    waiting -= 1
        if waiting:
            sys.exit(f"{waiting} connections got no answer")
        held.extend(batch)
    return held


def percentile(values, p):
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * p) - 1)], 3)


held = hold_idle(idle_count)
connect_ms, request_ms = [], []
for _ in range(fresh_count):
    start = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    connected = time.perf_counter()
    s.sendall(request)
    data = b""
    while not answered(data):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("a fresh connection closed without an answer")
        data += chunk
    done = time.perf_counter()
    s.close()
    connect_ms.append((connected - start) * 1000)
    request_ms.append((done - connected) * 1000)
for s in held:
    s.close()
print(json.dumps({
    "idle": len(held),
    "connect_p50_ms": percentile(connect_ms, 0.5), "connect_p99_ms": percentile(connect_ms, 0.99),
    "request_p50_ms": percentile(request_ms, 0.5), "request_p99_ms": percentile(request_ms, 0.99),
}))
