"""Baseline 2: the same protocol subset as threaded_server.py, on asyncio streams.

One coroutine per client reads frames with ``readexactly``; a broadcast encodes the
frame once and ``write``s it to every client's transport (no ``drain`` per
receiver: asyncio buffers a slow reader's share in memory instead of stalling the
others). hello -> welcome (sorted ``users``), ``joined`` to the others, say ->
``message`` with ``id``/``ts``/``from``/``text`` (``cid`` on the sender's copy),
``left`` (``quit`` after ``bye``, else ``disconnected``). asyncio sets TCP_NODELAY
on its sockets, as the real server does.

    python bench/baselines/asyncio_server.py [--host 127.0.0.1] [--port 0]

prints ``listening on HOST:PORT`` first; SIGTERM ends it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import struct
import sys
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


async def _read_frame(reader: asyncio.StreamReader) -> dict[str, object] | None:
    try:
        (length,) = _HEADER.unpack(await reader.readexactly(4))
        if not 1 <= length <= _MAX_FRAME:
            return None
        obj = json.loads(await reader.readexactly(length))
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


class AsyncioServer:
    def __init__(self) -> None:
        self.clients: dict[asyncio.StreamWriter, str] = {}
        self.next_id = 1

    def broadcast(self, data: bytes, skip: asyncio.StreamWriter | None = None) -> None:
        for writer in self.clients:
            if writer is not skip and not writer.is_closing():
                writer.write(data)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hello = await _read_frame(reader)
        name = hello.get("name") if hello is not None and hello.get("type") == "hello" else None
        if not isinstance(name, str) or not name.strip():
            writer.close()
            return
        if any(n.casefold() == name.casefold() for n in self.clients.values()):
            error = {"type": "error", "code": "name_taken", "message": "name taken", "fatal": True}
            writer.write(_frame(error))
            writer.close()
            return
        users = sorted([*self.clients.values(), name])
        writer.write(
            _frame(
                {
                    "type": "welcome",
                    "name": name,
                    "users": users,
                    "server": "asyncio",
                    "motd": "",
                    "last_id": self.next_id - 1,
                }
            )
        )
        self.broadcast(_frame({"type": "joined", "name": name, "ts": _ts()}))
        self.clients[writer] = name
        reason = "disconnected"
        while (obj := await _read_frame(reader)) is not None:
            kind = obj.get("type")
            if kind == "say":
                text = obj.get("text")
                if not isinstance(text, str) or not text.strip():
                    continue
                message: dict[str, object] = {
                    "type": "message",
                    "id": self.next_id,
                    "ts": _ts(),
                    "from": name,
                    "text": text,
                }
                self.next_id += 1
                cid = obj.get("cid")
                if isinstance(cid, str):
                    self.broadcast(_frame(message), skip=writer)
                    message["cid"] = cid
                    writer.write(_frame(message))
                else:
                    self.broadcast(_frame(message))
            elif kind == "ping":
                writer.write(_frame({"type": "pong", "token": obj.get("token", "")}))
            elif kind == "bye":
                reason = "quit"
                break
        del self.clients[writer]
        self.broadcast(_frame({"type": "left", "name": name, "ts": _ts(), "reason": reason}))
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _serve(host: str, port: int) -> None:
    server = AsyncioServer()
    listener = await asyncio.start_server(server.handle, host, port, backlog=1024, limit=1 << 20)
    bound = listener.sockets[0].getsockname()[1]
    print(f"listening on {host}:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with listener:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
