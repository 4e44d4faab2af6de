"""The operator dashboard over a real engine on 127.0.0.1, with real clients over loopback.

Dialogs are never shown: ``KickDialog.ask`` and ``ConfirmStopDialog.ask`` are replaced
per test (the ``asked`` fixture answers "yes" unless a test says otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtNetwork import QHostAddress, QTcpServer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from chat_server_app.dashboard.confirm_dialog import ConfirmStopDialog
from chat_server_app.dashboard.kick_dialog import KickDialog
from chat_server_app.dashboard.log_model import LogEntry, LogKind
from chat_server_app.dashboard.log_view import LogView
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.users_model import Column
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore, StoredMessage
from tests.server.dashboard_helpers import (
    WAIT_MS,
    Client,
    child,
    label_text,
    log_rows,
    select_user,
    users_shown,
    wait_for_log,
)

# The offscreen platform warns whenever a shown top-level window gets a minimum size
# from its layout: platform noise, not a finding about the dashboard.

HTML = '<b>bold</b> <img src="x" onerror="alert(1)"> &amp; <a href="http://evil">link</a>'


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(host="127.0.0.1", port=0, name="Lab 3", no_announce=True, data_dir=tmp_path)


@pytest.fixture
def engine(qtbot: QtBot, settings: Settings) -> Iterator[ChatServer]:
    server = ChatServer(settings, MemoryStore())
    server.start()
    yield server
    server.close()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts passed to ``ConfirmStopDialog.ask``, which answers "stop" (teardown closes windows)."""
    counts: list[int] = []

    def ask(parent: QWidget | None, count: int) -> bool:
        counts.append(count)
        return True

    monkeypatch.setattr(ConfirmStopDialog, "ask", ask)
    return counts


@pytest.fixture
def window(qtbot: QtBot, engine: ChatServer, asked: list[int]) -> MainWindow:
    win = MainWindow(engine.settings, engine)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def connect(qtbot: QtBot, engine: ChatServer) -> Iterator[Callable[[], Client]]:
    made: list[Client] = []

    def factory() -> Client:
        client = Client(qtbot, engine.port)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.conn.abort()
        client.conn.deleteLater()


@pytest.fixture
def join(connect: Callable[[], Client]) -> Callable[[str], Client]:
    return lambda name: connect().join(name)


# --- the header ------------------------------------------------------------------


def test_header_shows_the_server_and_where_to_reach_it(window: MainWindow, engine: ChatServer) -> None:
    assert label_text(window, "server_name_label") == "Lab 3"
    assert label_text(window, "addresses_label") == f"127.0.0.1:{engine.port}"
    assert label_text(window, "state_label") == "Listening"
    assert label_text(window, "mode_label") == "Open"
    spin = child(window, QSpinBox, "port_spin")
    assert spin.value() == engine.port  # the real port when 0 asked for any
    assert not spin.isEnabled()
    assert not child(window, QAction, "start_action").isEnabled()
    assert child(window, QAction, "stop_action").isEnabled()
    assert "Lab 3" in window.windowTitle()
    assert (window.width(), window.height()) == (1100, 700)


def test_users_table_and_counters_follow_joins_and_leaves(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client]
) -> None:
    alice = join("alice")
    join("bob")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice", "bob"], timeout=WAIT_MS)
    assert label_text(window, "users_label") == "2"
    wait_for_log(qtbot, window, LogKind.JOIN, "alice joined from 127.0.0.1:")

    alice.conn.send({"type": "bye"})
    qtbot.waitUntil(lambda: users_shown(window) == ["bob"], timeout=WAIT_MS)
    assert label_text(window, "users_label") == "1"
    wait_for_log(qtbot, window, LogKind.LEAVE, "alice left")


def test_live_columns_and_counters_refresh_on_the_timer(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, join: Callable[[str], Client]
) -> None:
    alice = join("alice")
    for i in range(3):
        alice.say(f"hello {i}")
    alice.expect("message", text="hello 2")
    model = window.users_model
    with qtbot.waitSignal(model.dataChanged, timeout=WAIT_MS):
        pass  # the periodic refresh tells the view to repaint the live columns
    assert model.index(0, Column.MESSAGES).data() == "3"
    qtbot.waitUntil(lambda: label_text(window, "messages_label") == "3", timeout=WAIT_MS)
    assert label_text(window, "bytes_in_label").endswith("B")
    assert label_text(window, "uptime_label").startswith("0:00:")
    assert engine.bytes_out > 0


# --- kicking -----------------------------------------------------------------------


