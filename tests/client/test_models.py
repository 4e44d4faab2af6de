"""The message and user models, alone (no server): ordering, bounds, roles, qtmodeltester."""

from __future__ import annotations

import time
from typing import Any, cast

import pytest
from PySide6.QtCore import QAbstractItemModel, QDateTime, QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from chat_client_app import user_model
from chat_client_app.colours import PALETTE_SIZE, contrast, name_colour
from chat_client_app.controller import Outgoing
from chat_client_app.message_model import EntryKind, MentionsFilter, MessageModel, Role
from chat_client_app.user_model import UserListModel
from shared.messages import ChatMessage, format_ts

_next_id = iter(range(1, 10**9))


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """pytest-qt's model tester (untyped), in pure Python so failures say why."""
    cast(Any, tester).check(model, force_py=True)


def msg(
    text: str, sender: str = "bruno", *, to: str | None = None, cid: str | None = None, mid: int = 0
) -> ChatMessage:
    return ChatMessage(
        id=mid or next(_next_id), ts=format_ts(time.time()), sender=sender, text=text, cid=cid, to=to
    )


def out(text: str, cid: str, to: str | None = None) -> Outgoing:
    return Outgoing(cid=cid, text=text, to=to, queued_at=time.time())


def texts(model: MessageModel) -> list[str]:
    return [model.index(r).data() for r in range(model.rowCount())]


@pytest.fixture
def model(qtmodeltester: ModelTester) -> MessageModel:
    m = MessageModel(max_rows=50)
    m.set_own_name("anna")
    check_model(qtmodeltester, m)
    return m


def test_message_model_passes_the_model_tester_through_every_change(
    qtmodeltester: ModelTester, model: MessageModel
) -> None:
    model.add_messages([msg("one"), msg("two", to="anna")])
    model.add_outgoing(out("mine", "c1"))
    model.add_event(EntryKind.JOINED, "→ carla joined", "carla")
    model.add_messages([msg("mine", "anna", cid="c1")])
    model.add_outgoing(out("failing", "c2"))
    model.set_send_state("c2", "failed", "too fast")
    model.set_send_state("c2", "pending")
    model.add_divider("1 missed while you were away", 1, 0)
    model.place_unread_marker("New")
    model.add_messages([msg(f"m{i}") for i in range(60)])  # past the bound of 50
    model.clear()
    check_model(qtmodeltester, model)


