"""The client's rooms, presence and typing on the Qt side (PROTOCOL.md §8.3-§8.4).

:class:`RoomsController` is the part of the :class:`~chat_client_app.controller.ClientController`
(its ``rooms``) that asks the session's :class:`~chat_client_app.session.places.Places`
to join, part, list rooms, set a status or tell the server the user types, and turns
what it reports into signals. The rules are in the session; this only wires them to Qt
and keeps the timer of the 6 s lapse of typing notices.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from chat_client_app.session import ClientSession, Output
from chat_client_app.session import events as ev
from chat_client_app.session.state import Chat
from shared.messages import PresenceState

__all__ = ["RoomsController"]


class RoomsController(QObject):
    """Rooms, members, presence and typing of one client's session."""

    # ``object`` throughout: the names come from the wire (see ClientController) and
    # the enums must arrive as members.
    rooms_changed = Signal(object)  # tuple[str, ...]: the user's rooms, general first
    room_members_changed = Signal(object)  # room: its members or topic changed
    member_joined = Signal(object, object)  # room, name (general: came to the server)
    member_left = Signal(object, object, object)  # room, name, reason (general: left the server)
    room_list_received = Signal(object)  # tuple[RoomInfo, ...]: the answer to list_rooms
    status_changed = Signal(object, object, object)  # name, PresenceState, text
    typing_changed = Signal(object, object)  # Chat, tuple[str, ...]: who types there now
    # room (never general: see ClientController.read_only_changed), whether only the
    # operator writes there, whether the operator just switched it (else: learnt on joining)
    read_only_changed = Signal(object, bool, bool)
    topic_changed = Signal(object, object)  # room, its new topic ("" cleared): the operator set it

    def __init__(
        self,
        session: ClientSession,
        act: Callable[[list[Output]], None],
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._act = act
        self.clock = clock
        """Where the typing lapses read the time (tests move it instead of waiting 6 s)."""
        self._lapse_timer = QTimer(self)
        self._lapse_timer.setSingleShot(True)
        self._lapse_timer.timeout.connect(self.check_lapses)

    # --- what the UI reads ----------------------------------------------------------

    @property
    def rooms(self) -> tuple[str, ...]:
        return self._session.places.rooms

    def members(self, room: str) -> tuple[str, ...]:
        return self._session.places.members(room)

    def topic(self, room: str) -> str:
        return self._session.places.topic(room)

    def read_only(self, room: str) -> bool:
        return self._session.places.read_only(room)

    def is_in(self, room: str) -> bool:
        return self._session.places.is_in(room)

    def presence(self, name: str) -> tuple[PresenceState, str]:
        return self._session.places.presence(name)

    @property
    def own_presence(self) -> tuple[PresenceState, str]:
        return self._session.places.own_presence

    def typists(self, chat: Chat) -> tuple[str, ...]:
        return self._session.places.typists.names(chat)

    # --- what the UI asks ----------------------------------------------------------

    def join_room(self, room: str) -> None:
        """Enter ``room`` (made if new); offline, once connected. The server's answer
        brings it into :attr:`rooms`."""
        self._act(self._session.places.join(room, connected=self._session.connected))

    def part_room(self, room: str) -> None:
        self._act(self._session.places.part(room, connected=self._session.connected))

    def list_rooms(self) -> None:
        """Ask for the server's rooms: :attr:`room_list_received` answers."""
        self._act(self._session.places.list_rooms(connected=self._session.connected))

    def set_status(self, state: PresenceState, text: str = "") -> None:
        self._act(self._session.places.set_status(state, text, connected=self._session.connected))

    def typing(self, chat: Chat) -> None:
        """The user typed in ``chat``: told to the server at most every 3 s."""
        self._act(self._session.places.typing(chat, self.clock(), connected=self._session.connected))

    # --- telling -----------------------------------------------------------------------

    def tellers(self) -> dict[type, Callable[[Any], None]]:
        """How each of the session's events of rooms is told."""
        return {
            ev.RoomsChanged: lambda e: self.rooms_changed.emit(e.rooms),
            ev.MembersChanged: lambda e: self.room_members_changed.emit(e.room),
            ev.MemberJoined: lambda e: self.member_joined.emit(e.room, e.name),
            ev.MemberLeft: lambda e: self.member_left.emit(e.room, e.name, e.reason),
            ev.RoomListReceived: lambda e: self.room_list_received.emit(e.rooms),
            ev.PresenceChanged: lambda e: self.status_changed.emit(e.name, e.state, e.text),
            ev.TypingChanged: self._tell_typing,
            ev.RoomReadOnly: lambda e: self.read_only_changed.emit(e.room, e.on, e.switched),
            ev.TopicChanged: lambda e: self.topic_changed.emit(e.room, e.topic),
        }

    def _tell_typing(self, event: ev.TypingChanged) -> None:
        self._arm_lapse()
        self.typing_changed.emit(event.chat, event.names)

    def _arm_lapse(self) -> None:
        due = self._session.places.typists.next_lapse()
        if due is None:
            self._lapse_timer.stop()
            return
        self._lapse_timer.start(max(0, math.ceil((due - self.clock()) * 1000)))

    def check_lapses(self) -> None:
        """End the typing notices whose 6 s are over by :attr:`clock` (the timer calls it)."""
        self._act(list(self._session.places.typists.lapse(self.clock())))
        self._arm_lapse()