def test_kick_from_the_table_disconnects_that_user(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = join("alice")
    bob = join("bob")
    qtbot.waitUntil(lambda: len(users_shown(window)) == 2, timeout=WAIT_MS)
    kick = child(window, QAction, "kick_action")
    assert not kick.isEnabled()  # nothing selected yet
    asked_for: list[str] = []

    def ask(parent: QWidget | None, name: str) -> str | None:
        asked_for.append(name)
        return "be nice"

    monkeypatch.setattr(KickDialog, "ask", ask)
    select_user(window, "bob")
    assert kick.isEnabled()
    kick.trigger()

    assert asked_for == ["bob"]
    assert bob.expect("kicked") == {"type": "kicked", "reason": "be nice"}
    bob.wait_closed()
    assert bob.received[-1]["type"] == "kicked"  # nothing after it
    alice.expect("left", name="bob", reason="kicked")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice"], timeout=WAIT_MS)
    wait_for_log(qtbot, window, LogKind.KICK, "bob was kicked: be nice")
    assert not any("bob" in row for row in log_rows(window, LogKind.LEAVE))  # the kick says it
    assert not kick.isEnabled()


def test_cancelled_kick_keeps_the_user(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = join("alice")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice"], timeout=WAIT_MS)
    monkeypatch.setattr(KickDialog, "ask", lambda parent, name: None)
    select_user(window, "alice")
    child(window, QAction, "kick_action").trigger()
    alice.say("still here")
    alice.expect("message", text="still here")
    assert not alice.of_type("kicked")
    assert users_shown(window) == ["alice"]


def test_kick_is_in_the_context_menu_and_on_the_delete_key(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = join("alice")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice"], timeout=WAIT_MS)
    kick = child(window, QAction, "kick_action")
    assert kick in window.users_context_menu().actions()
    assert kick.shortcut().toString() == "Del"

    monkeypatch.setattr(KickDialog, "ask", lambda parent, name: "")
    view = child(window, QTableView, "users_view")
    select_user(window, "alice")
    window.activateWindow()
    qtbot.waitActive(window)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=WAIT_MS)
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert alice.expect("kicked") == {"type": "kicked", "reason": ""}
    wait_for_log(qtbot, window, LogKind.KICK, "alice was kicked")


# --- notices and read-only ------------------------------------------------------------


def test_notice_line_sends_a_notice_to_everyone(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client]
) -> None:
    alice = join("alice")
    bob = join("bob")
    edit = child(window, QLineEdit, "notice_edit")
    button = child(window, QAbstractButton, "notice_button")
    assert not button.isEnabled()  # nothing to send yet
    QTest.keyClicks(edit, "Lesson starts <now> & here")
    assert button.isEnabled()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    for client in (alice, bob):
        client.expect("notice", text="Lesson starts <now> & here")
    assert edit.text() == ""
    wait_for_log(qtbot, window, LogKind.NOTICE, "Notice: Lesson starts <now> & here")

    QTest.keyClicks(edit, "second")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    alice.expect("notice", text="second")


def test_read_only_toggle_switches_the_engine_both_ways(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, join: Callable[[str], Client]
) -> None:
    alice = join("alice")
    toggle = child(window, QAction, "read_only_action")
    assert toggle.isCheckable()
    assert not toggle.isChecked()
    toggle.trigger()
    assert engine.read_only
    assert toggle.isChecked()
    assert label_text(window, "mode_label") == "Read-only"
    alice.say("may I?")
    alice.expect("error", code="read_only")
    wait_for_log(qtbot, window, LogKind.ERROR, "read_only")

    engine.set_read_only(False)  # from elsewhere: the toggle follows the engine
    assert not toggle.isChecked()
    assert label_text(window, "mode_label") == "Open"
    alice.say("thanks")
    alice.expect("message", text="thanks")


# --- start and stop ------------------------------------------------------------------


def test_stop_and_start_from_the_buttons(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, join: Callable[[str], Client], asked: list[int]
) -> None:
    alice = join("alice")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice"], timeout=WAIT_MS)
    port = engine.port
    child(window, QAction, "stop_action").trigger()
    assert asked == [1]
    assert not engine.is_listening
    alice.expect("shutdown")
    alice.wait_closed()
    assert users_shown(window) == []
    assert label_text(window, "state_label") == "Stopped"
    assert label_text(window, "uptime_label") == "—"
    spin = child(window, QSpinBox, "port_spin")
    assert spin.isEnabled()
    assert not child(window, QLineEdit, "notice_edit").isEnabled()

    child(window, QAction, "start_action").trigger()
    assert engine.is_listening
    assert engine.port == port  # the spin box kept the port
    assert not spin.isEnabled()
    wait_for_log(qtbot, window, LogKind.SERVER, f"Listening on 127.0.0.1:{port}")


def test_stop_asks_first_and_can_be_cancelled(
    qtbot: QtBot,
    window: MainWindow,
    engine: ChatServer,
    join: Callable[[str], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    join("alice")
    qtbot.waitUntil(lambda: users_shown(window) == ["alice"], timeout=WAIT_MS)
    monkeypatch.setattr(ConfirmStopDialog, "ask", lambda parent, count: False)
    child(window, QAction, "stop_action").trigger()
    assert engine.is_listening
    assert users_shown(window) == ["alice"]


def test_listen_error_shows_in_the_status_bar_and_the_log(
    qtbot: QtBot, window: MainWindow, engine: ChatServer
) -> None:
    engine.stop()
    taken = QTcpServer()
    assert taken.listen(QHostAddress("127.0.0.1"), 0)
    try:
        child(window, QSpinBox, "port_spin").setValue(taken.serverPort())
        child(window, QAction, "start_action").trigger()
        assert not engine.is_listening
        message = window.statusBar().currentMessage()
        assert f"cannot listen on 127.0.0.1:{taken.serverPort()}" in message
        wait_for_log(qtbot, window, LogKind.ERROR, message)
        assert label_text(window, "state_label") == "Stopped"
        assert child(window, QAction, "start_action").isEnabled()
    finally:
        taken.close()
    child(window, QAction, "start_action").trigger()
    assert engine.is_listening
    assert window.statusBar().currentMessage() == ""


# --- closing ------------------------------------------------------------------------


def test_closing_with_users_asks_and_cancel_keeps_it_open(
    qtbot: QtBot,
    window: MainWindow,
    engine: ChatServer,
    join: Callable[[str], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = join("alice")
    join("bob")
    qtbot.waitUntil(lambda: len(users_shown(window)) == 2, timeout=WAIT_MS)
    counts: list[int] = []

    def refuse(parent: QWidget | None, count: int) -> bool:
        counts.append(count)
        return False

    monkeypatch.setattr(ConfirmStopDialog, "ask", refuse)
    assert not window.close()
    assert counts == [2]
    assert window.isVisible()
    assert engine.is_listening
    alice.say("still open")
    alice.expect("message", text="still open")


def test_closing_with_users_asks_and_stops_the_server(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, join: Callable[[str], Client], asked: list[int]
) -> None:
    alice = join("alice")
    bob = join("bob")
    qtbot.waitUntil(lambda: len(users_shown(window)) == 2, timeout=WAIT_MS)
    with qtbot.waitSignal(window.closed, timeout=WAIT_MS):
        assert window.close()
    assert asked == [2]
    assert not window.isVisible()
    assert not engine.is_listening
    for client in (alice, bob):
        assert client.expect("shutdown")["reason"]
        client.wait_closed()
        assert not client.of_type("left")  # a shutdown, not one user after another leaving


def test_closing_without_users_does_not_ask(window: MainWindow, engine: ChatServer, asked: list[int]) -> None:
    assert window.close()
    assert asked == []
    assert not engine.is_listening


def test_ctrl_q_closes_the_window(qtbot: QtBot, window: MainWindow, engine: ChatServer) -> None:
    quit_action = child(window, QAction, "quit_action")
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    window.activateWindow()
    qtbot.waitActive(window)
    with qtbot.waitSignal(window.closed, timeout=WAIT_MS):
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not engine.is_listening


# --- the log -------------------------------------------------------------------------


def test_html_in_a_message_appears_literally_in_the_log(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client]
) -> None:
    alice = join("alice")
    alice.say(HTML)
    alice.say("psst", to="alice")
    wait_for_log(qtbot, window, LogKind.MESSAGE, f"alice: {HTML}")
    wait_for_log(qtbot, window, LogKind.PRIVATE, "alice → alice (private)")
    assert not any("psst" in row for row in log_rows(window, LogKind.PRIVATE))


def test_a_flood_of_bad_frames_is_a_few_log_rows_and_one_summary(
    qtbot: QtBot, window: MainWindow, join: Callable[[str], Client]
) -> None:
    mallory = join("mallory")
    for _ in range(200):
        mallory.conn.send({"type": "x" * 5000})
    qtbot.waitUntil(lambda: len(mallory.of_type("error")) == 200, timeout=WAIT_MS)
    mallory.conn.close()
    wait_for_log(qtbot, window, LogKind.ERROR, "more like this (unknown_type) from 127.0.0.1")
    errors = log_rows(window, LogKind.ERROR)
    assert len(errors) <= 10
    assert all(len(row) < 600 for row in errors)
    assert errors[-1].endswith("… 195 more like this (unknown_type) from 127.0.0.1")


def test_events_of_one_pass_reach_the_log_in_one_insertion(
    qtbot: QtBot, window: MainWindow, engine: ChatServer
) -> None:
    model = window.log_model
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    batch = [
        StoredMessage(id=i, ts="2026-11-24T19:05:00.000Z", sender="bob", sender_key="bob", text=f"m{i}")
        for i in range(100)
    ]
    before = model.rowCount()
    engine.send_notice("one")
    engine.messages_posted.emit(batch)
    engine.send_notice("two")
    qtbot.waitUntil(lambda: model.rowCount() == before + 102, timeout=WAIT_MS)
    assert inserted == [(before, before + 101)]
    assert log_rows(window)[-1].endswith("Notice: two")


def test_log_follows_new_rows_only_when_scrolled_to_the_bottom(qtbot: QtBot, window: MainWindow) -> None:
    view = child(window, LogView, "log_view")
    model = window.log_model
    model.clear()

    def entries(start: int, count: int) -> list[LogEntry]:
        return [LogEntry(LogKind.MESSAGE, time.time(), f"row {i}") for i in range(start, start + count)]

    model.append(entries(0, 300))
    qtbot.waitUntil(view.is_at_bottom, timeout=WAIT_MS)
    assert view.verticalScrollBar().maximum() > 0
    model.append(entries(300, 10))
    assert view.is_at_bottom()
    assert view.indexAt(QPoint(2, view.viewport().height() - 2)).data().endswith("row 309")

    view.scrollToTop()
    model.append(entries(310, 10))
    assert view.verticalScrollBar().value() == 0  # reading old rows: not pulled down

    # At the cap, dropping the oldest rows keeps the rows being read in place.
    model.append(entries(320, model.max_rows - model.rowCount()))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 1000, timeout=WAIT_MS)  # laid out
    bar.setValue(1000)
    top_before = view.indexAt(QPoint(2, 2)).data()
    model.append(entries(10_000, 50))
    assert model.rowCount() == model.max_rows
    assert bar.value() == 950
    qtbot.wait(50)  # the view lays out the new rows later
    assert bar.value() == 950
    assert view.indexAt(QPoint(2, 2)).data() == top_before


def test_long_entries_are_elided_not_scrolled_sideways(qtbot: QtBot, window: MainWindow) -> None:
    view = child(window, LogView, "log_view")
    model = window.log_model
    model.append([LogEntry(LogKind.NOTICE, time.time(), "wide " * 200), LogEntry(LogKind.MESSAGE, 0, "x")])
    qtbot.waitUntil(view.is_at_bottom, timeout=WAIT_MS)
    qtbot.wait(20)
    rect = view.visualRect(model.index(model.rowCount() - 2, 0))
    assert 0 < rect.width() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0


def test_log_colours_follow_the_palette(window: MainWindow) -> None:
    view = child(window, LogView, "log_view")
    model = window.log_model
    model.append([LogEntry(LogKind.JOIN, time.time(), "alice joined")])
    index = model.index(model.rowCount() - 1, 0)
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#121212"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    view.setPalette(dark)
    assert index.data(Qt.ItemDataRole.ForegroundRole).lightness() > 128
    light = QPalette(dark)
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    light.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    view.setPalette(light)
    assert index.data(Qt.ItemDataRole.ForegroundRole).lightness() < 128


# --- keyboard and accessibility ------------------------------------------------------------


def test_every_widget_has_an_accessible_name(window: MainWindow) -> None:
    kinds = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QLabel, QLineEdit, QSplitter)
    unnamed = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, kinds) or widget.objectName().startswith("qt_"):
            continue  # Qt's own parts: viewports, spin box editors, scroll bars
        if isinstance(widget.parent(), QAbstractItemView | QAbstractSpinBox):
            continue  # table headers and corner buttons belong to their view
        # a label's name is its text; its description says what it is
        if not (widget.accessibleName() or (isinstance(widget, QLabel) and widget.accessibleDescription())):
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r} in {widget.parent()!r}")
    assert unnamed == []


