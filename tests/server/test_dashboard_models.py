"""The dashboard's models and helpers without a window: users table, bounded log, formatting.

Models are driven with fake sessions and fake ``StoredMessage`` batches and checked by
pytest-qt's ``qtmodeltester``, which also watches every signal they emit afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from PySide6.QtCore import QAbstractItemModel, QLocale, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.addresses import reachable_addresses, with_port
from chat_server_app.dashboard.formatting import format_bytes, format_duration, format_rtt, one_line
from chat_server_app.dashboard.log_model import (
    DISPLAY_MAX_CHARS,
    KIND_ROLE,
    MAX_ROWS,
    TEXT_ROLE,
    LogEntry,
    LogKind,
    LogModel,
)
from chat_server_app.dashboard.users_model import SESSION_ROLE, Column, UsersModel
from chat_server_app.engine import Session
from chat_server_app.store import StoredMessage


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    """Numbers as the expectations write them, whatever the machine's language."""
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(previous)


HTML = '<b>bold</b> <img src="x" onerror="alert(1)"> &amp; <a href="http://evil">link</a>'


@dataclass(eq=False)
class FakeSession:
    """What the users model reads from a Session."""

    name: str
    address: str = "127.0.0.1:40000"
    connected_at: float = field(default_factory=time.time)
    messages_sent: int = 0
    queued_bytes: int = 0
    rtt: float | None = None
    rate_hits: int = 0


def session(name: str, **fields: Any) -> Session:
    return cast(Session, FakeSession(name, **fields))


def stored(i: int, text: str | None = None, *, sender: str = "bob", to: str | None = None) -> StoredMessage:
    return StoredMessage(
        id=i,
        ts="2026-11-24T19:05:00.123Z",
        sender=sender,
        sender_key=sender.casefold(),
        text=f"message {i}" if text is None else text,
        to=to,
        to_key=to.casefold() if to else None,
        epoch=time.time(),
    )


def check_model(tester: ModelTester, model: QAbstractItemModel) -> None:
    """``tester.check(model)``; pytest-qt leaves ``check`` unannotated, hence the cast."""
    cast(Any, tester).check(model)


def display(model: LogModel | UsersModel, row: int, column: int = 0) -> str:
    value = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
    assert isinstance(value, str)
    return value


# --- users model -----------------------------------------------------------------


def test_users_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = UsersModel()
    model.add(session("alice"))
    check_model(qtmodeltester, model)
    bob = session("bob", rtt=0.012)
    model.add(bob)
    model.refresh_live()
    model.remove(bob)
    model.reset([session("carol"), session("dave")])
    model.reset([])
    model.refresh_live()


def test_users_model_adds_and_removes_rows_in_join_order() -> None:
    model = UsersModel()
    alice, bob, carol = session("alice"), session("bob"), session("carol")
    for s in (alice, bob, carol, bob):  # a second add of the same session is ignored
        model.add(s)
    assert [display(model, row) for row in range(model.rowCount())] == ["alice", "bob", "carol"]
    model.remove(bob)
    model.remove(bob)  # already gone: nothing happens
    assert [model.session(row) for row in range(model.rowCount())] == [alice, carol]
    assert model.index(1, Column.NAME).data(SESSION_ROLE) is carol


