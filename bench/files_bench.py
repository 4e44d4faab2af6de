"""File transfer through the real server (docs/PROTOCOL.md §8.5), against the ceiling.

One run, one machine, loopback only:

1. the ceiling: ``cat FILE`` writing straight into a TCP socket, a reader discarding it;
2. an upload of FILE through the headless server (``file_offer``, ``file_chunk``s, until
   the file's ``message`` comes back), then a download of it (``file_get`` to
   ``file_end``, the sha256 checked);
3. meanwhile a bystander pings the server every 20 ms: its round trips before the
   transfers (idle), during the upload and during the download, p50 and p99.

    .venv/bin/python bench/files_bench.py [--size-mb 1024] [--keep]

Prints the figures; bench/README.md keeps them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.servers import PARLA, running
from shared.codec import FrameDecoder, encode, frame
from shared.limits import CLIENT_MAX_FRAME, FILE_CHUNK_MAX

PING_EVERY = 0.02
CHUNKS_PER_WRITE = 32


def make_file(path: Path, size: int) -> str:
    """``size`` random-ish bytes (a random MiB repeated: fast to make); their sha256."""
    block = os.urandom(1024 * 1024)
    digest = hashlib.sha256()
    with path.open("wb") as out:
        left = size
        while left:
            piece = block[: min(left, len(block))]
            out.write(piece)
            digest.update(piece)
            left -= len(piece)
    return digest.hexdigest()


def ceiling(path: Path) -> float:
    """MB/s of ``cat path`` into a TCP socket on loopback."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received = [0]

    def drain() -> None:
        conn, _ = listener.accept()
        while data := conn.recv(1 << 20):
            received[0] += len(data)
        conn.close()

    reader = threading.Thread(target=drain)
    reader.start()
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.perf_counter()
    subprocess.run(["cat", str(path)], stdout=sock.fileno(), check=True)
    sock.close()
    reader.join()
    elapsed = time.perf_counter() - started
    listener.close()
    assert received[0] == path.stat().st_size
    return received[0] / elapsed / 1e6


class Peer:
    """A blocking client with a reader thread that hands frames to ``on_frame``."""

    def __init__(self, port: int, name: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.decoder = FrameDecoder(CLIENT_MAX_FRAME)
        self.lock = threading.Lock()
        self.sock.sendall(encode({"type": "hello", "version": 2, "name": name}))

    def frames(self) -> list[dict[str, object]]:
        data = self.sock.recv(1 << 20)
        if not data:
            raise ConnectionError("closed")
        return self.decoder.feed(data)

    def send(self, data: bytes) -> None:
        with self.lock:
            self.sock.sendall(data)


class Bystander(threading.Thread):
    """Pings every :data:`PING_EVERY`; its round trips, by phase."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.peer = Peer(port, "bystander")
        self.phase = "idle"
        self.rtts: dict[str, list[float]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        peer = self.peer
        while not any(f.get("type") == "welcome" for f in peer.frames()):
            pass
        n = 0
        while not self.stop.is_set():
            token = f"p{n}"
            phase = self.phase
            started = time.perf_counter()
            peer.send(encode({"type": "ping", "token": token}))
            while not any(f.get("type") == "pong" and f.get("token") == token for f in peer.frames()):
                pass
            self.rtts.setdefault(phase, []).append(time.perf_counter() - started)
            n += 1
            time.sleep(PING_EVERY)


def upload(port: int, path: Path, sha: str) -> tuple[float, str]:
    peer = Peer(port, "uploader")
    while not any(f.get("type") == "welcome" for f in peer.frames()):
        pass
    size = path.stat().st_size
    started = time.perf_counter()
    peer.send(encode({"type": "file_offer", "fid": "big", "name": path.name, "size": size, "sha256": sha}))
    file_id = ""
    while not file_id:
        for f in peer.frames():
            if f.get("type") == "file_ready":
                file_id = str(f["file_id"])
            elif f.get("type") == "error":
                raise RuntimeError(f)
    prefix = b'{"type":"file_chunk","file_id":"' + file_id.encode() + b'","offset":'
    done = threading.Event()
    posted: list[dict[str, object]] = []

    def read() -> None:
        while not done.is_set():
            for f in peer.frames():
                if f.get("type") == "message" and f.get("cid") == "big":
                    posted.append(f)
                    done.set()
                elif f.get("type") == "error":
                    print("  error:", f)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    with path.open("rb") as source:
        offset = 0
        while offset < size:
            parts = []
            for _ in range(CHUNKS_PER_WRITE):
                data = source.read(FILE_CHUNK_MAX)
                if not data:
                    break
                encoded = base64.b64encode(data)
                parts.append(frame(prefix + str(offset).encode() + b',"data":"' + encoded + b'"}'))
                offset += len(data)
            peer.send(b"".join(parts))
    done.wait()
    elapsed = time.perf_counter() - started
    peer.sock.close()
    info = posted[0]["file"]
    assert isinstance(info, dict)
    return size / elapsed / 1e6, str(info["file_id"])


def download(port: int, file_id: str, sha: str, size: int) -> float:
    peer = Peer(port, "downloader")
    while not any(f.get("type") == "welcome" for f in peer.frames()):
        pass
    digest = hashlib.sha256()
    got = 0
    started = time.perf_counter()
    peer.send(encode({"type": "file_get", "file_id": file_id}))
    ended = False
    while not ended:
        for f in peer.frames():
            kind = f.get("type")
            if kind == "file_chunk":
                data = base64.b64decode(str(f["data"]))
                digest.update(data)
                got += len(data)
            elif kind == "file_end":
                ended = True
            elif kind == "error":
                raise RuntimeError(f)
    elapsed = time.perf_counter() - started
    peer.sock.close()
    if got != size or digest.hexdigest() != sha:
        raise RuntimeError("the download differs from the file")
    return size / elapsed / 1e6


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="parla-files-bench-") as tmp:
        path = Path(tmp) / "big.bin"
        sha = make_file(path, size)
        cat = ceiling(path)
        print(f"file: {args.size_mb} MiB")
        print(f"ceiling (cat | TCP):   {cat:8.1f} MB/s")
        data_dir = Path(tmp) / "data"
        extra = ["--max-file-size", str(size), "--files-quota", str(2 * size)]
        with running(PARLA, data_dir=data_dir, extra_args=extra) as server:
            bystander = Bystander(server.port)
            bystander.start()
            time.sleep(1.0)
            bystander.phase = "upload"
            up, file_id = upload(server.port, path, sha)
            bystander.phase = "download"
            down = download(server.port, file_id, sha, size)
            bystander.phase = "after"
            time.sleep(0.5)
            bystander.stop.set()
            bystander.join(5)
        print(f"upload:                {up:8.1f} MB/s  ({up / cat:.0%} of the ceiling)")
        print(f"download:              {down:8.1f} MB/s  ({down / cat:.0%} of the ceiling)")
        for phase in ("idle", "upload", "download"):
            rtts = bystander.rtts.get(phase, [])
            if rtts:
                print(
                    f"bystander ping {phase:8s}: p50 {percentile(rtts, 0.5):6.2f} ms"
                    f"  p99 {percentile(rtts, 0.99):6.2f} ms  ({len(rtts)} pings)"
                )


if __name__ == "__main__":
    main()
