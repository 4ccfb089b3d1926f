#!/usr/bin/env python3
"""mktar.py - build a tar layer for tests/image/extract.bats from a spec on
stdin, written to OUT (or stdout, as a stream, for "-").

One entry a line, "TYPE NAME [key=value ...]"; blank lines and # comments
skipped. TYPE: dir, file, symlink, hardlink, fifo, chr, blk. Keys:
  mode=0755 uid=N gid=N mtime=N   (defaults 0644/0755, 0, 0, 1000000000)
  data=TEXT        a file's content (no spaces)
  zeros=N          a file of N zero bytes, generated while it is written
  target=PATH      a symlink's or a hardlink's target
  dev=MAJ:MIN      a device's numbers
  xattr.NAME=TEXT  an extended attribute (a pax SCHILY.xattr record)
  xattrhex.NAME=HEX  the same with binary value
"""
import io
import sys
import tarfile


class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def entry(tokens):
    kind, name = tokens[0], tokens[1]
    kv = dict(t.split("=", 1) for t in tokens[2:])
    ti = tarfile.TarInfo(name)
    ti.mtime = int(kv.get("mtime", 1000000000))
    ti.uid = int(kv.get("uid", 0))
    ti.gid = int(kv.get("gid", 0))
    ti.uname = ti.gname = ""
    pax = {}
    for k, v in kv.items():
        if k.startswith("xattr."):
            pax["SCHILY.xattr." + k[6:]] = v
        elif k.startswith("xattrhex."):
            raw = bytes.fromhex(v).decode("utf-8", "surrogateescape")
            pax["SCHILY.xattr." + k[9:]] = raw
    ti.pax_headers = pax
    data = None
    ti.mode = int(kv.get("mode", "0755" if kind == "dir" else "0644"), 8)
    if kind == "dir":
        ti.type = tarfile.DIRTYPE
    elif kind == "file":
        ti.type = tarfile.REGTYPE
        if "zeros" in kv:
            ti.size = int(kv["zeros"])
            data = Zeros(ti.size)
        else:
            raw = kv.get("data", "").encode()
            ti.size = len(raw)
            data = io.BytesIO(raw)
    elif kind == "symlink":
        ti.type = tarfile.SYMTYPE
        ti.linkname = kv["target"]
    elif kind == "hardlink":
        ti.type = tarfile.LNKTYPE
        ti.linkname = kv["target"]
    elif kind == "fifo":
        ti.type = tarfile.FIFOTYPE
    elif kind in ("chr", "blk"):
        ti.type = tarfile.CHRTYPE if kind == "chr" else tarfile.BLKTYPE
        ti.devmajor, ti.devminor = (int(x) for x in kv["dev"].split(":"))
    else:
        sys.exit("mktar.py: unknown type " + kind)
    return ti, data


def main():
    out = sys.argv[1]
    if out == "-":
        tar = tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tarfile.PAX_FORMAT)
    else:
        tar = tarfile.open(out, mode="w", format=tarfile.PAX_FORMAT)
    with tar:
        for line in sys.stdin:
            tokens = line.split()
            if not tokens or tokens[0].startswith("#"):
                continue
            ti, data = entry(tokens)
            tar.addfile(ti, data)


main()
