"""A blocking-socket peer for tests of real processes: frames out, frames in, every
read bounded by a deadline (no sleeps). Used where no Qt event loop runs the other side."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from shared.codec import FrameDecoder, encode
from shared.limits import CLIENT_MAX_FRAME

Frame = dict[str, Any]


class WireClient:
    def __init__(self, sock: socket.socket, *, timeout: float, max_frame: int = CLIENT_MAX_FRAME) -> None:
        self.sock = sock
        self.timeout = timeout
        self.decoder = FrameDecoder(max_frame)
        self.received: list[Frame] = []
        self.eof = False

    @classmethod
    def to(cls, port: int, *, timeout: float) -> WireClient:
        """A client connected to 127.0.0.1:``port``."""
        return cls(socket.create_connection(("127.0.0.1", port), timeout=timeout), timeout=timeout)

    def send(self, message: Frame) -> None:
        self.sock.sendall(encode(message))

    def _read_some(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out; received {self.received!r}")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise AssertionError(f"timed out; received {self.received!r}") from None
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            return
        self.received.extend(self.decoder.feed(data))

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: float | None = None) -> Frame:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for frame in self.received:
                if predicate(frame):
                    return frame
            if self.eof:
                raise AssertionError(f"connection closed; received {self.received!r}")
            self._read_some(deadline)

    def expect(self, type_: str, **fields: Any) -> Frame:
        return self.wait_for(
            lambda f: f.get("type") == type_ and all(f.get(k) == v for k, v in fields.items())
        )

    def hello(self, name: str, **fields: Any) -> Frame:
        self.send({"type": "hello", "version": 1, "name": name, **fields})
        welcome = self.wait_for(lambda f: f.get("type") in ("welcome", "error"))
        assert welcome["type"] == "welcome", welcome
        return welcome

    def read_until_closed(self, timeout: float | None = None) -> list[Frame]:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not self.eof:
            self._read_some(deadline)
        return self.received

    def close(self) -> None:
        self.sock.close()
