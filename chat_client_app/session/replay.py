"""The replay that follows a welcome: the messages it brings, and where it ends."""

from __future__ import annotations

from chat_client_app.session.events import Output, ReplayFinished, ReplayStarted

__all__ = ["Replay"]


class Replay:
    """One welcome's replay, from the welcome to its end.

    The end is the pong to the ping the session writes once the first read after the
    welcome is handled: the server answers frames in order, so that pong comes after
    every replayed frame. A live frame ends it too, and so does quiet (an older server
    that does not answer pings: the driver's timer).
    """

    __slots__ = ("active", "token", "_announced", "_count", "_first_id")

    def __init__(self) -> None:
        self.active = False
        self.token: str | None = None  # of the ping whose pong ends it
        self._announced = False  # the views hear of its start and end (after a reconnect)
        self._count = 0
        self._first_id = 0

    def start(self, *, announce: bool) -> list[Output]:
        self.active = True
        self.token = None
        self._announced = announce
        self._count = 0
        self._first_id = 0
        return [ReplayStarted()] if announce else []

    def saw(self, message_id: int, *, from_others: bool) -> None:
        """A new message arrived while the replay runs."""
        if not self._first_id:
            self._first_id = message_id
        if from_others:
            self._count += 1

    def ends_with(self, token: str | None) -> bool:
        """Whether a pong with ``token`` is the end of this replay."""
        return self.active and token is not None and token == self.token

    def end(self) -> list[Output]:
        if not self.active:
            return []
        self.active = False
        self.token = None
        return [ReplayFinished(self._count, self._first_id)] if self._announced else []

    def drop(self) -> None:
        """The connection ended with the replay."""
        self.active = False
        self.token = None
