"""Rooms, presence and typing in the pure session (PROTOCOL.md §8.3-§8.4): no Qt, no
socket, no clock; the server's side is played with the frames of :mod:`shared.messages`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_client_app.session import SendState, SendStateChanged
from chat_client_app.session.events import (
    MemberJoined,
    MemberLeft,
    PresenceChanged,
    RoomListReceived,
    RoomsChanged,
    TypingChanged,
    UserLeft,
)
from chat_client_app.session.state import GENERAL_CHAT, Chat
from chat_client_app.session.typists import TYPING_EVERY, TYPING_LAPSE
from shared.messages import (
    ChatMessage,
    Error,
    Join,
    Joined,
    Left,
    ListRooms,
    Part,
    PresenceState,
    RoomInfo,
    RoomList,
    Say,
    Status,
    Typing,
    Welcome,
)
from tests.client.test_session import HERE, TS, Pair, connected_pair, delivered

TOKEN = "t" * 32


def entered(pair: Pair, room: str, users: tuple[str, ...] = ("anna",), topic: str = "") -> None:
    """The server's answer to our own ``join``."""
    pair.server(Joined("anna", TS, room=room, users=users, topic=topic))


def in_room(room: str, id_: int, sender: str = "bruno", *, history: bool = False) -> ChatMessage:
    return ChatMessage(id=id_, ts=TS, sender=sender, text="x", room=room, history=history)


def test_joining_asks_the_server_and_its_answer_brings_the_room_first_after_general() -> None:
    pair = connected_pair()
    places = pair.session.places
    assert list(places.rooms) == [
        "general",
    ]
    assert places.members("general") == ("anna", "bruno")
    assert pair.take(places.join("zoo", connected=True)) == [Join("zoo")]
    assert places.rooms == ("general",)  # nothing before the server's answer
    entered(pair, "zoo", ("anna", "carla"), "animals")
    entered(pair, "dev", ("anna",))
    assert list(places.rooms) == ["general", "dev", "zoo"]
    assert places.members("zoo") == ("anna", "carla")
    assert places.topic("zoo") == "animals"
    assert RoomsChanged(("general", "dev", "zoo")) in pair.events()
    # The same answer again (a join of a room one is in) changes nothing.
    pair.outputs.clear()
    entered(pair, "ZOO", ("anna", "carla"), "animals")
    assert list(places.rooms) == ["general", "dev", "zoo"]
    assert not [e for e in pair.events() if isinstance(e, RoomsChanged)]


def test_others_come_and_go_room_by_room_and_leaving_the_server_is_every_room() -> None:
    pair = connected_pair()
    places = pair.session.places
    entered(pair, "zoo")
    entered(pair, "dev", ("anna", "bruno"))
    pair.outputs.clear()
    pair.server(Joined("bruno", TS, room="zoo"), Joined("carla", TS, room="zoo"))
    assert places.members("zoo") == ("anna", "bruno", "carla")
    assert MemberJoined("zoo", "carla") in pair.events()
    pair.server(Left("carla", TS, "part", room="zoo"))
    assert places.members("zoo") == ("anna", "bruno")
    assert MemberLeft("zoo", "carla", "part") in pair.events()
    pair.outputs.clear()
    pair.server(Left("bruno", TS, "quit"))
    assert places.members("zoo") == ("anna",)
    assert places.members("dev") == ("anna",)
    assert places.members("general") == ("anna",)
    events = pair.events()
    assert UserLeft("bruno", "quit") in events
    assert {e.room for e in events if isinstance(e, MemberLeft)} == {"general", "zoo", "dev"}
    # A room we are not in is none of our business.
    pair.server(Joined("dario", TS, room="secret"))
    assert "secret" not in places.rooms


def test_our_own_part_answer_removes_the_room_and_general_cannot_be_left() -> None:
    pair = connected_pair()
    places = pair.session.places
    entered(pair, "zoo")
    assert places.part("general", connected=True) == []
    assert places.part("zoo", connected=True) == [Part("zoo")]
    pair.server(Left("anna", TS, "part", room="zoo"))
    assert list(places.rooms) == [
        "general",
    ]
    assert RoomsChanged(("general",)) in pair.events()


def test_the_room_list_answer_is_told() -> None:
    pair = connected_pair()
    assert pair.session.places.list_rooms(connected=True) == [ListRooms()]
    rooms = (RoomInfo("general", 3), RoomInfo("zoo", 1, "animals"))
    pair.server(RoomList(rooms))
    assert RoomListReceived(rooms) in pair.events()