def test_users_model_shows_every_column() -> None:
    model = UsersModel()
    connected = time.mktime((2026, 11, 24, 9, 5, 7, 0, 0, -1))
    model.add(
        session(
            "alice",
            address="192.168.1.20:51000",
            connected_at=connected,
            messages_sent=42,
            queued_bytes=3 * 1024,
            rtt=0.0123,
            rate_hits=5,
        )
    )
    row = [display(model, 0, column) for column in Column]
    assert row[: Column.SINCE] == ["alice", "192.168.1.20:51000"]
    assert row[Column.SINCE] in ("09:05:07", "2026-11-24 09:05")  # today or not
    assert row[Column.MESSAGES :] == ["42", "3.0 KiB", "12 ms", "5"]
    assert display(model, 0, Column.RTT) == "12 ms"
    alignment = model.index(0, Column.MESSAGES).data(Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert all(isinstance(t, str) and t for t in titles)
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_users_model_refresh_reports_only_the_live_columns(qtbot: QtBot) -> None:
    model = UsersModel()
    alice = FakeSession("alice")
    model.add(cast(Session, alice))
    model.add(session("bob"))
    alice.messages_sent = 7
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh_live()
    top, bottom = blocker.args[0], blocker.args[1]
    assert (top.row(), top.column()) == (0, Column.MESSAGES)
    assert (bottom.row(), bottom.column()) == (1, Column.RATE_HITS)
    assert display(model, 0, Column.MESSAGES) == "7"


def test_users_model_refresh_of_no_users_emits_nothing(qtbot: QtBot) -> None:
    model = UsersModel()
    with qtbot.assertNotEmitted(model.dataChanged):
        model.refresh_live()


def test_users_model_tooltip_shows_a_name_as_text() -> None:
    model = UsersModel()
    model.add(session("<i>x</i>"))
    tip = model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;i&gt;x&lt;/i&gt;" in tip
    assert "<i>" not in tip


# --- log model -------------------------------------------------------------------


def test_log_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = LogModel(max_rows=50)
    model.append_messages([stored(1), stored(2, to="alice")])
    check_model(qtmodeltester, model)
    model.append([LogEntry(LogKind.NOTICE, time.time(), "hello")])
    model.append_messages([stored(i) for i in range(3, 80)])  # past the cap: removes, then inserts
    model.set_dark(True)
    model.clear()
    model.append_messages([stored(100)])


def test_log_model_formats_messages_and_marks_private_ones() -> None:
    model = LogModel()
    model.append_messages([stored(1, "hi all", sender="alice"), stored(2, "psst", sender="bob", to="alice")])
    assert display(model, 0).endswith("  alice: hi all")
    assert display(model, 1).endswith("  bob → alice (private)")  # §8.1: not its text
    model.append_messages([stored(3, "psst", sender="bob", to="alice")], reads_private=True)
    assert display(model, 2).endswith("  bob → alice: psst")
    assert model.index(0, 0).data(KIND_ROLE) == LogKind.MESSAGE.value
    assert model.index(1, 0).data(KIND_ROLE) == LogKind.PRIVATE.value
    clock = time.strftime("%H:%M:%S", time.localtime(model.entry(0).epoch))
    assert display(model, 0).startswith(clock)


def test_log_model_shows_html_literally() -> None:
    model = LogModel()
    model.append_messages([stored(1, HTML, sender="<b>eve</b>")])
    assert display(model, 0).endswith(f"<b>eve</b>: {HTML}")
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    # The tooltip is rich text made by us, with the untrusted part escaped.
    assert "&lt;img src=&quot;x&quot;" in tip
    assert "<img" not in tip
    assert "&amp;amp;" in tip


def test_log_model_keeps_each_row_on_one_line_and_short() -> None:
    model = LogModel()
    long_text = "x" * 4000
    model.append_messages([stored(1, "one\ntwo\tthree\x1b[31m"), stored(2, long_text)])
    assert display(model, 0).endswith("bob: one↵two three␛[31m")
    shown = display(model, 1)
    assert len(shown) < DISPLAY_MAX_CHARS + 20
    assert shown.endswith("…")
    assert model.index(1, 0).data(TEXT_ROLE).endswith(long_text)  # Copy gets it all


def test_log_model_styles_each_kind_distinctly() -> None:
    model = LogModel()
    now = time.time()
    model.append([LogEntry(kind, now, kind.value) for kind in LogKind])
    styles = set()
    for row, kind in enumerate(LogKind):
        colour = model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole)
        font = model.index(row, 0).data(Qt.ItemDataRole.FontRole)
        assert colour is None or isinstance(colour, QColor)
        assert font is None or isinstance(font, QFont)
        styles.add(
            (
                None if colour is None else colour.name(),
                font is not None and font.bold(),
                font is not None and font.italic(),
            )
        )
        assert model.index(row, 0).data(KIND_ROLE) == kind.value
    # Errors and kicks share red (kicks in bold); every other kind looks its own.
    assert len(styles) == len(LogKind)


