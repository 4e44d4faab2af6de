"""Where the client stands in one server's history, and whether it is still that history."""

from __future__ import annotations

from shared.messages import Welcome

__all__ = ["History"]


class History:
    """The newest message seen, the welcome's floor, and the server's ``server_id``.

    Ids only increase within one history (§6), so an id at or below ``last_seen`` is a
    duplicate. A history that started over (§8.1: another ``server_id``; an older server:
    a ``last_id`` below what we saw) counts from 1 again: what was seen of the old one is
    forgotten, or every new message would look like a duplicate.
    """

    __slots__ = ("last_seen", "floor", "server_id")

    def __init__(self) -> None:
        self.last_seen = 0  # newest message id shown; replays at or below it are duplicates
        self.floor = 0  # welcome.last_id, for a since when we have seen no message at all
        self.server_id = ""  # of the last welcome (kept across runs by the driver)

    def forget(self, server_id: str = "") -> None:
        """Another place: nothing seen there yet; ``server_id`` as remembered from before."""
        self.last_seen = 0
        self.floor = 0
        self.server_id = server_id

    @property
    def since(self) -> int:
        return self.last_seen if self.last_seen else self.floor

    def welcomed(self, welcome: Welcome) -> bool:
        """Take ``welcome``'s view of the history; whether it says the history was reset
        (another ``server_id`` than the last one known: the user is told)."""
        reset = bool(welcome.server_id and self.server_id and welcome.server_id != self.server_id)
        if reset or welcome.last_id < self.last_seen:
            self.last_seen = 0
        if welcome.server_id:
            self.server_id = welcome.server_id
        self.floor = welcome.last_id
        return reset

    def is_new(self, message_id: int) -> bool:
        """Whether message ``message_id`` was not seen yet (it is, from now on)."""
        if message_id > self.last_seen:
            self.last_seen = message_id
            return True
        return False
