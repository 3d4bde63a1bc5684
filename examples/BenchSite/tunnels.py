#!/usr/bin/env python3
"""Idle tunnels, measured: open N WebSocket-style tunnels through a proxy (an Upgrade request
answered 101 by slow_backend.py), leave them idle, and report the proxy's memory per tunnel
(PSS of its process tree, before and after) and its threads; then check that every tunnel
still carries bytes both ways. Prints one JSON line. Loopback only.

usage: tunnels.py PORT N PROXY_PID
"""
import json, os, selectors, socket, sys, time

port, n, root = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
REQ = b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except FileNotFoundError:
            pass
    return out


def footprint():
    pss = threads = 0
    for p in tree(root):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                pss += sum(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            with open(f"/proc/{p}/status") as f:
                threads += sum(int(l.split()[1]) for l in f if l.startswith("Threads:"))
        except FileNotFoundError:
            pass
    return pss * 1024, threads


time.sleep(1)
before, threads_before = footprint()
socks, sel = [], selectors.DefaultSelector()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(REQ)
    socks.append(s)
for s in socks:
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(4096)
    assert head.startswith(b"HTTP/1.1 101"), head[:40]
time.sleep(2)  # idle: the proxy settles (buffers given back)
after, threads_after = footprint()
ok = 0
for i, s in enumerate(socks):
    msg = b"ping %d" % i
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        d = s.recv(64)
        if not d:
            break
        got += d
    ok += got == msg
for s in socks:
    s.close()
print(json.dumps({"tunnels": n, "pss_bytes_per_tunnel": round((after - before) / n), "threads_before": threads_before,
                  "threads_idle": threads_after, "still_carrying": ok}))
