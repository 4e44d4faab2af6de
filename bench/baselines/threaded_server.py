"""Baseline 1: the seed's design (shared/seed), rebuilt faithfully on the Parla protocol.

The seed's server accepts connections in one thread, starts one thread per client
(``client_man``), keeps the clients in a dict of socket -> name, and its
``broadcast(msg)`` loops over that dict calling ``send`` on every socket; ``delete``
removes a client and tells the others. Here the same, with:

- the protocol subset of docs/PROTOCOL.md the benchmark needs: ``hello`` ->
  ``welcome`` (sorted ``users``), ``say`` -> ``message`` broadcast with
  ``id``/``ts``/``from``/``text`` (the sender's copy carries its ``cid``), ``joined``
  to the others, ``left`` (``quit`` after ``bye``, else ``disconnected``), ``bye``;
- one lock around the clients dict and every broadcast (the seed mutates the dict
  from several threads; the lock is what makes that correct), and ``sendall``, so a
  frame is never cut;
- TCP_NODELAY, as the real server sets it: latency compares designs, not Nagle.

Nothing else (no rate limit, no history, no validation beyond the types). A slow
reader blocks ``sendall`` while the lock is held, so it stalls everyone: that is
the seed's design, and what the benchmark measures.

    python bench/baselines/threaded_server.py [--host 127.0.0.1] [--port 0]

prints ``listening on HOST:PORT`` first; SIGTERM ends it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import struct
import sys
import threading
import time

_HEADER = struct.Struct(">I")
_MAX_FRAME = 65536
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _frame(obj: dict[str, object]) -> bytes:
    payload = _dumps(obj).encode("utf-8")
    return _HEADER.pack(len(payload)) + payload


def _ts() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


class _Frames:
    """Blocking frame reader over one socket (``recv`` into a buffer, split frames)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buf = bytearray()

    def __iter__(self) -> _Frames:
        return self

    def __next__(self) -> dict[str, object]:
        while True:
            if len(self._buf) >= 4:
                (length,) = _HEADER.unpack_from(self._buf, 0)
                if not 1 <= length <= _MAX_FRAME:
                    raise StopIteration
                if len(self._buf) >= 4 + length:
                    payload = bytes(self._buf[4 : 4 + length])
                    del self._buf[: 4 + length]
                    try:
                        obj = json.loads(payload)
                    except ValueError:
                        raise StopIteration from None
                    if not isinstance(obj, dict):
                        raise StopIteration
                    return obj
            try:
                data = self._sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                raise StopIteration
            self._buf += data


class ThreadedServer:
    def __init__(self) -> None:
        self.clients: dict[socket.socket, str] = {}
        self.lock = threading.Lock()
        self.next_id = 1

    def broadcast(self, data: bytes, skip: socket.socket | None = None) -> None:
        """Send ``data`` to every client but ``skip``; the caller holds the lock."""
        for sock in list(self.clients):
            if sock is skip:
                continue
            # A broken socket: that client's own thread sees it and deletes the client.
            with contextlib.suppress(OSError):
                sock.sendall(data)

    def delete(self, sock: socket.socket, reason: str) -> None:
        with self.lock:
            name = self.clients.pop(sock, None)
            if name is not None:
                self.broadcast(_frame({"type": "left", "name": name, "ts": _ts(), "reason": reason}))
        sock.close()

    def client_man(self, sock: socket.socket) -> None:
        frames = _Frames(sock)
        hello = next(frames, None)
        name = hello.get("name") if hello is not None and hello.get("type") == "hello" else None
        if not isinstance(name, str) or not name.strip():
            sock.close()
            return
        with self.lock:
            if any(n.casefold() == name.casefold() for n in self.clients.values()):
                error = {"type": "error", "code": "name_taken", "message": "name taken", "fatal": True}
                try:
                    sock.sendall(_frame(error))
                finally:
                    sock.close()
                return
            users = sorted([*self.clients.values(), name])
            welcome = {
                "type": "welcome",
                "name": name,
                "users": users,
                "server": "threaded",
                "motd": "",
                "last_id": self.next_id - 1,
            }
            try:
                sock.sendall(_frame(welcome))
            except OSError:
                sock.close()
                return
            self.broadcast(_frame({"type": "joined", "name": name, "ts": _ts()}))
            self.clients[sock] = name
        reason = "disconnected"
        for obj in frames:
            kind = obj.get("type")
            if kind == "say":
                text = obj.get("text")
                if not isinstance(text, str) or not text.strip():
                    continue
                cid = obj.get("cid")
                with self.lock:
                    message: dict[str, object] = {
                        "type": "message",
                        "id": self.next_id,
                        "ts": _ts(),
                        "from": name,
                        "text": text,
                    }
                    self.next_id += 1
                    self.broadcast(_frame(message), skip=sock)
                    if isinstance(cid, str):
                        message["cid"] = cid
                    try:
                        sock.sendall(_frame(message))
                    except OSError:
                        break
            elif kind == "ping":
                with self.lock:
                    try:
                        sock.sendall(_frame({"type": "pong", "token": obj.get("token", "")}))
                    except OSError:
                        break
            elif kind == "bye":
                reason = "quit"
                break
        self.delete(sock, reason)

    def client_accept(self, listener: socket.socket) -> None:
        while True:
            sock, _ = listener.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self.client_man, args=(sock,), daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(1024)
    print(f"listening on {args.host}:{listener.getsockname()[1]}", flush=True)
    server = ThreadedServer()
    accept = threading.Thread(target=server.client_accept, args=(listener,), daemon=True)
    accept.start()
    accept.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
