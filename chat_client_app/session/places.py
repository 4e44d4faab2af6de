"""The rooms the user is in, who is in each, everyone's presence and who is typing where
(PROTOCOL.md §8.3-§8.4, and docs/PROTOCOL.md for what the contract leaves open).

Pure state, driven by the session: it reads the frames of rooms, presence and typing,
and answers with what to write and what to tell, like the session itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chat_client_app.session.events import (
    MemberJoined,
    MemberLeft,
    MembersChanged,
    NoticeReceived,
    Output,
    PresenceChanged,
    RoomListReceived,
    RoomReadOnly,
    RoomsChanged,
    TopicChanged,
    UserJoined,
    UserLeft,
)
from chat_client_app.session.state import GENERAL_CHAT, Chat, chat_of
from chat_client_app.session.typists import Typists
from shared.messages import (
    ChatMessage,
    Join,
    Joined,
    Left,
    ListRooms,
    Notice,
    Part,
    PresenceState,
    RoomList,
    ServerMessage,
    Status,
    Typing,
    Welcome,
)
from shared.validation import GENERAL, name_key

__all__ = ["Places", "Room", "ROOM_FRAMES"]

ROOM_FRAMES = (Joined, Left, RoomList, Status, Typing)
"""The server's frames :meth:`Places.receive` reads."""

_AVAILABLE = (PresenceState.AVAILABLE, "")


@dataclass(slots=True)
class Room:
    """One room the user is in: its name as the server spells it, topic and members."""

    name: str
    topic: str = ""
    members: dict[str, str] = field(default_factory=dict)  # name key -> name
    read_only: bool = False


