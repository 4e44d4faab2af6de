"""How many descriptors the server may still open, so that it stops accepting before
the system refuses one.

Qt's listener cannot be trusted at the limit: its socket engine keeps the first
error it ever set, so once an ``accept`` has met an empty backlog (a harmless
EAGAIN), a later EMFILE is taken for the same temporary error, and the accept loop
retries at once, forever, at 100 % CPU. The server therefore never lets it get
there: past :data:`RESERVE` descriptors from the limit it accepts no more.
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["RESERVE", "Headroom", "raise_soft_limit"]

RESERVE = 32
"""Descriptors kept for what is not a connection: the history's files, a TLS
certificate read again, the checkpointer's connection, a log file."""

_PROC_FD = "/proc/self/fd"


def _limit() -> int | None:
    """The soft limit on open descriptors (read each time: it can change while the
    server runs, ``prlimit`` does so), or ``None`` where there is none to read."""
    if sys.platform == "win32":
        return None
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _open_now() -> int | None:
    try:
        return len(os.listdir(_PROC_FD))
    except OSError:
        return None  # not Linux: counted from the connections instead


def raise_soft_limit() -> None:
    """Take the hard limit as the soft one: 1024, the usual default, is a lab's worth
    of connections with little to spare."""
    if sys.platform == "win32":
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        # Some systems cap what may be asked; the soft limit then stays.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Headroom:
    """Whether one more connection fits under the descriptor limit.

    The exact count (``/proc/self/fd``) is read only near the limit: far from it,
    the descriptors open at the start plus the connections open now tell enough.
    """

    def __init__(self) -> None:
        self._base = _open_now() or 16

    def fits_one_more(self, connections: int) -> bool:
        limit = _limit()
        if limit is None:
            return True
        if self._base + connections + 2 * RESERVE < limit:
            return True
        exact = _open_now()
        in_use = exact if exact is not None else self._base + connections
        return in_use + RESERVE < limit
