"""The chat window's rooms: the room list, the timeline and users shown for the chat
the user picked, the "Anna is typing…" line, and where the send box's says go.

The window keeps ``general``'s timeline and users list as before; this object adds the
other chats around them (see :mod:`chat_client_app.timelines`).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from chat_client_app.controller import ClientController
from chat_client_app.member_model import MemberListModel
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.room_list_model import RoomListModel
from chat_client_app.room_list_panel import RoomListPanel
from chat_client_app.session.state import GENERAL_CHAT, Chat, Outgoing
from chat_client_app.timelines import Timelines
from chat_client_app.user_list_panel import UserListPanel
from chat_client_app.user_model import UserListModel
from shared.messages import ChatMessage, PresenceState, RoomInfo
from shared.validation import GENERAL, name_key

__all__ = ["WindowRooms"]


class WindowRooms(QObject):
    """Signals: chat_changed(Chat) when the user looks at another chat."""

    chat_changed = Signal(object)

    def __init__(
        self,
        controller: ClientController,
        general: MessageModel,
        users: UserListModel,
        view: MessageView,
        users_panel: UserListPanel,
        typing_line: QLabel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._rc = controller.rooms
        self._users = users
        self._view = view
        self._users_panel = users_panel
        self._typing_line = typing_line
        self.rooms_model = RoomListModel(self)
        self.timelines = Timelines(general, self.rooms_model, self)
        self.members = MemberListModel(self)
        users.set_presence_source(self._rc.presence)
        users.set_name_colours(general.name_colours)
        self.members.set_presence_source(self._rc.presence)
        self.panel: RoomListPanel | None = None
        rc = self._rc
        rc.rooms_changed.connect(self._on_rooms_rooms_changed)
        rc.room_members_changed.connect(self._on_rooms_room_members_changed)
        rc.member_joined.connect(self._on_rooms_member_joined)
        rc.member_left.connect(self._on_rooms_member_left)
        rc.status_changed.connect(self._on_rooms_status_changed)
        rc.typing_changed.connect(self._on_rooms_typing_changed)
        rc.room_list_received.connect(self._on_rooms_room_list_received)
        rc.read_only_changed.connect(self._on_rooms_read_only_changed)
        rc.topic_changed.connect(self._on_rooms_topic_changed)
        controller.notice_received.connect(self._on_controller_notice_received)
        controller.replay_started.connect(self.timelines.replay_started)
        controller.replay_finished.connect(self._on_controller_replay_finished)

    def attach(self, panel: RoomListPanel) -> None:
        self.panel = panel
        panel.chat_selected.connect(self.select)
        panel.join_requested.connect(self.join)
        panel.part_requested.connect(self.part)
        panel.list_requested.connect(self._rc.list_rooms)
        panel.show_chat(self.current)

    # --- what the window asks -------------------------------------------------------------

    @property
    def current(self) -> Chat:
        return self.timelines.current

    def target(self) -> tuple[str, str | None]:
        """Where a plain line typed now goes: (room, private recipient or None)."""
        chat = self.current
        return (chat.name, None) if chat.is_room else (GENERAL, chat.name)

    def select(self, chat: Chat) -> None:
        """Show ``chat``: its timeline, its members, who types there."""
        model = self.timelines.set_current(chat)
        if self._view.model() is not model:
            self._view.setModel(model)
            self._view.scroll_to_end()
        if chat.is_general or not chat.is_room:
            self._users_panel.show_model(self._users)
        else:
            self._refresh_members()
            self._users_panel.show_model(self.members)
        self._show_typing()
        if self.panel is not None:
            self.panel.show_chat(chat)
        self.chat_changed.emit(chat)

    def join(self, room: str) -> None:
        self._wanted = name_key(room)
        self._rc.join_room(room)

    def part(self, room: str | None) -> None:
        chat = self.current if room is None else Chat.room(room)
        if not chat.is_room or chat.is_general:
            if not chat.is_room:
                self.timelines.forget(chat)  # a private conversation: just closed
                self.select(GENERAL_CHAT)
            return
        self._rc.part_room(chat.name)

    def typed(self) -> None:
        self._rc.typing(self.current)

    def set_status(self, state: PresenceState, text: str) -> None:
        self._rc.set_status(state, text)

    def add_messages(self, messages: list[ChatMessage], *, attentive: bool) -> list[ChatMessage]:
        """Each message to its chat's timeline; the ones of ``general`` are returned, for
        the window's own timeline."""
        self.timelines.add_messages(messages, attentive=attentive)
        return [m for m in messages if m.to is None and name_key(m.room) == GENERAL_CHAT.key]

    def add_outgoing(self, out: Outgoing) -> bool:
        """A say the user typed; ``True`` when it belongs to ``general`` (the window's)."""
        self.timelines.add_outgoing(out)
        return out.chat.is_general

    def info(self, text: str) -> None:
        """A local line in the timeline being looked at."""
        self.timelines.add_event(self.current, EntryKind.INFO, text)
        self._view.scroll_to_end()

    # --- what the controller says ------------------------------------------------------------

    _wanted = ""  # the room the user just asked to join: shown once the server answers

    def _on_rooms_rooms_changed(self, rooms: tuple[str, ...]) -> None:
        now = {Chat.room(r) for r in rooms}
        for chat in self.rooms_model.chats:
            if chat.is_room and not chat.is_general and chat not in now:
                self.timelines.forget(chat)
        self.rooms_model.set_rooms(rooms)
        wanted = next((Chat.room(r) for r in rooms if name_key(r) == self._wanted), None)
        if wanted is not None:
            self._wanted = ""
            self.select(wanted)
        elif self._view.model() is not self.timelines.model(self.current):
            self.select(self.current)  # the room looked at is gone
        elif self.panel is not None:
            self.panel.show_chat(self.current)

    def _on_rooms_room_members_changed(self, room: str) -> None:
        if self.current == Chat.room(room) and not self.current.is_general:
            self._refresh_members()

    def _refresh_members(self) -> None:
        present = {name_key(n) for n in self._rc.members(GENERAL)}
        self.members.set_own_name(self._controller.name)
        self.members.set_name_colours(self.timelines.model(self.current).name_colours)
        self.members.set_members(self._rc.members(self.current.name), lambda n: name_key(n) in present)

    def _on_controller_notice_received(self, text: str, room: str) -> None:
        chat = Chat.room(room)
        if not chat.is_general:
            self.timelines.add_event(chat, EntryKind.NOTICE, self.tr("Notice: {text}").format(text=text))

    def _on_rooms_read_only_changed(self, room: str, on: bool, switched: bool) -> None:
        # The server's notice says it in English; its read_only says it to us.
        if not switched:
            return  # learnt on joining: the banner shows it, nothing happened
        text = (
            self.tr("The teacher has paused #{room}: only they can write there for now.")
            if on
            else self.tr("#{room} is open again: everyone can write there.")
        )
        self.timelines.add_event(Chat.room(room), EntryKind.NOTICE, text.format(room=room))

    def _on_rooms_topic_changed(self, room: str, topic: str) -> None:
        text = (
            self.tr("The topic of #{room} is now: {topic}").format(room=room, topic=topic)
            if topic
            else self.tr("The topic of #{room} was cleared.").format(room=room)
        )
        self.timelines.add_event(Chat.room(room), EntryKind.NOTICE, text)

    def _on_rooms_member_joined(self, room: str, name: str) -> None:
        chat = Chat.room(room)
        if not chat.is_general:
            text = self.tr("→ {name} joined #{room}").format(name=name, room=room)
            self.timelines.add_event(chat, EntryKind.JOINED, text, name)

    def _on_rooms_member_left(self, room: str, name: str, reason: str) -> None:
        chat = Chat.room(room)
        if not chat.is_general:
            text = self.tr("← {name} left #{room}").format(name=name, room=room)
            self.timelines.add_event(chat, EntryKind.LEFT, text, name)

    def _on_rooms_status_changed(self, name: str, state: PresenceState, text: str) -> None:
        self._users.presence_changed(name)
        self.members.presence_changed(name)

    def _on_rooms_typing_changed(self, chat: Chat, names: tuple[str, ...]) -> None:
        if chat == self.current:
            self._show_typing()

    def _show_typing(self) -> None:
        names = self._rc.typists(self.current)
        if not names:
            text = ""
        elif len(names) == 1:
            text = self.tr("{name} is typing…").format(name=names[0])
        elif len(names) == 2:
            text = self.tr("{first} and {second} are typing…").format(first=names[0], second=names[1])
        else:
            text = self.tr("%n people are typing…", "", len(names))
        self._typing_line.setText(text)
        # Shown only while someone types: empty, it was a gap above the input line in
        # a small window. The input line stays put (the timeline above gives up the
        # line and keeps its end in view), so showing it moves nothing the user uses.
        self._typing_line.setVisible(bool(text))

    def _on_controller_replay_finished(self, count: int, first_id: int) -> None:
        self.timelines.replay_finished()

    def _on_rooms_room_list_received(self, rooms: Iterable[RoomInfo]) -> None:
        self.info(self.tr("Rooms on this server:"))
        for room in rooms:
            line = self.tr("#{room}: %n user(s)", "", room.users).format(room=room.name)
            self.info(f"{line} — {room.topic}" if room.topic else line)