class Places:
    """What the user knows of rooms, presence and typing on the current server."""

    __slots__ = (
        "_rooms",
        "_presence",
        "_own",
        "_own_key",
        "_own_name",
        "_restoring",
        "_wanted",
        "_unwanted",
        "_fresh",
        "typists",
    )

    def __init__(self) -> None:
        self._rooms: dict[str, Room] = {GENERAL_CHAT.key: Room(GENERAL)}
        self._presence: dict[str, tuple[str, PresenceState, str]] = {}  # name key -> name, state, text
        self._own: tuple[PresenceState, str] = _AVAILABLE
        self._own_key = ""
        self._own_name = ""
        # Rooms of the last connection the server has not put us back in yet (§8.3:
        # with a token it does, right after the welcome and before the replay).
        self._restoring: set[str] = set()
        self._wanted: dict[str, str] = {}  # rooms to join once connected (asked while offline)
        self._unwanted: dict[str, str] = {}  # rooms to part once connected
        # Rooms just joined whose past the server sends next (older ids than we have
        # seen: taken, not dropped as duplicates), until the room's first live message.
        self._fresh: set[str] = set()
        self.typists = Typists()

    # --- what the views read -----------------------------------------------------------

    @property
    def rooms(self) -> tuple[str, ...]:
        """The rooms the user is in: ``general`` first, then by name."""
        others = sorted((k, r.name) for k, r in self._rooms.items() if k != GENERAL_CHAT.key)
        return (self._rooms[GENERAL_CHAT.key].name, *(name for _, name in others))

    def is_in(self, room: str) -> bool:
        return name_key(room) in self._rooms

    def members(self, room: str) -> tuple[str, ...]:
        """Who is in ``room`` (as ``welcome.users`` sorts them); empty if the user is not."""
        found = self._rooms.get(name_key(room))
        return tuple(sorted(found.members.values())) if found is not None else ()

    def topic(self, room: str) -> str:
        found = self._rooms.get(name_key(room))
        return found.topic if found is not None else ""

    def read_only(self, room: str) -> bool:
        """Whether only the operator writes in ``room`` (a room's own switch; ``general``'s
        is the welcome's and its notices')."""
        found = self._rooms.get(name_key(room))
        return found.read_only if found is not None else False

    def presence(self, name: str) -> tuple[PresenceState, str]:
        """``name``'s state and text (``available`` and no text unless told otherwise)."""
        if name_key(name) == self._own_key:
            return self._own
        entry = self._presence.get(name_key(name))
        return (entry[1], entry[2]) if entry is not None else _AVAILABLE

    @property
    def own_presence(self) -> tuple[PresenceState, str]:
        return self._own

    # --- a new connection --------------------------------------------------------------

    def welcomed(self, welcome: Welcome, *, restores: bool) -> list[Output]:
        """A welcome: ``general`` is the welcome's users; the other rooms are put back by
        the server (``restores``: a reserved name) or joined again by us; the user's own
        presence, forgotten by the server, is told again."""
        self._own_key = name_key(welcome.name)
        self._own_name = welcome.name
        self._fresh.clear()  # a past still to come is the replay's now
        outputs: list[Output] = []
        general = self._rooms[GENERAL_CHAT.key]
        general.members = {name_key(n): n for n in welcome.users}
        outputs.append(MembersChanged(general.name))
        for key, (name, state, text) in list(self._presence.items()):
            del self._presence[key]
            if (state, text) != _AVAILABLE:
                outputs.append(PresenceChanged(name, PresenceState.AVAILABLE, ""))
        outputs += self.typists.clear()
        others = {k: r.name for k, r in self._rooms.items() if k != GENERAL_CHAT.key}
        for room in self._rooms.values():
            if room is not general:
                room.members = {}
                outputs.append(MembersChanged(room.name))
        if restores:
            self._restoring = set(others)
            joins = dict(self._wanted)
        else:
            self._restoring = set()
            joins = {**others, **self._wanted}
        outputs += [Join(name) for key, name in joins.items() if key not in self._unwanted]
        outputs += [Part(name) for name in self._unwanted.values()]
        self._wanted.clear()
        self._unwanted.clear()
        if self._own != _AVAILABLE:
            outputs.append(Status(*self._own))
        return outputs

    def restored(self) -> list[Output]:
        """The replay is over: rooms the server did not put us back in are gone."""
        gone, self._restoring = self._restoring, set()
        outputs: list[Output] = []
        for key in gone:
            outputs += self._drop_room(key)
        if gone:
            outputs.append(RoomsChanged(self.rooms))
        return outputs

    @staticmethod
    def before_replay(message: ServerMessage) -> bool:
        """Frames a server sends between its welcome and the replay (§8.3-§8.4): they do
        not mark the replay's end as a live frame does."""
        return isinstance(message, Status) or (isinstance(message, Joined) and message.users is not None)

    # --- what the user asks -------------------------------------------------------------

    def join(self, room: str, *, connected: bool) -> list[Output]:
        if connected:
            return [Join(room)]
        self._unwanted.pop(name_key(room), None)
        self._wanted[name_key(room)] = room
        return []

    def part(self, room: str, *, connected: bool) -> list[Output]:
        key = name_key(room)
        if key == GENERAL_CHAT.key:
            return []
        if connected:
            return [Part(room)]
        self._wanted.pop(key, None)
        if key not in self._rooms:
            return []
        self._unwanted[key] = self._rooms[key].name
        return [*self._drop_room(key), RoomsChanged(self.rooms)]

    def list_rooms(self, *, connected: bool) -> list[Output]:
        return [ListRooms()] if connected else []

    def set_status(self, state: PresenceState, text: str, *, connected: bool) -> list[Output]:
        if (state, text) == self._own:
            return []
        self._own = (state, text)
        outputs: list[Output] = [Status(state, text)] if connected else []
        if self._own_key:
            outputs.append(PresenceChanged(self._own_name, state, text))
        return outputs

    def typing(self, chat: Chat, now: float, *, connected: bool) -> list[Output]:
        if not connected or (chat.is_room and chat.key not in self._rooms):
            return []
        if not self.typists.may_tell(chat, now):
            return []
        return [Typing(to=chat.name)] if not chat.is_room else [Typing(room=chat.name)]

    # --- what the server says -----------------------------------------------------------

    def receive(self, message: ServerMessage, now: float) -> list[Output]:
        """One of :data:`ROOM_FRAMES`."""
        if isinstance(message, Joined):
            return self._on_joined(message)
        if isinstance(message, Left):
            return self._on_left(message)
        if isinstance(message, Status):
            return self._on_status(message)
        if isinstance(message, Typing):
            return self._on_typing(message, now)
        if isinstance(message, RoomList):
            return [RoomListReceived(message.rooms)]
        return []

    def noticed(self, notice: Notice) -> list[Output]:
        """A ``notice``: a room's switch or topic as what it tells, for the views to say
        in the user's words; else (the operator's own words, the whole chat's switch)
        as it came."""
        key = name_key(notice.room)
        room = self._rooms.get(key)
        structured = notice.topic is not None or (notice.read_only is not None and key != GENERAL_CHAT.key)
        if not structured:
            return [NoticeReceived(notice.text, notice.room, notice.read_only)]
        if room is None:
            return []  # not a room of ours: a server that should not have told us
        outputs: list[Output] = []
        if notice.read_only is not None and key != GENERAL_CHAT.key and notice.read_only != room.read_only:
            room.read_only = notice.read_only
            outputs.append(RoomReadOnly(room.name, room.read_only, True))
        if notice.topic is not None and notice.topic != room.topic:
            room.topic = notice.topic
            outputs += [TopicChanged(room.name, room.topic), MembersChanged(room.name)]
        return outputs

    def past(self, message: ChatMessage) -> bool:
        """Whether ``message`` is of the past of a room just joined (shown once, there)."""
        return message.history and name_key(message.room) in self._fresh

    def spoke(self, message: ChatMessage) -> list[Output]:
        """A message arrived: its author is no longer typing there (§8.4)."""
        if not message.history:
            self._fresh.discard(name_key(message.room))
        if not self.typists:
            return []
        return list(self.typists.stopped(self.chat_of(message), message.sender))

    def chat_of(self, message: ChatMessage) -> Chat:
        """Where ``message`` belongs: its room, or the conversation with the other person."""
        return chat_of(message, self._own_key)

    def _on_joined(self, joined: Joined) -> list[Output]:
        key = name_key(joined.room)
        if name_key(joined.name) == self._own_key:
            if key == GENERAL_CHAT.key:
                return []
            fresh = key not in self._rooms
            if fresh:
                self._fresh.add(key)
            room = self._rooms.setdefault(key, Room(joined.room))
            outputs: list[Output] = [RoomsChanged(self.rooms)] if fresh else []
            if joined.users is not None:
                room.members = {name_key(n): n for n in joined.users}
                chat = Chat.room(room.name)
                for name in self.typists.names(chat):
                    if name_key(name) not in room.members:
                        outputs += self.typists.stopped(chat, name)
            room.members[self._own_key] = joined.name
            if joined.topic is not None:
                room.topic = joined.topic
            # Told on every answer, not only on a switch: a room paused before the
            # user came in shows so at once.
            room.read_only = joined.read_only
            self._restoring.discard(key)
            return [*outputs, MembersChanged(room.name), RoomReadOnly(room.name, room.read_only, False)]
        theirs = self._rooms.get(key)
        if theirs is None:
            return []  # not a room of ours: a server that should not have told us
        theirs.members[name_key(joined.name)] = joined.name
        outputs = [MemberJoined(theirs.name, joined.name), MembersChanged(theirs.name)]
        if key == GENERAL_CHAT.key:
            outputs.insert(0, UserJoined(joined.name))
        return outputs

    def _on_left(self, left: Left) -> list[Output]:
        key = name_key(left.room)
        who = name_key(left.name)
        if who == self._own_key:
            if key == GENERAL_CHAT.key or key not in self._rooms:
                return []
            return [*self._drop_room(key), RoomsChanged(self.rooms)]
        if key != GENERAL_CHAT.key:
            room = self._rooms.get(key)
            if room is None or room.members.pop(who, None) is None:
                return []
            typing = self.typists.stopped(Chat.room(room.name), left.name)
            return [MemberLeft(room.name, left.name, left.reason), MembersChanged(room.name), *typing]
        # Gone from the server: from every room, and available when they come back.
        outputs: list[Output] = [UserLeft(left.name, left.reason)]
        for room in self._rooms.values():
            if room.members.pop(who, None) is not None:
                outputs += [MemberLeft(room.name, left.name, left.reason), MembersChanged(room.name)]
        entry = self._presence.pop(who, None)
        if entry is not None and (entry[1], entry[2]) != _AVAILABLE:
            outputs.append(PresenceChanged(left.name, PresenceState.AVAILABLE, ""))
        outputs += self.typists.gone(left.name)
        return outputs

    def _on_status(self, status: Status) -> list[Output]:
        if status.name is None:
            return []
        key = name_key(status.name)
        if key == self._own_key:
            # Our own, as the server took it: the user's choice stays ours to tell.
            return []
        old = self._presence.get(key)
        self._presence[key] = (status.name, status.state, status.text)
        if old is None and (status.state, status.text) == _AVAILABLE:
            return []
        if old is not None and (old[1], old[2]) == (status.state, status.text):
            return []
        return [PresenceChanged(status.name, status.state, status.text)]

    def _on_typing(self, typing: Typing, now: float) -> list[Output]:
        if typing.name is None or name_key(typing.name) == self._own_key:
            return []
        if typing.to is not None:
            if name_key(typing.to) != self._own_key:
                return []
            return list(self.typists.saw(Chat.private(typing.name), typing.name, now))
        room = self._rooms.get(name_key(typing.room))
        if room is None or name_key(typing.name) not in room.members:
            return []
        return list(self.typists.saw(Chat.room(room.name), typing.name, now))

    def _drop_room(self, key: str) -> list[Output]:
        self._fresh.discard(key)
        room = self._rooms.pop(key, None)
        if room is None:
            return []
        return list(self.typists.left_room(Chat.room(room.name)))