def test_presence_comes_as_status_frames_and_a_user_who_leaves_is_available_again() -> None:
    pair = connected_pair()
    places = pair.session.places
    assert places.presence("bruno") == (PresenceState.AVAILABLE, "")
    pair.server(Status(PresenceState.AWAY, "lunch", name="bruno"))
    assert places.presence("Bruno") == (PresenceState.AWAY, "lunch")
    assert PresenceChanged("bruno", PresenceState.AWAY, "lunch") in pair.events()
    pair.outputs.clear()
    pair.server(Status(PresenceState.AWAY, "lunch", name="bruno"))  # nothing new
    assert not pair.events()
    pair.server(Left("bruno", TS, "quit"))
    assert places.presence("bruno") == (PresenceState.AVAILABLE, "")
    assert PresenceChanged("bruno", PresenceState.AVAILABLE, "") in pair.events()


def test_our_own_status_is_sent_kept_and_told_again_after_a_reconnect() -> None:
    pair = connected_pair()
    places = pair.session.places
    out = places.set_status(PresenceState.BUSY, "exam", connected=True)
    assert out == [Status(PresenceState.BUSY, "exam"), PresenceChanged("anna", PresenceState.BUSY, "exam")]
    assert places.set_status(PresenceState.BUSY, "exam", connected=True) == []
    # The server's copy of our own status does not override what the user chose.
    pair.server(Status(PresenceState.AVAILABLE, "", name="anna"))
    assert places.presence("anna") == (PresenceState.BUSY, "exam")
    pair.drop()
    pair.open()
    assert Status(PresenceState.BUSY, "exam") in pair.welcome(0)


def test_typing_shows_until_six_seconds_pass_a_message_arrives_or_the_typist_leaves() -> None:
    pair = connected_pair()
    places = pair.session.places
    entered(pair, "zoo", ("anna", "bruno", "carla"))
    zoo = Chat.room("zoo")
    pair.outputs.clear()
    pair.server(Typing(room="zoo", name="bruno"))
    assert TypingChanged(zoo, ("bruno",)) in pair.events()
    assert places.typists.names(zoo) == ("bruno",)
    assert places.typists.next_lapse() == pair.now + TYPING_LAPSE
    # Another notice before the lapse keeps it up.
    pair.now += 5
    pair.server(Typing(room="zoo", name="bruno"))
    assert list(places.typists.lapse(pair.now + 2)) == []
    assert list(places.typists.lapse(pair.now + TYPING_LAPSE)) == [TypingChanged(zoo, ())]
    # A message from the typist ends it.
    pair.server(Typing(room="zoo", name="carla"))
    pair.outputs.clear()
    events = pair.server(in_room("zoo", 1, sender="carla"))
    assert delivered(events) == [1]
    assert events[-1] == TypingChanged(zoo, ())
    # Leaving the room ends it, and so does leaving the server.
    pair.server(Typing(room="zoo", name="carla"), Left("carla", TS, "part", room="zoo"))
    assert places.typists.names(zoo) == ()
    pair.server(Typing(to="anna", name="bruno"))
    assert places.typists.names(Chat.private("bruno")) == ("bruno",)
    pair.server(Left("bruno", TS, "quit"))
    assert places.typists.names(Chat.private("bruno")) == ()
    # Typing in a room we are not in, or to someone else, is not shown.
    pair.server(Typing(room="secret", name="carla"), Typing(to="carla", name="dario"))
    assert not places.typists


def test_our_own_typing_is_told_at_most_every_three_seconds_per_chat() -> None:
    pair = connected_pair()
    places = pair.session.places
    entered(pair, "zoo")
    zoo = Chat.room("zoo")
    assert places.typing(zoo, 10.0, connected=True) == [Typing(room="zoo")]
    assert places.typing(zoo, 10.0 + TYPING_EVERY - 0.1, connected=True) == []
    assert places.typing(GENERAL_CHAT, 11.0, connected=True) == [Typing()]
    assert places.typing(Chat.private("bruno"), 11.0, connected=True) == [Typing(to="bruno")]
    assert places.typing(zoo, 10.0 + TYPING_EVERY, connected=True) == [Typing(room="zoo")]
    assert places.typing(Chat.room("secret"), 20.0, connected=True) == []
    assert places.typing(zoo, 30.0, connected=False) == []


def test_a_say_to_a_room_carries_it_and_keeps_it_when_sent_again() -> None:
    pair = connected_pair()
    entered(pair, "zoo")
    out, outputs = pair.session.say("hi zoo", room="zoo", now=pair.now)
    assert Say(text="hi zoo", cid=out.cid, room="zoo") in outputs
    assert out.chat == Chat.room("zoo")
    pair.drop()
    pair.open()
    sent = pair.welcome(0)
    assert Join("zoo") in sent  # no token: we join our rooms again ourselves
    again = pair.end_replay(sent)
    assert Say(text="hi zoo", cid=out.cid, room="zoo") in again


