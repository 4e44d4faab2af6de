"""A connection's sending side: the state a server's broadcast walks, and the writes
that go straight to a socket's descriptor instead of through Qt's buffer.

Over plain TCP a connection's bytes go to the kernel at once, with one ``write(2)`` on
the socket's descriptor: an accepted QTcpSocket is always buffered (Qt opens it so
whatever mode is asked), and Qt would copy every write into its ring buffer and write
it out a pass later, one socket notifier at a time. Only what the kernel does not take
is left to Qt, which writes it out when the socket is writable.

Each :class:`~shared.qt.connection.Connection` owns one :class:`Outgoing`;
:func:`send_straight` is a broadcast's tight loop over many of them. What both bought
is measured in bench/README.md (*What made the difference*, *The fan-out loop*).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtNetwork import QTcpSocket

    from shared.qt.connection import Connection

__all__ = ["DIRECT_WRITES", "Outgoing", "send_straight", "write_some"]

DIRECT_WRITES = os.name == "posix"
"""Whether a socket's descriptor takes ``os.write``: on Windows it is a SOCKET handle,
not a C runtime file descriptor, and only Qt may write to it. Tests turn it off to run
the portable path (Qt's own writes) on Linux too."""


class Outgoing:
    """A connection's sending side, on a plain object that a broadcast can walk.

    A server's broadcast visits thousands of these per pass; reaching the same state
    through the PySide connection object touches several cold objects per attribute,
    and this one is a few slots on one cache line.

    ``fd >= 0`` means nothing is held back: every byte so far went to the kernel,
    and the next ones may go straight to ``fd`` too.
    """

    __slots__ = ("fd", "descriptor", "sent", "_owner", "__weakref__")

    def __init__(self, owner: Connection) -> None:
        # Where bytes go straight to the kernel now: -1 while Qt holds bytes (later
        # ones queue behind them), and whenever ``descriptor`` is -1.
        self.fd = -1
        # The socket's descriptor while writing to it directly is allowed at all: -1
        # before it is connected, over TLS, once closing, and from the moment the
        # socket may have closed it (the number may then belong to another socket).
        self.descriptor = -1
        self.sent = 0
        # Weak: the connection owns this object, and a cycle would be left to the
        # garbage collector (see Connection.__init__).
        self._owner = weakref.ref(owner)

    @property
    def connection(self) -> Connection | None:
        return self._owner()

    @property
    def writes_straight(self) -> bool:
        """Whether the next bytes go straight to the kernel: every earlier byte did.

        False while Qt holds bytes back, and always over TLS, once closing, and where
        descriptors take no direct writes; then ``Connection.is_backlogged`` tells
        whether Qt still holds any.
        """
        return self.fd >= 0

    def write_directly(self, descriptor: int) -> None:
        """The socket is connected on ``descriptor``: write to it straight from now on,
        where the platform allows it."""
        if DIRECT_WRITES:
            self.fd = self.descriptor = descriptor

    def forget_descriptor(self) -> None:
        self.fd = self.descriptor = -1

    def leave_rest_to_qt(self, socket: QTcpSocket, data: bytes, written: int) -> None:
        """After ``written`` bytes of ``data`` went to the kernel: Qt takes the rest."""
        if written < len(data):
            self.fd = -1  # until Qt's buffer is empty, later bytes queue behind it
            if socket.write(data if written == 0 else data[written:]) < 0:
                self.forget_descriptor()  # Qt closed it, and may not say so
                self.sent += written
                return
        self.sent += len(data)


def write_some(out: Outgoing, data: bytes) -> int:
    """Bytes of ``data`` the kernel took at once on ``out.fd`` (0 when its buffer is full)."""
    try:
        return os.write(out.fd, data)
    except BlockingIOError:
        return 0
    except OSError:
        # The peer is gone (EPIPE, ECONNRESET): Qt's own write finds out and reports
        # it the usual way, through errorOccurred and disconnected.
        out.forget_descriptor()
        return 0


def send_straight(outs: Iterable[Outgoing], data: bytes, skip: Container[Outgoing] = ()) -> list[Outgoing]:
    """Write ``data`` to each of ``outs`` whose bytes go straight to the kernel, in one
    tight loop: a server's broadcast, where the Python around each ``write(2)`` adds up.

    Returns the others, not written to: those that held bytes back in Qt at their last
    send (Qt may have written them out since: their next ``send_frames`` finds out),
    and those closing or that never write straight. The caller decides about them (a
    server checks how far behind they are first) and sends with ``send_frames``.
    ``skip`` are left out.
    """
    held: list[Outgoing] = []
    if not data:
        return held
    size = len(data)
    for out in outs:
        if out.fd < 0:
            if out not in skip:
                held.append(out)
            continue
        if out in skip:
            continue
        written = write_some(out, data)
        if written == size:
            out.sent += size
        elif (conn := out.connection) is not None:
            out.leave_rest_to_qt(conn.socket, data, written)
    return held