def test_tab_order_walks_the_window_top_to_bottom(window: MainWindow) -> None:
    expected = [
        "port_spin",
        "start_button",
        "stop_button",
        "read_only_button",
        "users_view",
        "kick_button",
        "ban_button",
        "log_view",
        "notice_edit",
        "notice_button",
    ]
    start = child(window, QSpinBox, "port_spin")
    order = [start.objectName()]
    widget = start.nextInFocusChain()
    while widget is not start and len(order) < 50:
        if widget.objectName() in expected:
            order.append(widget.objectName())
        widget = widget.nextInFocusChain()
    assert order == expected
    for name in expected[1:4]:
        assert child(window, QAbstractButton, name).focusPolicy() & Qt.FocusPolicy.TabFocus


def test_the_log_never_shrinks_to_a_sliver(qtbot: QtBot, window: MainWindow) -> None:
    log = window.findChild(QWidget, "log_view")
    splitter = window.findChild(QSplitter, "splitter")
    assert log is not None
    assert splitter is not None
    metrics = log.fontMetrics()
    window.resize(200, 150)  # as small as the window manager lets it be
    splitter.setSizes([10_000, 1])  # and the users' side dragged over the log
    QApplication.processEvents()
    assert log.width() >= 24 * metrics.horizontalAdvance("M")
    assert log.height() >= 8 * metrics.height()