def test_log_model_has_shades_for_dark_palettes(qtbot: QtBot) -> None:
    model = LogModel()
    model.set_dark(False)
    model.append([LogEntry(LogKind.JOIN, time.time(), "alice joined")])
    light = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    with qtbot.waitSignal(model.dataChanged):
        model.set_dark(True)
    dark = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert dark.lightness() > 128 > light.lightness()


def test_log_model_flood_stays_bounded_with_one_insertion_per_batch(qtbot: QtBot) -> None:
    model = LogModel()
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda parent, first, last: removed.append((first, last)))
    batch_size = 250
    started = time.perf_counter()
    for start in range(1, 10_001, batch_size):
        model.append_messages([stored(i) for i in range(start, start + batch_size)])
    elapsed = time.perf_counter() - started
    assert model.rowCount() == MAX_ROWS
    assert display(model, 0).endswith("bob: message 5001")
    assert display(model, MAX_ROWS - 1).endswith("bob: message 10000")
    assert len(inserted) == 10_000 // batch_size  # one insertion per batch
    assert all(first == 0 for first, _ in removed)  # always the oldest
    assert sum(last - first + 1 for first, last in removed) == 10_000 - MAX_ROWS
    assert elapsed < 2.0, f"appending 10 000 messages took {elapsed:.2f} s"


def test_log_model_batch_larger_than_the_cap_keeps_its_newest(qtbot: QtBot) -> None:
    model = LogModel(max_rows=100)
    model.append_messages([stored(i) for i in range(1, 11)])
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.append_messages([stored(i) for i in range(11, 1011)])
    assert blocker.args[1:] == [0, 99]
    assert model.rowCount() == 100
    assert display(model, 0).endswith("message 911")


def test_log_model_rejects_a_zero_cap() -> None:
    with pytest.raises(ValueError, match="max_rows"):
        LogModel(max_rows=0)


def test_log_model_has_no_rows_under_a_parent() -> None:
    model = LogModel()
    model.append_messages([stored(1)])
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


# --- formatting and addresses -------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**4, "3.0 TiB"),
        (2048 * 1024**4, "2048.0 TiB"),
    ],
)
def test_format_bytes(count: int, shown: str) -> None:
    assert format_bytes(count) == shown


def test_format_bytes_follows_the_locale() -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Italian, QLocale.Country.Italy))
    assert format_bytes(1536) == "1,5 KiB"


def test_format_duration_and_rtt() -> None:
    assert format_duration(0) == "0:00:00"
    assert format_duration(3723.9) == "1:02:03"
    assert format_duration(2 * 86400 + 5) == "2 d 00:00:05"
    assert format_rtt(None) == "—"
    assert format_rtt(0.0004) == "0 ms"


def test_one_line_makes_controls_visible() -> None:
    assert one_line("a\r\nb\x00c\x7f", 100) == "a↵b␀c␡"
    assert one_line("abcdef", 3) == "abc…"


def test_addresses_of_a_specific_host_are_that_host() -> None:
    assert reachable_addresses("127.0.0.1", 5001) == ["127.0.0.1:5001"]
    assert reachable_addresses("fd00::2", 5001) == ["[fd00::2]:5001"]
    assert with_port("::1", 80) == "[::1]:80"


def test_addresses_of_the_ipv4_wildcard_are_every_ipv4_address_and_loopback() -> None:
    shown = reachable_addresses("0.0.0.0", 5001)
    assert shown[-1] == "127.0.0.1:5001"
    assert len(shown) == len(set(shown))
    for address in shown:
        host = address.rsplit(":", 1)[0]
        assert not host.startswith("["), "no IPv6 on an IPv4 listener"
        assert host == "127.0.0.1" or not host.startswith("127.")


def test_addresses_of_the_ipv6_wildcard_include_both_families_but_no_link_local() -> None:
    shown = reachable_addresses("::", 6000)
    assert "127.0.0.1:6000" in shown
    assert all(not a.startswith(("[fe80", "[::1]")) for a in shown)
    assert set(reachable_addresses("0.0.0.0", 6000)) <= set(shown)