def test_roles_of_a_message(model: MessageModel) -> None:
    model.add_messages([msg("ciao <b>x</b>", "bruno", to="anna", mid=7)])
    index = model.index(0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "ciao <b>x</b>"
    assert index.data(Role.TEXT) == "ciao <b>x</b>"
    assert index.data(Role.KIND) == "message"
    assert index.data(Role.SENDER) == "bruno"
    assert index.data(Role.OWN) is False
    assert index.data(Role.PRIVATE) is True
    assert index.data(Role.PEER) == "bruno"  # the other party, seen from anna
    assert index.data(Role.MENTION) is True
    assert index.data(Role.MESSAGE_ID) == 7
    assert index.data(Role.STATE) == ""
    stamp = index.data(Role.TIMESTAMP)
    assert isinstance(stamp, QDateTime)
    assert stamp.timeSpec() == Qt.TimeSpec.LocalTime
    assert abs(stamp.toSecsSinceEpoch() - time.time()) < 60
    assert isinstance(index.data(Role.COLOUR), QColor)
    assert "bruno" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert b"sender" in model.roleNames().values()


def test_mentions_are_whole_words_in_any_case(model: MessageModel) -> None:
    model.add_messages(
        [msg("Anna, look"), msg("@anna?"), msg("annalisa is here"), msg("nobody"), msg("me, anna", "anna")]
    )
    assert [model.index(r).data(Role.MENTION) for r in range(5)] == [True, True, False, False, False]
    mentions = MentionsFilter()
    mentions.setSourceModel(model)
    assert [mentions.index(r, 0).data() for r in range(mentions.rowCount())] == ["Anna, look", "@anna?"]


def test_pending_rows_stay_at_the_bottom_until_their_echo(model: MessageModel) -> None:
    model.add_messages([msg("first")])
    model.add_outgoing(out("mine 1", "c1"))
    model.add_outgoing(out("mine 2", "c2"))
    model.add_messages([msg("from bruno")])
    assert texts(model) == ["first", "from bruno", "mine 1", "mine 2"]
    assert model.pending_count == 2
    # The echo of mine 2 comes first: it moves up, above the still pending mine 1.
    model.add_messages([msg("mine 2", "anna", cid="c2")])
    assert texts(model) == ["first", "from bruno", "mine 2", "mine 1"]
    assert model.index(2).data(Role.STATE) == "sent"
    assert model.index(3).data(Role.STATE) == "pending"
    model.add_messages([msg("later"), msg("mine 1", "anna", cid="c1")])
    assert texts(model) == ["first", "from bruno", "mine 2", "later", "mine 1"]
    assert model.pending_count == 0
    ids = [model.index(r).data(Role.MESSAGE_ID) for r in range(5)]
    assert ids == sorted(ids)


def test_failed_and_retried_rows(model: MessageModel) -> None:
    model.add_outgoing(out("a", "c1"))
    model.add_outgoing(out("b", "c2"))
    model.set_send_state("c1", "failed", "too many messages: slow down")
    # A failed row leaves the pending tail and stays where it is.
    assert texts(model) == ["a", "b"]
    assert model.pending_count == 1
    assert model.index(0).data(Role.STATE) == "failed"
    assert model.index(0).data(Role.REASON) == "too many messages: slow down"
    assert "slow down" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    model.add_messages([msg("other")])
    model.set_send_state("c1", "pending")  # retried: back to the bottom
    assert texts(model) == ["other", "b", "a"]
    assert model.pending_count == 2
    model.set_send_state("c1", "sent")  # confirmed without an echo (a replay showed it)
    assert model.pending_count == 1
    assert model.index(model.row_of_cid("c2")).data(Role.STATE) == "pending"


def test_scrollback_is_bounded_and_drops_the_oldest(qtbot: QtBot) -> None:
    model = MessageModel(max_rows=100)
    model.set_own_name("anna")
    model.add_outgoing(out("still sending", "c1"))
    removed: list[tuple[int, int]] = []
    inserted: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda parent, first, last: removed.append((first, last)))
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.add_messages([msg(f"m{i}") for i in range(250)])
    assert model.rowCount() == 100
    assert inserted == [(0, 99)]  # one insert for the burst, already cut to the bound
    assert removed == [(0, 0)]  # ...and one remove for the overflow
    assert texts(model)[0] == "m151"
    assert texts(model)[-1] == "still sending"  # a pending row is never dropped
    model.add_messages([msg("one more")])
    assert model.rowCount() == 100
    assert texts(model)[-2:] == ["one more", "still sending"]


def test_presence_rows_have_their_own_cap_and_never_evict_messages(qtmodeltester: ModelTester) -> None:
    model = MessageModel(max_rows=5, max_presence_rows=3)
    check_model(qtmodeltester, model)
    model.add_messages([msg(f"m{i}") for i in range(4)])
    for i in range(50):
        model.add_event(EntryKind.JOINED, f"j{i}", f"u{i}")
        model.add_event(EntryKind.LEFT, f"l{i}", f"u{i}")
    assert texts(model) == ["m0", "m1", "m2", "m3", "l48", "j49", "l49"]
    model.add_messages([msg("m4"), msg("m5")])  # over max_rows: the oldest message goes
    assert texts(model) == ["m1", "m2", "m3", "l48", "j49", "l49", "m4", "m5"]
    model.add_messages([msg(f"n{i}") for i in range(5)])  # the presence rows age out with them
    assert texts(model) == [f"n{i}" for i in range(5)]
    model.add_event(EntryKind.JOINED, "j", "u")
    model.clear()
    for i in range(4):
        model.add_event(EntryKind.LEFT, f"after clear {i}", "u")
    assert texts(model) == [f"after clear {i}" for i in (1, 2, 3)]


def test_divider_goes_above_the_first_missed_message(model: MessageModel) -> None:
    model.add_messages([msg("seen", mid=10), msg("missed 1", mid=11), msg("missed 2", mid=12)])
    model.add_outgoing(out("typed while away", "c9"))
    model.add_divider("2 missed while you were away", 2, 11)
    assert texts(model) == [
        "seen",
        "2 missed while you were away",
        "missed 1",
        "missed 2",
        "typed while away",
    ]
    assert model.index(1).data(Role.KIND) == "divider"


def test_unread_marker_moves(model: MessageModel) -> None:
    model.add_messages([msg("a")])
    model.place_unread_marker("New")
    model.add_messages([msg("b")])
    model.place_unread_marker("New")
    model.add_messages([msg("c")])
    assert texts(model) == ["a", "b", "New", "c"]


