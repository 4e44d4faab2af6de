"""One epoll set for the reads of a server's sockets, watched by one Qt socket notifier.

Qt's Unix event dispatcher polls every socket notifier it has on every pass of the
loop: ``ppoll`` over all of them, after rebuilding the list from a hash, then a scan
of the whole list for the few that are ready. With a server's thousand connections
that is 0.2-0.5 ms a pass before the first byte of a message is read (measured at
F1000), and milliseconds at 10 000. Here the kernel keeps the set: each accepted
connection registers its descriptor once, Qt polls one descriptor for all of them,
and a pass reads only the sockets that have something (``epoll_wait`` returns them).

Linux only (``select.epoll``); elsewhere :func:`read_reactor` answers ``None`` and
connections read through Qt as before.
"""

from __future__ import annotations

import contextlib
import select
import weakref
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Slot

__all__ = ["DIRECT_READ_BYTES", "HAS_EPOLL", "ReadReactor", "Readable", "qt_read_notifier", "read_reactor"]

DIRECT_READ_BYTES = 64 * 1024
"""The most one read from the reactor asks the kernel for (less when a connection's
``max_read`` is). ``os.read`` allocates what it asks for first, and 256 KiB is past the
C allocator's mmap threshold: every small message cost an mmap, an mremap and a munmap
(bench/README.md, *Reads from one epoll set*). The rest is read on the next pass."""


class Readable(Protocol):
    def read_ready(self) -> None:
        """The descriptor has bytes to read, or the peer has closed it."""


class ReadReactor(QObject):
    """Tells each registered :class:`Readable` when its descriptor can be read.

    Level-triggered: a reader that leaves bytes for the next pass (a cap per read, for
    fairness) is told again on the next pass, with no timer of its own.
    """

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__()
        # Weakly: a reactor must not keep the application alive, only know it.
        self.app = weakref.ref(app)
        self._epoll = select.epoll()
        # Weakly too: a reader dropped without being closed is not kept alive by this.
        self._readers: weakref.WeakValueDictionary[int, Readable] = weakref.WeakValueDictionary()
        self._notifier = QSocketNotifier(self._epoll.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_activated)

    def register(self, fd: int, reader: Readable) -> bool:
        """Watch ``fd`` for ``reader``; whether it could be (a closed descriptor cannot)."""
        try:
            self._epoll.register(fd, select.EPOLLIN)
        except FileExistsError:
            # Still in the set: its earlier reader did not say it was done. Take it over.
            self._epoll.modify(fd, select.EPOLLIN)
        except OSError:
            return False
        self._readers[fd] = reader
        return True

    def unregister(self, fd: int, reader: Readable) -> None:
        """Stop watching ``fd`` for ``reader`` (a no-op if another reader has it now)."""
        if self._readers.get(fd) is not reader:
            return
        del self._readers[fd]
        with contextlib.suppress(OSError):  # closed already: the kernel dropped it
            self._epoll.unregister(fd)

    @property
    def watched(self) -> int:
        return len(self._readers)

    @Slot()
    def _on_activated(self) -> None:
        readers = self._readers
        for fd, _events in self._epoll.poll(0):
            if (reader := readers.get(fd)) is not None:
                reader.read_ready()
            else:
                # Its reader went during this pass (then this is a no-op), or is gone
                # without a word: a level-triggered set would report it on every pass.
                with contextlib.suppress(OSError):
                    self._epoll.unregister(fd)


_reactor: ReadReactor | None = None

HAS_EPOLL = hasattr(select, "epoll")


def qt_read_notifier(socket: QObject, fd: int) -> QSocketNotifier | None:
    """Qt's own read notifier for ``fd``, among the children of ``socket``, for a reader
    that switches it off while the reactor watches ``fd``.

    PySide keeps the wrappers that ``findChildren`` made (for the socket's engine and
    notifiers) for good, memory that each connection read this way pays once
    (``findChild`` does the same).
    """
    return next(
        (
            n
            for n in socket.findChildren(QSocketNotifier)
            if n.type() == QSocketNotifier.Type.Read and n.socket() == fd
        ),
        None,
    )


def read_reactor() -> ReadReactor | None:
    """The application's reactor (made on first use, in the thread of its event loop),
    or ``None`` where the platform has no epoll, or while there is no application (a
    socket notifier made before it, or kept after it, never fires)."""
    global _reactor
    app = QCoreApplication.instance()
    if not HAS_EPOLL or app is None:
        return None
    if _reactor is None or _reactor.app() is not app:
        _reactor = ReadReactor(app)
    return _reactor
