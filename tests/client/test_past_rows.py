"""A page of history around a search's result put into a timeline (docs/PROTOCOL.md
§8.8): the model alone, no window, no server."""

from __future__ import annotations

import time
from typing import Any, cast

from pytestqt.modeltest import ModelTester

from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.session.state import Chat, Outgoing
from chat_client_app.timelines import Timelines
from shared.messages import ChatMessage, format_ts
from tests.client.test_room_models import make_timelines

ZOO = Chat.room("zoo")


def at(id_: int, text: str = "", *, room: str = "zoo", history: bool = False) -> ChatMessage:
    return ChatMessage(id_, format_ts(time.time()), "bruno", text or f"m{id_}", room=room, history=history)


def rows(model: MessageModel) -> list[str]:
    """Each row as its id (a message) or its kind (anything else)."""
    return [str(e.msg_id) if e.kind is EntryKind.MESSAGE else e.kind.value for e in model.entries()]


def live_zoo(timelines: Timelines, *ids: int) -> MessageModel:
    timelines.add_messages([at(i) for i in ids], attentive=False)  # unread: a "New" marker
    return timelines.model(ZOO)


def test_a_page_goes_in_id_order_among_the_rows_without_duplicates(qtmodeltester: ModelTester) -> None:
    timelines, _, rooms = make_timelines()
    zoo = live_zoo(timelines, 20, 30)
    cast(Any, qtmodeltester).check(zoo)  # the C++ tester: the timeline goes before teardown
    assert rows(zoo) == ["unread", "20", "30"]
    added = timelines.insert_past(ZOO, [at(25, history=True), at(10), at(20), at(15), at(35)])
    assert [e.msg_id for e in added] == [10, 15, 25, 35]
    # Older than every message: first; the others after the last older message.
    assert rows(zoo) == ["10", "15", "unread", "20", "25", "30", "35"]
    assert rooms.unread(ZOO) == 2  # the page is neither new nor counted


def test_markers_stay_above_the_newer_messages_they_mark() -> None:
    timelines, _, _ = make_timelines()
    zoo = live_zoo(timelines, 20)
    timelines.set_current(ZOO)
    timelines.replay_started()
    timelines.add_messages([at(40, history=True), at(41, history=True)], attentive=True)
    timelines.replay_finished()
    assert rows(zoo) == ["unread", "20", "divider", "40", "41"]
    timelines.insert_past(ZOO, [at(5), at(30), at(39), at(40)])
    assert rows(zoo) == ["5", "unread", "20", "30", "39", "divider", "40", "41"]


def test_a_page_stays_above_the_messages_being_sent_and_a_full_scrollback_keeps_it() -> None:
    timelines, _, _ = make_timelines()
    zoo = timelines.model(ZOO)
    zoo.set_max_rows(3)
    timelines.add_messages([at(50), at(60), at(70)], attentive=True)
    timelines.add_outgoing(Outgoing(cid="c1", text="typed", to=None, queued_at=time.time(), room="zoo"))
    timelines.insert_past(ZOO, [at(55), at(80)])
    assert rows(zoo) == ["55", "60", "70", "80", "0"]  # 50 went when "typed" came: 3 rows kept
    assert zoo.pending_count == 1
    assert zoo.entry(zoo.row_of_cid("c1")).text == "typed"


def test_general_and_a_private_conversation_take_pages_too() -> None:
    timelines, general, rooms = make_timelines()
    general.add_messages([at(100, room="general")])
    timelines.insert_past(Chat.room("general"), [at(90, room="general")])
    assert rows(general) == ["90", "100"]
    bruno = Chat.private("bruno")
    pm = ChatMessage(7, format_ts(time.time()), "bruno", "psst", to="anna", history=True)
    timelines.insert_past(bruno, [pm])
    assert rows(timelines.model(bruno)) == ["7"]
    assert bruno in rooms.chats
    assert rooms.unread(bruno) == 0
    assert timelines.model(bruno).entries()[0].peer == "bruno"
