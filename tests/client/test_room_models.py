"""The models of rooms and presence, alone (no window, no server): the room list, the
members of a room, presence in the users list, one timeline per chat."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from chat_client_app.member_model import MemberListModel
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.room_list_model import RoomListModel, RoomRole
from chat_client_app.session.state import GENERAL_CHAT, Chat, Outgoing, SendState
from chat_client_app.timelines import Timelines
from chat_client_app.user_model import UserListModel
from shared.messages import ChatMessage, PresenceState, format_ts
from tests.client.test_models import check_model

ZOO, DEV = Chat.room("zoo"), Chat.room("dev")

_ids = iter(range(1, 10**9))


def said(
    text: str, sender: str = "bruno", *, room: str = "general", to: str | None = None, history: bool = False
) -> ChatMessage:
    return ChatMessage(next(_ids), format_ts(time.time()), sender, text, to=to, room=room, history=history)


def labels(model: RoomListModel) -> list[str]:
    return [model.index(r).data() for r in range(model.rowCount())]


def test_the_room_list_has_general_first_then_rooms_by_name_then_private_chats(
    qtmodeltester: ModelTester,
) -> None:
    rooms = RoomListModel()
    check_model(qtmodeltester, rooms)
    rooms.add(Chat.private("carla"))
    rooms.set_rooms(("general", "zoo", "Dev"))
    rooms.add(Chat.private("Bruno"))
    assert labels(rooms) == ["#general", "#Dev", "#zoo", "Bruno", "carla"]
    rooms.set_rooms(("general", "Dev"))  # parted zoo: private chats stay
    assert labels(rooms) == ["#general", "#Dev", "Bruno", "carla"]
    rooms.remove(GENERAL_CHAT)
    assert rooms.chat_at(0) == GENERAL_CHAT


def test_unread_and_mentions_show_per_entry_and_in_bold_until_read() -> None:
    rooms = RoomListModel()
    rooms.set_rooms(("general", "zoo"))
    rooms.count_unread(ZOO, 2)
    rooms.count_unread(ZOO, 1, mention=True)
    index = rooms.index(rooms.row_of(ZOO))
    assert index.data(RoomRole.UNREAD) == 3
    assert index.data(RoomRole.MENTION) is True
    assert index.data(RoomRole.BOLD) is True
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    assert index.data() == "#zoo (3 @)"
    assert "3 unread" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    rooms.mark_read(ZOO)
    assert index.data(RoomRole.BOLD) is False
    assert index.data(Qt.ItemDataRole.FontRole) is None
    assert index.data() == "#zoo"


def test_room_members_list_the_present_first_with_their_state(qtmodeltester: ModelTester) -> None:
    members = MemberListModel()
    check_model(qtmodeltester, members)
    states = {"carla": (PresenceState.AWAY, "lunch")}
    members.set_presence_source(lambda n: states.get(n, (PresenceState.AVAILABLE, "")))
    members.set_members(["anna", "Zed", "bruno", "carla"], present=lambda n: n != "bruno")
    assert members.names == ["anna", "carla", "Zed", "bruno"]
    carla = members.index(1)
    assert carla.data() == "carla — lunch"
    assert "away: lunch" in carla.data(Qt.ItemDataRole.AccessibleTextRole)
    assert not carla.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert "not connected" in members.index(3).data(Qt.ItemDataRole.AccessibleTextRole)


def test_the_users_list_shows_each_state_and_text() -> None:
    users = UserListModel()
    users.reset(["anna", "bruno"])
    states = {"bruno": (PresenceState.BUSY, "exam <b>")}
    users.set_presence_source(lambda n: states.get(n, (PresenceState.AVAILABLE, "")))
    bruno = users.index(1)
    assert bruno.data() == "bruno — exam <b>"  # plain text: the view draws it as it is
    assert "busy" in bruno.data(Qt.ItemDataRole.AccessibleTextRole)
    assert bruno.data(Qt.ItemDataRole.EditRole) == "bruno"


def make_timelines() -> tuple[Timelines, MessageModel, RoomListModel]:
    general, rooms = MessageModel(), RoomListModel()
    rooms.set_rooms(("general", "zoo", "dev"))
    timelines = Timelines(general, rooms)
    timelines.set_own_name("anna")
    return timelines, general, rooms


def texts(model: MessageModel) -> list[str]:
    return [e.text for e in model.entries() if e.kind is EntryKind.MESSAGE]


def test_two_rooms_messages_land_in_their_own_timelines_with_unread_counts() -> None:
    timelines, general, rooms = make_timelines()
    timelines.add_messages(
        [said("z1", room="zoo"), said("d1", room="dev"), said("z2", room="zoo")], attentive=True
    )
    assert texts(timelines.model(ZOO)) == ["z1", "z2"]
    assert texts(timelines.model(DEV)) == ["d1"]
    assert texts(general) == []  # general's rows are the window's
    assert rooms.unread(ZOO) == 2
    assert rooms.unread(DEV) == 1
    assert timelines.model(ZOO).entry(0).kind is EntryKind.UNREAD
    timelines.set_current(ZOO)
    assert rooms.unread(ZOO) == 0
    # Where the user looks, nothing is unread; away from the window, it is.
    timelines.add_messages([said("z3", room="zoo")], attentive=True)
    assert rooms.unread(ZOO) == 0
    timelines.add_messages([said("z4 anna", room="zoo")], attentive=False)
    assert rooms.unread(ZOO) == 1
    assert rooms.mentioned(ZOO)
    timelines.looked_at()
    assert rooms.unread(ZOO) == 0


def test_private_messages_open_one_conversation_per_person() -> None:
    timelines, _, rooms = make_timelines()
    timelines.add_messages([said("psst", "Bruno", to="anna"), said("hi", "anna", to="bruno")], attentive=True)
    bruno = Chat.private("bruno")
    assert texts(timelines.model(bruno)) == ["psst", "hi"]
    assert rooms.unread(bruno) == 1
    assert rooms.mentioned(bruno)  # a private message is for the user
    assert Chat.private("carla") not in rooms.chats


def test_a_say_to_a_room_waits_in_that_timeline_and_is_settled_there() -> None:
    timelines, general, _ = make_timelines()
    out = Outgoing(cid="c1", text="hello zoo", to=None, queued_at=time.time(), room="zoo")
    timelines.add_outgoing(out)
    zoo = timelines.model(ZOO)
    assert zoo.pending_count == 1
    assert general.pending_count == 0
    timelines.set_send_state("c1", SendState.FAILED, "you are not in #zoo")
    assert zoo.entry(zoo.row_of_cid("c1")).state is SendState.FAILED


def test_each_timeline_that_missed_messages_gets_its_own_divider() -> None:
    timelines, _, _ = make_timelines()
    timelines.replay_started()
    timelines.add_messages([said("z", room="zoo", history=True), said("g", history=True)], attentive=True)
    assert timelines.missed_in_general()[0] == 1
    timelines.replay_finished()
    kinds = [e.kind for e in timelines.model(ZOO).entries()]
    assert kinds == [EntryKind.DIVIDER, EntryKind.MESSAGE]
    assert EntryKind.DIVIDER not in [e.kind for e in timelines.model(DEV).entries()]


def test_leaving_a_room_forgets_its_timeline_and_general_stays() -> None:
    timelines, general, rooms = make_timelines()
    timelines.set_current(ZOO)
    timelines.forget(ZOO)
    assert timelines.current == GENERAL_CHAT
    assert ZOO not in rooms.chats
    timelines.forget(GENERAL_CHAT)
    assert timelines.model(GENERAL_CHAT) is general
