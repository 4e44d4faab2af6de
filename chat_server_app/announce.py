"""The LAN announce of PROTOCOL.md §7: one UDP broadcast datagram every 2 s."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QHostAddress, QNetworkInterface, QUdpSocket

from shared.discovery import Announce
from shared.limits import ANNOUNCE_INTERVAL

__all__ = ["Announcer", "broadcast_addresses"]


def broadcast_addresses() -> list[QHostAddress]:
    """The broadcast address of every running IPv4 interface that has one.

    Sending to each interface's own broadcast address reaches every LAN the
    machine is on; 255.255.255.255 would leave through the default route only.
    """
    flags = QNetworkInterface.InterfaceFlag
    out: list[QHostAddress] = []
    for interface in QNetworkInterface.allInterfaces():
        iflags = interface.flags()
        if not (iflags & flags.IsUp and iflags & flags.IsRunning and iflags & flags.CanBroadcast):
            continue
        for entry in interface.addressEntries():
            broadcast = entry.broadcast()
            if not broadcast.isNull() and broadcast not in out:
                out.append(broadcast)
    return out


class Announcer(QObject):
    """Announces the server while it listens.

    ``describe`` is asked for the current announce at each tick (the user count
    changes; a bound method is held weakly, as the announcer is its object's child
    and a strong reference back would leave the pair to the garbage collector);
    ``targets`` defaults to :func:`broadcast_addresses`, read afresh at
    each tick so that a laptop joining a network is announced there too.
    """

    def __init__(
        self,
        describe: Callable[[], Announce],
        port: int,
        targets: Sequence[QHostAddress] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._describe: Callable[[], Callable[[], Announce] | None] = (
            weakref.WeakMethod(describe) if inspect.ismethod(describe) else lambda: describe
        )
        self._port = port
        self._targets = list(targets) if targets is not None else None
        self._socket = QUdpSocket(self)
        self._timer = QTimer(self)
        self._timer.setInterval(int(ANNOUNCE_INTERVAL * 1000))
        self._timer.timeout.connect(self.announce_now)
        self.sent = 0

    def start(self) -> None:
        self.announce_now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def announce_now(self) -> None:
        describe = self._describe()
        if describe is None:
            return
        datagram = describe().to_datagram()
        targets = self._targets if self._targets is not None else broadcast_addresses()
        for address in targets:
            # A failed send (no route, interface gone) is not worth a word: the
            # next tick tries again, and the server works without discovery.
            if self._socket.writeDatagram(datagram, address, self._port) >= 0:
                self.sent += 1
