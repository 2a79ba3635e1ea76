#!/usr/bin/env python3
"""Probes a running `kindred serve` the way a hostile client would, and prints
what it saw (docs/api.md lists the limits; BENCHMARKS.md has the figures).

  http_probe.py --port P --pid PID chunked --mib 600   # chunked garbage: answer, bytes taken, server peak RSS
  http_probe.py --port P slowloris --connections 8      # slow clients, then time a normal GET /health
"""
import argparse
import socket
import threading
import time


def peak_rss_mb(pid):
    if not pid:
        return None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def chunked(args):
    s = socket.create_connection(("127.0.0.1", args.port))
    s.sendall(b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b"%x\r\n" % (1 << 20) + b"x" * (1 << 20) + b"\r\n"
    sent = 0
    start = time.monotonic()
    try:
        for _ in range(args.mib):
            s.sendall(piece)
            sent += 1
        s.sendall(b"0\r\n\r\n")
    except OSError as e:
        print(f"send stopped after {sent} MiB: {e.strerror}")
    s.settimeout(120)
    answer = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            answer += b
    except OSError:
        pass
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
    print(f"sent {sent} of {args.mib} MiB in {time.monotonic() - start:.1f} s; answer: {status}")
    print(f"server peak RSS: {peak_rss_mb(args.pid)} MB")


def slowloris(args):
    stop = threading.Event()
    socks = [socket.create_connection(("127.0.0.1", args.port)) for _ in range(args.connections)]
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: "

    def drip():
        i = 0
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(head[i:i + 1] if i < len(head) else b"a")
                except OSError:
                    pass
            i += 1
            time.sleep(1.0)

    t = threading.Thread(target=drip)
    t.start()
    time.sleep(2)
    for _ in range(args.requests):
        start = time.monotonic()
        try:
            c = socket.create_connection(("127.0.0.1", args.port), timeout=args.patience)
            c.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            status = c.recv(64).split(b"\r\n", 1)[0].decode()
            c.close()
        except OSError as e:
            status = f"no answer ({e})"
        print(f"GET /health with {args.connections} slow clients: {status} "
              f"in {time.monotonic() - start:.3f} s")
    stop.set()
    t.join()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, default=0)
    sub = p.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("chunked")
    c.add_argument("--mib", type=int, default=600)
    s = sub.add_parser("slowloris")
    s.add_argument("--connections", type=int, default=8)
    s.add_argument("--requests", type=int, default=5)
    s.add_argument("--patience", type=float, default=20)
    args = p.parse_args()
    chunked(args) if args.mode == "chunked" else slowloris(args)


if __name__ == "__main__":
    main()
