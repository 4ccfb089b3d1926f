#!/usr/bin/python3
"""nft-peer.py - the listeners and clients of tests/net/nft.bats.

  nft-peer.py serve tcp|udp PORT NAME [ADDR]
                                        answer every connection or datagram
                                        with "NAME SOURCE_IP" (forever), on
                                        ADDR (default 0.0.0.0)
  nft-peer.py ask tcp|udp HOST PORT [SRCPORT]
                                        print the answer; exit 1 after 2 s
                                        without one
"""
import socket
import sys


def serve(proto, port, name, addr="0.0.0.0"):
    if proto == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(16)
        while True:
            c, peer = s.accept()
            c.sendall(("%s %s\n" % (name, peer[0])).encode())
            c.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        _, peer = s.recvfrom(512)
        s.sendto(("%s %s\n" % (name, peer[0])).encode(), peer)


def ask(proto, host, port, srcport=0):
    try:
        if proto == "tcp":
            s = socket.create_connection((host, port), timeout=2)
            data = s.recv(512)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", srcport))
            s.settimeout(2)
            s.sendto(b"?", (host, port))
            data = s.recv(512)
    except OSError as e:
        print("no answer from %s %s:%d: %s" % (proto, host, port, e), file=sys.stderr)
        return 1
    sys.stdout.write(data.decode())
    return 0


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "serve" and sys.argv[2] in ("tcp", "udp"):
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4], *sys.argv[5:])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "ask" and sys.argv[2] in ("tcp", "udp"):
        sys.exit(ask(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) == 6 else 0))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
