"""One timeline per room and private conversation, and what of each is unread.

``general`` keeps the window's first :class:`~chat_client_app.message_model.MessageModel`
(its finder and mentions read it); every other chat gets its own, made when its first
row arrives. Messages from others that arrive where the user is not looking count as
unread in the :class:`~chat_client_app.room_list_model.RoomListModel`, put that
timeline's unread marker above the first of them, and after a reconnect each timeline
that missed something gets its own "missed while you were away" divider.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject

from chat_client_app.message_entry import Entry, EntryKind
from chat_client_app.message_model import MessageModel
from chat_client_app.room_list_model import RoomListModel
from chat_client_app.session.state import GENERAL_CHAT, Chat, Outgoing, SendState, chat_of
from shared.messages import ChatMessage
from shared.validation import name_key

__all__ = ["Timelines"]


class Timelines(QObject):
    """The chats' message models, the current chat, and their unread counts."""

    def __init__(self, general: MessageModel, rooms: RoomListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._models: dict[Chat, MessageModel] = {GENERAL_CHAT: general}
        self._rooms = rooms
        self._current = GENERAL_CHAT
        self._own_name = ""
        self._dark = False
        self._missed: dict[Chat, tuple[int, int]] = {}  # chat -> (count, first id) of a replay
        self._replaying = False

    @property
    def current(self) -> Chat:
        return self._current

    def model(self, chat: Chat) -> MessageModel:
        """``chat``'s timeline (made on first use)."""
        found = self._models.get(chat)
        if found is None:
            general = self._models[GENERAL_CHAT]
            found = MessageModel(general.max_rows, self)
            found.set_own_name(self._own_name)
            found.set_dark(self._dark)
            self._models[chat] = found
        return found

    def has(self, chat: Chat) -> bool:
        return chat in self._models

    def set_current(self, chat: Chat) -> MessageModel:
        """The user looks at ``chat`` now: its unread count is cleared."""
        self._current = chat
        self._rooms.add(chat)
        self._rooms.mark_read(chat)
        return self.model(chat)

    def looked_at(self) -> None:
        """The window is the user's again: what the current chat got meanwhile is read."""
        self._rooms.mark_read(self._current)

    def set_own_name(self, name: str) -> None:
        self._own_name = name
        for model in self._models.values():
            model.set_own_name(name)

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        for model in self._models.values():
            model.set_dark(dark)

    # --- rows ----------------------------------------------------------------------------

    def add_messages(self, messages: Iterable[ChatMessage], *, attentive: bool) -> list[Entry]:
        """Each message into its chat's timeline (``general``'s is the window's to fill:
        only the others are added here); unread counted where the user is not looking."""
        own = name_key(self._own_name)
        by_chat: dict[Chat, list[ChatMessage]] = {}
        for message in messages:
            by_chat.setdefault(chat_of(message, own), []).append(message)
        entries: list[Entry] = []
        for chat, run in by_chat.items():
            live = [m for m in run if not m.history and name_key(m.sender) != own]
            if self._replaying:
                self._saw_replay(chat, run, own)
            looking = attentive and chat == self._current
            model = self.model(chat)
            if live and not looking and not self._rooms.unread(chat) and not chat.is_general:
                model.place_unread_marker(self.tr("New"))
            added = model.add_messages(run) if not chat.is_general else []
            entries += added
            self._rooms.add(chat)
            if live and not looking:
                mention = any(e.mention for e in added) or any(m.to is not None for m in live)
                if chat.is_general:
                    mention = any(self._names_me(m) for m in live)
                self._rooms.count_unread(chat, len(live), mention=mention)
        return entries

    def _names_me(self, message: ChatMessage) -> bool:
        return bool(self._own_name) and name_key(self._own_name) in {
            name_key(w) for w in message.text.split()
        }

    def insert_past(self, chat: Chat, messages: Iterable[ChatMessage]) -> list[Entry]:
        """A page of ``chat``'s past the user asked for, into its timeline in id order:
        counted neither unread nor missed, and no marker moves."""
        self._rooms.add(chat)
        return self.model(chat).insert_past(messages)

    def add_outgoing(self, out: Outgoing) -> None:
        """A say the user typed (``general``'s is the window's to add)."""
        self._rooms.add(out.chat)
        if not out.chat.is_general:
            self.model(out.chat).add_outgoing(out)

    def set_send_state(self, cid: str, state: SendState | str, reason: str = "") -> None:
        for chat, model in self._models.items():
            if not chat.is_general:
                model.set_send_state(cid, state, reason)

    def add_event(self, chat: Chat, kind: EntryKind, text: str, sender: str = "") -> None:
        self.model(chat).add_event(kind, text, sender)

    def forget(self, chat: Chat) -> None:
        """The user left ``chat``: its timeline goes (``general``'s never does)."""
        if chat.is_general:
            return
        model = self._models.pop(chat, None)
        if model is not None:
            model.deleteLater()
        self._rooms.remove(chat)
        if chat == self._current:
            self._current = GENERAL_CHAT

    # --- "missed while you were away" ------------------------------------------------------

    def replay_started(self) -> None:
        self._replaying = True
        self._missed.clear()

    def _saw_replay(self, chat: Chat, run: list[ChatMessage], own: str) -> None:
        others = [m for m in run if name_key(m.sender) != own]
        if not others:
            return
        count, first = self._missed.get(chat, (0, 0))
        self._missed[chat] = (count + len(others), first or others[0].id)

    def replay_finished(self) -> None:
        """A divider in each timeline besides ``general`` (the window's own) that missed some."""
        self._replaying = False
        for chat, (count, first) in self._missed.items():
            if not chat.is_general:
                text = self.tr("%n missed while you were away", "", count)
                self.model(chat).add_divider(text, count, first)

    def missed_in_general(self) -> tuple[int, int]:
        """How many messages from others the last replay brought to ``general``, and the
        id of the first (kept until the next replay starts)."""
        return self._missed.get(GENERAL_CHAT, (0, 0))