def test_not_in_room_marks_that_say_failed() -> None:
    pair = connected_pair()
    out, _ = pair.session.say("hello?", room="zoo", now=pair.now)
    events = pair.server(Error("not_in_room", "you are not in #zoo", cid=out.cid))
    assert events == [SendStateChanged(out.cid, SendState.FAILED, "you are not in #zoo", "not_in_room")]


def test_with_a_token_the_server_puts_us_back_and_rooms_it_does_not_are_gone() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left", token=TOKEN))
    pair.open()
    pair.end_replay(pair.welcome(0))
    entered(pair, "zoo")
    entered(pair, "dev")
    pair.drop()
    pair.open()
    pair.outputs.clear()
    # welcome, the restored rooms' joined, a status, then the replay: none of the
    # frames before the replay ends it.
    pair.server(
        Welcome("anna", ("anna", "bruno"), "srv"),
        Joined("anna", TS, room="zoo", users=("anna", "bruno"), topic="t"),
    )
    pair.server(Status(PresenceState.AWAY, "", name="bruno"), in_room("zoo", 3, history=True))
    assert pair.session.replaying
    pair.take(pair.session.caught_up(pair.now))
    sent = pair.sent()
    assert not [o for o in sent if isinstance(o, Join)]
    assert pair.session.places.rooms == ("general", "dev", "zoo")  # until the replay ends
    pair.end_replay(sent)
    assert list(pair.session.places.rooms) == ["general", "zoo"]
    assert pair.session.places.members("zoo") == ("anna", "bruno")


def test_rooms_asked_for_offline_are_joined_and_parted_once_connected() -> None:
    pair = connected_pair()
    entered(pair, "old")
    pair.drop()
    places = pair.session.places
    assert places.join("new", connected=False) == []
    places.part("old", connected=False)
    assert list(places.rooms) == [
        "general",
    ]
    pair.open()
    sent = pair.welcome(0)
    assert Join("new") in sent
    assert Part("old") in sent
    assert Join("old") not in sent


# --- a property: whatever the server says, the rooms and members add up ----------------

ROOMS = ("general", "zoo", "dev", "Zoo")
PEOPLE = ("anna", "bruno", "carla")

frames = st.one_of(
    st.builds(lambda n, r: Joined(n, TS, room=r), st.sampled_from(PEOPLE), st.sampled_from(ROOMS)),
    st.builds(
        lambda r, u: Joined("anna", TS, room=r, users=tuple(u)),
        st.sampled_from(ROOMS),
        st.lists(st.sampled_from(PEOPLE), unique=True),
    ),
    st.builds(lambda n, r: Left(n, TS, "part", room=r), st.sampled_from(PEOPLE), st.sampled_from(ROOMS)),
    st.builds(lambda n: Left(n, TS, "quit"), st.sampled_from(PEOPLE[1:])),
    st.builds(lambda n, r: Typing(room=r, name=n), st.sampled_from(PEOPLE), st.sampled_from(ROOMS)),
    st.builds(lambda n, r: in_room(r, 0, sender=n), st.sampled_from(PEOPLE), st.sampled_from(ROOMS)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(frames, max_size=40))
def test_rooms_and_members_follow_any_sequence_of_joins_parts_and_messages(sequence: list[object]) -> None:
    pair = connected_pair()
    places = pair.session.places
    model: dict[str, set[str]] = {"general": {"anna", "bruno"}}
    next_id = 1
    for frame in sequence:
        if isinstance(frame, ChatMessage):
            frame = in_room(frame.room, next_id, sender=frame.sender)
            next_id += 1
        pair.server(frame)  # type: ignore[arg-type]
        room = getattr(frame, "room", "general").casefold()
        if isinstance(frame, Joined):
            if frame.name == "anna" and room != "general":
                # Without ``users`` (not a server's answer) what we knew is kept.
                known = model.get(room, set()) if frame.users is None else set(frame.users)
                model[room] = known | {"anna"}
            elif frame.name != "anna" and room in model:
                model[room].add(frame.name)
        elif isinstance(frame, Left) and frame.name != "anna":
            for members in model.values() if room == "general" else [model.get(room, set())]:
                members.discard(frame.name)
        elif isinstance(frame, Left) and room != "general":
            model.pop(room, None)
        assert places.rooms[0] == "general"
        assert [r.casefold() for r in places.rooms[1:]] == sorted(k for k in model if k != "general")
        for key, members in model.items():
            assert set(places.members(key)) == members
        for chat in (Chat.room(r) for r in ROOMS):
            typing = set(places.typists.names(chat))
            assert typing <= model.get(chat.key, set()) - {"anna"}
