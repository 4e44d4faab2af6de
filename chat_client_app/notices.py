"""Which arriving messages deserve a desktop notice, with no Qt.

A message the user is reading as it arrives (the window is active and shows its chat)
needs none; others from other people do, and a private message or one that names the
user is urgent. A burst gives one notice: about its first urgent message, counting all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chat_client_app.session.state import Chat, chat_of
from shared.messages import ChatMessage
from shared.validation import name_key

__all__ = ["Notice", "notice_for", "names"]


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice tells: one message of ``count`` (the first urgent one, if any)."""

    chat: Chat
    sender: str
    text: str
    count: int
    private: bool
    mention: bool

    @property
    def urgent(self) -> bool:
        return self.private or self.mention


def names(own_name: str, text: str) -> bool:
    """Whether ``text`` names the user: the name as a word of its own, in any case (as
    the timeline's mention highlight reads it)."""
    if not own_name:
        return False
    return re.search(rf"(?<!\w){re.escape(own_name)}(?!\w)", text, re.IGNORECASE) is not None


def notice_for(
    messages: Iterable[ChatMessage], own_name: str, looking_at: Chat | None, *, only_urgent: bool = False
) -> Notice | None:
    """The notice for ``messages`` as they arrive, or ``None``.

    ``looking_at`` is the chat the user is reading (``None`` while the window is not
    active or is minimised); ``only_urgent`` leaves out all but private messages and
    mentions.
    """
    own = name_key(own_name)
    wanted: list[tuple[ChatMessage, Chat, bool, bool]] = []
    for message in messages:
        if message.history or name_key(message.sender) == own:
            continue
        chat = chat_of(message, own)
        if chat == looking_at:
            continue
        private = message.to is not None
        mention = not private and names(own_name, message.text)
        if only_urgent and not (private or mention):
            continue
        wanted.append((message, chat, private, mention))
    if not wanted:
        return None
    first = next((w for w in wanted if w[2] or w[3]), wanted[0])
    message, chat, private, mention = first
    return Notice(chat, message.sender, message.text, len(wanted), private, mention)
