"""The LAN announce datagram of PROTOCOL.md §7, sans-I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass

from shared import PROTOCOL_VERSION

__all__ = ["Announce", "MAX_DATAGRAM"]

MAX_DATAGRAM = 2048
"""Largest announce we read: a name of a few hundred characters fits many times."""


@dataclass(frozen=True, slots=True)
class Announce:
    """One server's announce: what a connect dialog lists."""

    server: str
    port: int
    tls: bool = False
    users: int = 0
    version: int = PROTOCOL_VERSION

    def to_datagram(self) -> bytes:
        return json.dumps(
            {
                "type": "announce",
                "version": self.version,
                "server": self.server,
                "port": self.port,
                "tls": self.tls,
                "users": self.users,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")

    @classmethod
    def from_datagram(cls, data: bytes) -> Announce | None:
        """The announce in ``data``, or ``None`` for anything that is not one (§7: ignored)."""
        if not data or len(data) > MAX_DATAGRAM:
            return None
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(obj, dict) or obj.get("type") != "announce":
            return None
        server, port, tls, users, version = (
            obj.get("server"),
            obj.get("port"),
            obj.get("tls", False),
            obj.get("users", 0),
            obj.get("version"),
        )
        if not isinstance(server, str) or type(port) is not int or not 1 <= port <= 65535:
            return None
        if not isinstance(tls, bool) or type(users) is not int or users < 0 or type(version) is not int:
            return None
        return cls(server=server[:200], port=port, tls=tls, users=users, version=version)