def test_clear_keeps_what_is_being_sent(model: MessageModel) -> None:
    model.add_messages([msg("a"), msg("b")])
    model.add_outgoing(out("sending", "c1"))
    model.clear()
    assert texts(model) == ["sending"]
    model.clear(include_pending=True)
    assert model.rowCount() == 0
    assert model.pending_count == 0


def test_colours_follow_the_palette_and_stay_stable(model: MessageModel, qtbot: QtBot) -> None:
    model.add_messages([msg("x", "bruno")])
    light = model.index(0).data(Role.COLOUR)
    with qtbot.waitSignal(model.dataChanged):
        model.set_dark(True)
    dark = model.index(0).data(Role.COLOUR)
    assert light == name_colour("bruno", False)
    assert dark == name_colour("BRUNO", True)  # per name, whatever its case
    assert light.lightnessF() < 0.5 < dark.lightnessF()


@pytest.mark.parametrize("dark", [False, True])
def test_name_colours_are_readable(dark: bool) -> None:
    background = QColor("#2d2d2d" if dark else "#ffffff")
    for i in range(300):
        colour = name_colour(f"user{i}", dark)
        assert contrast(colour, background) >= 4.5, (f"user{i}", colour.name())
    # Twelve colours, all different: a room hands them out (test_looks.py).
    assert len({name_colour(f"user{i}", dark).name() for i in range(300)}) == PALETTE_SIZE == 12


def test_user_list_sorted_case_insensitively_with_a_count(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    users = UserListModel()
    check_model(qtmodeltester, users)
    counts: list[int] = []
    users.count_changed.connect(counts.append)
    users.reset(["bruno", "Anna", "carla"])
    users.add("Dario")
    users.add("alberto")
    users.add("ANNA")  # the same user (names are unique case-insensitively)
    assert users.names == ["alberto", "Anna", "bruno", "carla", "Dario"]
    users.remove("BRUNO")
    assert users.names == ["alberto", "Anna", "carla", "Dario"]
    assert counts == [3, 4, 5, 4]
    users.set_own_name("anna")
    assert users.index(1).data(Qt.ItemDataRole.FontRole).bold()
    assert "you" in users.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert "anna" in users
    assert "zed" not in users
    assert users.rowCount(users.index(0)) == 0
    assert users.data(QModelIndex()) is None
    check_model(qtmodeltester, users)


def test_user_list_is_one_row_per_skeleton_but_sorted_as_written(qtmodeltester: ModelTester) -> None:
    """Look-alikes are one user (PROTOCOL.md §8.1); the order is still the names' own:
    a skeleton would sort Mario as "rnario", after Quentin."""
    users = UserListModel()
    users.reset(["Quentin", "Mario", "anna", "\u0410nna"])  # the second Anna: a Cyrillic A
    users.add("\uff41\uff4e\uff4e\uff41")  # fullwidth: Anna again
    assert users.names == ["anna", "Mario", "Quentin"]
    assert "\u0410NNA" in users
    users.set_own_name("\u0430nna")
    assert users.index(0).data(Qt.ItemDataRole.FontRole).bold()
    users.remove("\u0410nna")
    assert users.names == ["Mario", "Quentin"]
    users.add("Anna")
    assert users.names == ["Anna", "Mario", "Quentin"]
    check_model(qtmodeltester, users)


def test_joins_and_leaves_while_a_welcome_is_read_apply_to_it(
    qtbot: QtBot, qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(user_model, "FILL_BUDGET", 0.0)  # one slice of 256 names per pass
    users = UserListModel()
    check_model(qtmodeltester, users)
    users.reset(["anna", "old"])
    users.set_own_name("anna")
    users.reset([f"n{i:04d}" for i in range(1000)] + ["anna"])
    assert users.filling
    assert users.names == ["anna", "old"]  # the old list until the new one is read
    users.remove("n0003")  # read already
    users.remove("n0999")  # not read yet
    users.add("zeta")
    users.add("n0999")  # back again
    with qtbot.waitSignal(users.filled, timeout=5000):
        pass
    names = users.names
    assert len(names) == 1001
    assert "n0003" not in names
    assert names[0] == "anna"
    assert names[-2:] == ["n0999", "zeta"]
    assert users.index(0).data(Qt.ItemDataRole.FontRole).bold()  # still the user's own
