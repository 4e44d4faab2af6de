"""Which connections are due for the hello deadline, a ping, or the ping's deadline.

The server's housekeeping tick used to walk every session, once a second: 4-10 ms
at 10 000 users, a stall of the event loop every second for a room that is only
idle. Each deadline here is "so long after an event", and those events come in
time order, so each kind of waiting session sits in a queue oldest first: a tick
reads only the heads that are due, and hearing from a client moves it to the back.

Plain Python, no Qt: sessions are any hashable objects, times any monotonic clock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["Liveness"]

S = TypeVar("S", bound=Hashable)


class Liveness(Generic[S]):
    """Three queues, each oldest first: greeting (since opened), quiet (since last
    heard) and pinged (since the ping). A session is in at most one of them.

    ``OrderedDict``, not ``dict``: taking from the front of a plain dict over and
    over leaves deleted slots that the next ``iter()`` walks again.
    """

    def __init__(self, hello_timeout: float, ping_after: float, ping_timeout: float) -> None:
        self._hello_timeout = hello_timeout
        self._ping_after = ping_after
        self._ping_timeout = ping_timeout
        self._greeting: OrderedDict[S, float] = OrderedDict()
        self._quiet: OrderedDict[S, float] = OrderedDict()
        self._pinged: OrderedDict[S, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._greeting) + len(self._quiet) + len(self._pinged)

    def opened(self, session: S, now: float) -> None:
        """A connection that has not said hello yet."""
        self._greeting[session] = now

    def registered(self, session: S, now: float) -> None:
        """Hello accepted: from now on silence earns a ping."""
        self._greeting.pop(session, None)
        self._quiet[session] = now

    def heard(self, session: S, now: float) -> None:
        """Anything came from a registered session: it is alive, a ping is answered."""
        quiet = self._quiet
        if session in quiet:
            quiet[session] = now
            quiet.move_to_end(session)
        elif self._pinged.pop(session, None) is not None:
            quiet[session] = now

    def forget(self, session: S) -> None:
        self._greeting.pop(session, None)
        self._quiet.pop(session, None)
        self._pinged.pop(session, None)

    def hello_overdue(self, now: float) -> list[S]:
        """Sessions past the hello deadline, taken out (the caller closes them)."""
        return _take_older(self._greeting, now - self._hello_timeout)

    def pong_overdue(self, now: float) -> list[S]:
        """Pinged sessions that stayed silent past the ping's deadline, taken out."""
        return _take_older(self._pinged, now - self._ping_timeout)

    def to_ping(self, now: float) -> list[S]:
        """Sessions silent for longer than ``ping_after``, now counted as pinged at ``now``."""
        due = _take_older(self._quiet, now - self._ping_after)
        for session in due:
            self._pinged[session] = now
        return due


def _take_older(queue: OrderedDict[S, float], limit: float) -> list[S]:
    """Takes from the front of ``queue`` every session whose time is before ``limit``."""
    taken: list[S] = []
    while queue:
        session, since = next(iter(queue.items()))
        if since >= limit:
            break
        del queue[session]
        taken.append(session)
    return taken
