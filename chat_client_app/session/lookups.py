"""What the user looks up on the server: a search's pages (docs/PROTOCOL.md §8.7), and
the page of a chat's history around a message (§8.8), as when a result is opened.

Pure state, driven by the session: it makes the ``history`` to write, remembers what
it asked, and reads the server's ``results`` and ``page`` into events. A page is
believed only as far as it answers what was asked: one with another ``sid`` (late,
or never asked for) is dropped, and of the rest only the messages of the chat asked
for are told, in id order, once each, as history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from chat_client_app.session.events import HistoryPageReceived, Output, SearchResults
from chat_client_app.session.ids import new_cid
from chat_client_app.session.state import Chat, chat_of
from shared.around_messages import HistoryAround, HistoryPage
from shared.messages import ChatMessage
from shared.search_messages import Results
from shared.validation import name_key

__all__ = ["Lookups", "LOOKUP_FRAMES"]

LOOKUP_FRAMES = (Results, HistoryPage)
"""The server's frames :meth:`Lookups.receive` reads."""


class Lookups:
    """The page the user asked for last, and the server's answers to lookups."""

    __slots__ = ("_asked", "_new_id")

    def __init__(self, new_id: Callable[[], str] = new_cid) -> None:
        self._new_id = new_id
        self._asked: tuple[str, Chat, int] | None = None  # sid, chat, around

    def around(self, chat: Chat, message_id: int, *, connected: bool) -> tuple[str | None, list[Output]]:
        """Ask for ``chat``'s messages around ``message_id``; its ``sid``, None when not
        connected. Only the last one asked for is awaited: the user opened another result
        (a page asked for on an earlier connection never comes: its sid is not reused)."""
        if not connected:
            return None, []
        sid = self._new_id()
        self._asked = (sid, chat, message_id)
        if chat.is_room:
            return sid, [HistoryAround(sid, message_id, room=chat.name)]
        return sid, [HistoryAround(sid, message_id, peer=chat.name)]

    def receive(self, message: Results | HistoryPage, own_key: str) -> list[Output]:
        """One of :data:`LOOKUP_FRAMES`; ``own_key`` is the user's name key."""
        if isinstance(message, Results):
            return [SearchResults(message.sid, message.messages, message.more, message.before)]
        asked = self._asked
        if asked is None or message.sid != asked[0]:
            return []
        self._asked = None
        sid, chat, around = asked
        mine = {m.id: m for m in message.messages if chat_of(m, own_key) == chat and _ours(m, own_key)}
        past = tuple(
            m if m.history else dataclasses.replace(m, history=True) for _, m in sorted(mine.items())
        )
        return [HistoryPageReceived(sid, chat, around, past)]


def _ours(message: ChatMessage, own_key: str) -> bool:
    """A public message, or a private one to or from the user (not between two others)."""
    return message.to is None or own_key in (name_key(message.sender), name_key(message.to))
