"""Who is typing where, and when each notice lapses (PROTOCOL.md §8.4); and when the
user's own typing is worth telling the server again."""

from __future__ import annotations

from chat_client_app.session.events import TypingChanged
from chat_client_app.session.state import Chat
from shared.validation import name_key

__all__ = ["Typists", "TYPING_LAPSE", "TYPING_EVERY"]

TYPING_LAPSE = 6.0
"""Seconds a ``typing`` notice holds without another (§8.4)."""

TYPING_EVERY = 3.0
"""Seconds between two of the user's own ``typing`` notices to one chat: half the
lapse, so a steady typist never seems to stop at the other end."""


class Typists:
    """For each chat, who is typing there and until when (times of the caller's clock)."""

    __slots__ = ("_until", "_names", "_sent")

    def __init__(self) -> None:
        self._until: dict[Chat, dict[str, float]] = {}  # chat -> name key -> lapse time
        self._names: dict[str, str] = {}  # name key -> the spelling to show
        self._sent: dict[Chat, float] = {}  # chat -> when we last told the server

    def __bool__(self) -> bool:
        return bool(self._until)

    def names(self, chat: Chat) -> tuple[str, ...]:
        return tuple(self._names.get(k, k) for k in self._until.get(chat, {}))

    def saw(self, chat: Chat, name: str, now: float) -> list[TypingChanged]:
        """``name`` is typing in ``chat``: told when they were not already."""
        key = name_key(name)
        typing = self._until.setdefault(chat, {})
        fresh = key not in typing
        typing[key] = now + TYPING_LAPSE
        self._names[key] = name
        return [TypingChanged(chat, self.names(chat))] if fresh else []

    def stopped(self, chat: Chat, name: str) -> list[TypingChanged]:
        """``name`` spoke in ``chat`` or left it: no longer typing there."""
        typing = self._until.get(chat)
        if typing is None or typing.pop(name_key(name), None) is None:
            return []
        if not typing:
            del self._until[chat]
        return [TypingChanged(chat, self.names(chat))]

    def gone(self, name: str) -> list[TypingChanged]:
        """``name`` left the server: no longer typing anywhere."""
        out: list[TypingChanged] = []
        for chat in list(self._until):
            out += self.stopped(chat, name)
        return out

    def left_room(self, chat: Chat) -> list[TypingChanged]:
        """The user is no longer in ``chat``: nobody's typing there concerns them."""
        if self._until.pop(chat, None) is None:
            return []
        return [TypingChanged(chat, ())]

    def clear(self) -> list[TypingChanged]:
        """A new connection: every notice of the old one is void."""
        chats, self._until = list(self._until), {}
        self._sent.clear()
        return [TypingChanged(chat, ()) for chat in chats]

    def lapse(self, now: float) -> list[TypingChanged]:
        """Notices whose time ran out by ``now``."""
        out: list[TypingChanged] = []
        for chat, typing in list(self._until.items()):
            over = [k for k, until in typing.items() if until <= now]
            if not over:
                continue
            for key in over:
                del typing[key]
            if not typing:
                del self._until[chat]
            out.append(TypingChanged(chat, self.names(chat)))
        return out

    def next_lapse(self) -> float | None:
        """When the next notice lapses (``None``: nobody is typing)."""
        return min((t for typing in self._until.values() for t in typing.values()), default=None)

    def may_tell(self, chat: Chat, now: float) -> bool:
        """Whether the user's typing in ``chat`` is worth a ``typing`` now (at most one per
        :data:`TYPING_EVERY`); when it is, the time is taken as told."""
        last = self._sent.get(chat)
        if last is not None and now - last < TYPING_EVERY:
            return False
        self._sent[chat] = now
        return True

    def told_message(self, chat: Chat) -> None:
        """The user sent a message to ``chat``: their next keystroke there is news again."""
        self._sent.pop(chat, None)
