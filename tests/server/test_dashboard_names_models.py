"""The reserved names' and the bans' table models, without a window."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
from PySide6.QtCore import QAbstractItemModel, QLocale, Qt
from pytestqt.modeltest import ModelTester

from chat_server_app.dashboard.bans_model import BAN_ROLE, REASON_MAX_CHARS, BanColumn, BansModel
from chat_server_app.dashboard.bans_model import SORT_ROLE as BAN_SORT_ROLE
from chat_server_app.dashboard.reservations_model import (
    RESERVATION_ROLE,
    SORT_ROLE,
    ReservationColumn,
    ReservationsModel,
)
from chat_server_app.store import Ban, BanKind, Reservation

HTML = '<b>bold</b> <img src="x" onerror="alert(1)"> &amp; <a href="http://evil">link</a>'
OWNER = "ab" * 32  # a SHA-256 in hex, as the store keeps owners
NOW = time.time()


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(previous)


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    cast(Any, tester).check(model)


def cell(model: QAbstractItemModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.index(row, column).data(role)


def rows(model: QAbstractItemModel, column: int) -> list[str]:
    return [str(cell(model, row, column)) for row in range(model.rowCount())]


def reservation(name: str, owner: str = OWNER, since: float = NOW) -> Reservation:
    return Reservation(name.casefold(), name, owner, since)


def ban(kind: BanKind, value: str, until: float | None = None, reason: str = "") -> Ban:
    return Ban(kind, value, until, reason, NOW)


# --- reserved names ------------------------------------------------------------------


def test_reservations_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ReservationsModel()
    model.reset([reservation("Anna")])
    check_model(qtmodeltester, model)
    model.reset([reservation("Anna"), reservation("Bruno", "cd" * 32)])
    model.reset([])


def test_reservations_model_shows_the_name_and_since_when() -> None:
    model = ReservationsModel()
    since = time.mktime((2026, 1, 12, 9, 5, 7, 0, 0, -1))
    anna = reservation("Anna", since=since)
    model.reset([anna, reservation("Bruno")])
    assert model.rowCount() == 2
    assert model.columnCount() == len(ReservationColumn)
    assert rows(model, ReservationColumn.NAME) == ["Anna", "Bruno"]
    assert cell(model, 0, ReservationColumn.SINCE) == "2026-01-12 09:05"
    assert cell(model, 0, ReservationColumn.SINCE, Qt.ItemDataRole.ToolTipRole) == "2026-01-12 09:05:07"
    assert cell(model, 0, ReservationColumn.NAME, RESERVATION_ROLE) == anna
    assert model.reservation(1).name == "Bruno"
    assert cell(model, 0, ReservationColumn.NAME, SORT_ROLE) == "anna"
    assert cell(model, 0, ReservationColumn.SINCE, SORT_ROLE) == since
    assert model.row_of("bruno") == 1
    assert model.row_of("carla") is None
    header = model.headerData(ReservationColumn.SINCE, Qt.Orientation.Horizontal)
    assert header == "Reserved since"
    assert model.headerData(ReservationColumn.NAME, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_reserved_names_are_plain_text_in_their_tooltips() -> None:
    model = ReservationsModel()
    model.reset([reservation(HTML)])
    assert cell(model, 0, ReservationColumn.NAME) == HTML
    tip = cell(model, 0, ReservationColumn.NAME, Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tip
    assert "<img" not in tip
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip


# --- bans -------------------------------------------------------------------------------


def test_bans_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = BansModel()
    model.reset([ban(BanKind.ADDRESS, "10.0.0.7")])
    check_model(qtmodeltester, model)
    model.reset([ban(BanKind.NAME, "anna", NOW + 60), ban(BanKind.OWNER, OWNER)], [reservation("Anna")])
    model.reset([])


def test_bans_show_names_not_keys_and_the_owners_names() -> None:
    model = BansModel()
    model.reset(
        [
            ban(BanKind.ADDRESS, "10.0.0.7", reason="flood"),
            ban(BanKind.OWNER, OWNER),
            ban(BanKind.OWNER, "ef" * 32),  # its name was released since
            ban(BanKind.NAME, "anna"),
            ban(BanKind.NAME, "carla"),  # nobody reserved it: its key is all there is
        ],
        [reservation("Anna"), reservation("Anna2")],
    )
    assert rows(model, BanColumn.KIND) == ["Name", "Name", "Owner of", "Owner of", "Address"]
    assert rows(model, BanColumn.WHAT) == [
        "Anna",
        "carla",
        f"a released name (client {'ef' * 6}…)",
        "Anna, Anna2",
        "10.0.0.7",
    ]
    assert rows(model, BanColumn.REASON) == ["", "", "", "", "flood"]
    assert model.ban(4) == ban(BanKind.ADDRESS, "10.0.0.7", reason="flood")
    assert cell(model, 3, BanColumn.WHAT, BAN_ROLE) == ban(BanKind.OWNER, OWNER)
    assert model.row_of(BanKind.NAME, "carla") == 1
    assert model.row_of(BanKind.ADDRESS, "carla") is None
    assert cell(model, 0, BanColumn.KIND, Qt.ItemDataRole.ToolTipRole) == "Nobody may use this name"


def test_bans_say_until_when() -> None:
    model = BansModel()
    until = time.mktime((2026, 1, 12, 9, 5, 7, 0, 0, -1))
    model.reset([ban(BanKind.ADDRESS, "10.0.0.7", until), ban(BanKind.ADDRESS, "10.0.0.8")])
    assert rows(model, BanColumn.UNTIL) == ["2026-01-12 09:05", "until lifted"]
    assert cell(model, 0, BanColumn.UNTIL, Qt.ItemDataRole.ToolTipRole) == "2026-01-12 09:05:07"
    assert cell(model, 1, BanColumn.UNTIL, Qt.ItemDataRole.ToolTipRole) == "Until the operator lifts it"
    # Sorting by the end puts a ban until lifted after every timed one.
    assert cell(model, 0, BanColumn.UNTIL, BAN_SORT_ROLE) == until
    assert cell(model, 1, BanColumn.UNTIL, BAN_SORT_ROLE) == math.inf
    assert model.next_end() == until
    model.reset([ban(BanKind.ADDRESS, "10.0.0.8")])
    assert model.next_end() is None


def test_untrusted_text_in_bans_is_plain_and_on_one_row() -> None:
    model = BansModel()
    reason = HTML + "\nsecond line" + "x" * REASON_MAX_CHARS
    model.reset([ban(BanKind.NAME, HTML.casefold(), reason=reason)], [reservation(HTML)])
    assert cell(model, 0, BanColumn.WHAT) == HTML
    shown = cell(model, 0, BanColumn.REASON)
    assert "\n" not in shown
    assert shown.endswith("…")
    assert len(shown) == REASON_MAX_CHARS + 1
    for column in (BanColumn.WHAT, BanColumn.REASON):
        tip = cell(model, 0, column, Qt.ItemDataRole.ToolTipRole)
        assert "<b>" not in tip
        assert "<img" not in tip
        assert "&lt;b&gt;" in tip
    assert "second line" in cell(model, 0, BanColumn.REASON, Qt.ItemDataRole.ToolTipRole)
    model.reset([ban(BanKind.NAME, "anna")])
    assert cell(model, 0, BanColumn.REASON, Qt.ItemDataRole.ToolTipRole) is None  # no reason, no tip
