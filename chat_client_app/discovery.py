"""Servers announcing themselves on the LAN (PROTOCOL.md §7), heard by the connect dialog."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QUdpSocket

from shared import SUPPORTED_VERSIONS
from shared.discovery import MAX_DATAGRAM, Announce
from shared.limits import ANNOUNCE_INTERVAL, DEFAULT_ANNOUNCE_PORT

__all__ = ["DiscoveredServer", "LanDiscovery", "EXPIRY_SECONDS"]

EXPIRY_SECONDS = 3 * ANNOUNCE_INTERVAL
"""A server unheard for three announce intervals (6 s) is gone: one lost datagram
on Wi-Fi does not make it blink out of the list."""

MAX_SERVERS = 200
"""Entries kept at most: a flood of forged announces cannot grow the list without end."""


@dataclass(frozen=True, slots=True)
class DiscoveredServer:
    host: str
    port: int
    name: str
    tls: bool
    users: int
    version: int
    seen: float  # time.monotonic() of the last announce


class LanDiscovery(QObject):
    """Listens for announces; ``servers_changed`` fires when the list changes."""

    servers_changed = Signal()

    def __init__(
        self, port: int = DEFAULT_ANNOUNCE_PORT, expiry: float = EXPIRY_SECONDS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._port = port
        self._expiry = expiry
        self._socket = QUdpSocket(self)
        self._socket.readyRead.connect(self._on_socket_ready_read)
        self._servers: dict[tuple[str, int], DiscoveredServer] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(max(50, min(1000, int(expiry * 500))))
        self._timer.timeout.connect(self._on_timer_timeout)
        self._error = ""

    @property
    def error(self) -> str:
        """Why listening failed, or "" (discovery is a convenience: the dialog works without)."""
        return self._error

    @property
    def port(self) -> int:
        return int(self._socket.localPort()) if self.is_listening else self._port

    @property
    def is_listening(self) -> bool:
        return self._socket.state() == QAbstractSocket.SocketState.BoundState

    def start(self) -> bool:
        # ShareAddress + ReuseAddressHint: several clients on one machine (a teacher's
        # demo) all hear the same announces.
        flags = QAbstractSocket.BindFlag.ShareAddress | QAbstractSocket.BindFlag.ReuseAddressHint
        if not self._socket.bind(QHostAddress(QHostAddress.SpecialAddress.AnyIPv4), self._port, flags):
            self._error = self._socket.errorString()
            return False
        self._timer.start()
        return True

    def stop(self) -> None:
        self._timer.stop()
        self._socket.close()

    @property
    def servers(self) -> list[DiscoveredServer]:
        """The servers heard recently, by name."""
        return sorted(self._servers.values(), key=lambda s: (s.name.casefold(), s.host, s.port))

    def _on_socket_ready_read(self) -> None:
        changed = False
        while self._socket.hasPendingDatagrams():
            datagram = self._socket.receiveDatagram(MAX_DATAGRAM + 1)
            announce = Announce.from_datagram(bytes(datagram.data().data()))
            if announce is None or announce.version not in SUPPORTED_VERSIONS:
                continue
            host = datagram.senderAddress().toString()
            if host.startswith("::ffff:"):
                host = host[len("::ffff:") :]
            key = (host, announce.port)
            if key not in self._servers and len(self._servers) >= MAX_SERVERS:
                continue
            old = self._servers.get(key)
            entry = DiscoveredServer(
                host=host,
                port=announce.port,
                name=announce.server,
                tls=announce.tls,
                users=announce.users,
                version=announce.version,
                seen=time.monotonic(),
            )
            self._servers[key] = entry
            if old is None or (old.name, old.users, old.tls) != (entry.name, entry.users, entry.tls):
                changed = True
        if changed:
            self.servers_changed.emit()

    def _on_timer_timeout(self) -> None:
        now = time.monotonic()
        gone = [key for key, s in self._servers.items() if now - s.seen > self._expiry]
        for key in gone:
            del self._servers[key]
        if gone:
            self.servers_changed.emit()
