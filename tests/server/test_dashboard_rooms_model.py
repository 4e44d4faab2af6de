"""The rooms table model without a window: rows, check box, plain text, and the
signals it emits, watched by pytest-qt's ``qtmodeltester``."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.rooms_model import RoomColumn, RoomsModel
from chat_server_app.room_desk import RoomView

GENERAL = RoomView("general", 3, 10, False, "", False)
GIOCHI = RoomView("giochi", 2, 4, True, "<b>Quake</b> stasera", False)
AULA = RoomView("Aula", 0, 0, False, "", True)


def cell(model: RoomsModel, row: int, column: RoomColumn, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.index(row, column).data(role)


def test_rows_show_each_room_and_the_read_only_box(qtmodeltester: ModelTester) -> None:
    model = RoomsModel()
    model.set_rooms([GENERAL, AULA, GIOCHI])
    cast(Any, qtmodeltester).check(model)  # pytest-qt leaves check unannotated
    assert [cell(model, r, RoomColumn.NAME) for r in range(3)] == ["#general", "#Aula", "#giochi"]
    assert cell(model, 2, RoomColumn.MEMBERS) == 2
    assert cell(model, 2, RoomColumn.MESSAGES) == 4
    assert cell(model, 2, RoomColumn.TOPIC) == "<b>Quake</b> stasera"
    assert cell(model, 2, RoomColumn.READ_ONLY, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(model, 1, RoomColumn.READ_ONLY, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.flags(model.index(0, RoomColumn.READ_ONLY)) & Qt.ItemFlag.ItemIsUserCheckable
    # a topic's tooltip shows its markup as text
    tip = str(cell(model, 2, RoomColumn.TOPIC, Qt.ItemDataRole.ToolTipRole))
    assert "&lt;b&gt;Quake&lt;/b&gt;" in tip
    assert model.headerData(RoomColumn.TOPIC, Qt.Orientation.Horizontal) == "Topic"


def test_the_same_rooms_change_in_place_and_new_ones_reset(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    model = RoomsModel()
    model.set_rooms([GENERAL, GIOCHI])
    cast(Any, qtmodeltester).check(model)  # pytest-qt leaves check unannotated
    with qtbot.waitSignal(model.dataChanged):
        model.set_rooms([GENERAL, GIOCHI._replace(members=5)])
    assert cell(model, 1, RoomColumn.MEMBERS) == 5
    with qtbot.assertNotEmitted(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        model.set_rooms([GENERAL, GIOCHI._replace(members=5)])
    with qtbot.waitSignal(model.modelReset):
        model.set_rooms([GENERAL, AULA, GIOCHI])
    assert model.row_of("giochi") == 2
    assert model.names() == ["general", "Aula", "giochi"]


def test_ticking_the_box_asks_for_the_order_and_waits_for_the_engine(qtbot: QtBot) -> None:
    model = RoomsModel()
    model.set_rooms([GENERAL, AULA])
    index = model.index(1, RoomColumn.READ_ONLY)
    with qtbot.waitSignal(model.read_only_requested) as blocker:
        model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == ["Aula", True]
    # not ticked until the engine's listing says so
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    with qtbot.assertNotEmitted(model.read_only_requested):
        model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
        model.setData(model.index(1, RoomColumn.TOPIC), "x", Qt.ItemDataRole.EditRole)
