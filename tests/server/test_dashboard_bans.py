"""Names and bans from the dashboard (PROTOCOL.md §8.1): the Ban dialog, the window on
names and bans, and what they do to real clients of a real engine over loopback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QRadioButton,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from chat_server_app.bans import parse_duration
from chat_server_app.dashboard.ban_dialog import DURATIONS, BanDialog, BanOrder
from chat_server_app.dashboard.confirm_dialog import ConfirmStopDialog
from chat_server_app.dashboard.log_model import LogKind
from chat_server_app.dashboard.main_window import MainWindow
from chat_server_app.dashboard.names_dialog import NamesDialog
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import BanKind, MemoryStore
from tests.server.dashboard_helpers import (
    WAIT_MS,
    Client,
    child,
    select_user,
    users_shown,
    wait_for_log,
)

ANNA_TOKEN = "anna-token-" + "a" * 24
BRUNO_TOKEN = "bruno-token-" + "b" * 24
HTML = '<b>bold</b> <img src="x" onerror="alert(1)">'
INVISIBLE = "A name cannot hold invisible or control characters."


@pytest.fixture
def engine(qtbot: QtBot, tmp_path: Path) -> Iterator[ChatServer]:
    settings = Settings(host="127.0.0.1", port=0, name="Lab 3", no_announce=True, data_dir=tmp_path)
    server = ChatServer(settings, MemoryStore())
    server.start()
    yield server
    server.close()


@pytest.fixture
def window(qtbot: QtBot, engine: ChatServer, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(ConfirmStopDialog, "ask", lambda parent, count: True)
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
def asked_ban(monkeypatch: pytest.MonkeyPatch) -> Callable[[BanOrder | None], list[tuple[str, str]]]:
    """``asked_ban(order)``: ``BanDialog.ask`` answers ``order``; what it was prefilled with."""

    def answer(order: BanOrder | None) -> list[tuple[str, str]]:
        prefilled: list[tuple[str, str]] = []

        def ask(parent: QWidget | None, name: str = "", address: str = "") -> BanOrder | None:
            prefilled.append((name, address))
            return order

        monkeypatch.setattr(BanDialog, "ask", ask)
        return prefilled

    return answer


def open_names(qtbot: QtBot, window: MainWindow) -> NamesDialog:
    child(window, QAction, "names_action").trigger()
    dialog = window.findChild(NamesDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def shown(view: QTableView, column: int) -> list[str]:
    model = view.model()
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def select_row(view: QTableView, column: int, text: str) -> None:
    view.selectRow(shown(view, column).index(text))


# --- the Ban dialog, driven as the operator would ------------------------------------------


def test_ban_dialog_is_prefilled_and_bans_the_name_by_default(qtbot: QtBot) -> None:
    dialog = BanDialog("Anna", "10.0.0.7")
    qtbot.addWidget(dialog)
    assert child(dialog, QLineEdit, "ban_name_edit").text() == "Anna"
    assert child(dialog, QLineEdit, "ban_address_edit").text() == "10.0.0.7"
    assert child(dialog, QRadioButton, "ban_name_radio").isChecked()
    assert not child(dialog, QLineEdit, "ban_address_edit").isEnabled()  # the other choice's field
    combo = child(dialog, QComboBox, "ban_duration_combo")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "10 minutes",
        "1 hour",
        "1 day",
        "1 week",
        "Until lifted",
    ]
    assert [combo.itemData(i) for i in range(combo.count())] == [600, 3600, 86400, 604800, None]
    assert combo.currentText() == "1 hour"
    QTest.keyClicks(child(dialog, QLineEdit, "ban_reason_edit"), "  spam  ")
    QTest.mouseClick(child(dialog, QAbstractButton, "ban_button"), Qt.MouseButton.LeftButton)
    assert dialog.result() == BanDialog.DialogCode.Accepted
    assert dialog.order() == BanOrder(BanKind.NAME, "Anna", 3600.0, "spam", "for 1 hour")


def test_ban_dialog_bans_an_address_typed_or_pasted_with_its_port(qtbot: QtBot) -> None:
    dialog = BanDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):  # a mnemonic reaches only the active window
        dialog.show()
        dialog.activateWindow()
    # The radio's mnemonic, typed where the keyboard is: in the name field.
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    radio = child(dialog, QRadioButton, "ban_address_radio")
    qtbot.waitUntil(radio.isChecked, timeout=WAIT_MS)  # a mnemonic clicks as a press would, animated
    edit = child(dialog, QLineEdit, "ban_address_edit")
    assert edit.isEnabled()
    assert not child(dialog, QLineEdit, "ban_name_edit").isEnabled()
    edit.setText("[fe80::1]:51234")
    child(dialog, QComboBox, "ban_duration_combo").setCurrentIndex(DURATIONS.index(None))
    QTest.mouseClick(child(dialog, QAbstractButton, "ban_button"), Qt.MouseButton.LeftButton)
    assert dialog.result() == BanDialog.DialogCode.Accepted
    assert dialog.order() == BanOrder(BanKind.ADDRESS, "fe80::1", None, "", "until lifted")


@pytest.mark.parametrize(
    ("radio", "edit", "typed", "problem"),
    [
        ("ban_name_radio", "ban_name_edit", "   ", "Type the name to ban."),
        ("ban_name_radio", "ban_name_edit", "x" * 33, "A name has at most 32 characters."),
        ("ban_name_radio", "ban_name_edit", "an\u200bna", INVISIBLE),
        ("ban_address_radio", "ban_address_edit", "", "Type the IP address to ban."),
        (
            "ban_address_radio",
            "ban_address_edit",
            "<b>lab-pc</b>",
            "“<b>lab-pc</b>” is not an IP address (e.g. 192.168.1.20 or fe80::1).",
        ),
        ("ban_address_radio", "ban_address_edit", "10.0.0.300", None),
    ],
)
def test_ban_dialog_refuses_what_cannot_be_banned_and_says_why(
    qtbot: QtBot, radio: str, edit: str, typed: str, problem: str | None
) -> None:
    dialog = BanDialog("Anna", "10.0.0.7")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    child(dialog, QRadioButton, radio).setChecked(True)
    child(dialog, QLineEdit, edit).setText(typed)
    QTest.mouseClick(child(dialog, QAbstractButton, "ban_button"), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # still open: nothing was banned
    assert dialog.result() != BanDialog.DialogCode.Accepted
    assert dialog.order() is None
    label = child(dialog, QLabel, "ban_problem_label")
    assert label.isVisible()
    assert label.textFormat() == Qt.TextFormat.PlainText  # it quotes what was typed
    if problem is not None:
        assert label.text() == problem
    else:
        assert "is not an IP address" in label.text()
    assert dialog.focusWidget() is child(dialog, QLineEdit, edit)


def test_ban_dialog_widgets_are_named_and_reachable_by_keyboard(qtbot: QtBot) -> None:
    dialog = BanDialog("Anna", "")
    qtbot.addWidget(dialog)
    kinds = (QAbstractButton, QLabel, QLineEdit, QComboBox)
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in dialog.findChildren(QWidget)
        if isinstance(w, kinds)
        and not w.objectName().startswith("qt_")
        and not (w.accessibleName() or (isinstance(w, QLabel) and w.accessibleDescription()))
    ]
    assert unnamed == []
    assert dialog.accessibleName()
    order = []
    widget = dialog.focusWidget() or child(dialog, QLineEdit, "ban_reason_edit")
    for _ in range(20):
        order.append(widget.objectName())
        widget = widget.nextInFocusChain()
    for name in ("ban_name_radio", "ban_name_edit", "ban_duration_combo", "ban_reason_edit"):
        assert name in order


# --- banning from the dashboard -------------------------------------------------------


def test_ban_is_in_the_users_menu_and_context_menu_beside_kick(window: MainWindow) -> None:
    kick = child(window, QAction, "kick_action")
    ban = child(window, QAction, "ban_action")
    names = child(window, QAction, "names_action")
    users_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Users")
    assert isinstance(users_menu, QMenu)
    move = child(window, QAction, "move_user_action")
    assert [a for a in users_menu.actions() if not a.isSeparator()] == [kick, ban, move, names]
    assert window.users_context_menu().actions() == [kick, ban, move]
    assert ban.isEnabled()  # a name can be banned before anyone is selected, or online
    assert names.isEnabled()
    assert child(window, QAbstractButton, "ban_button").defaultAction() is ban


def test_banning_a_connected_user_kicks_them_and_keeps_them_out(
    qtbot: QtBot,
    window: MainWindow,
    connect: Callable[[], Client],
    asked_ban: Callable[[BanOrder | None], list[tuple[str, str]]],
) -> None:
    anna = connect().join("anna", token=ANNA_TOKEN)
    bruno = connect().join("bruno")
    qtbot.waitUntil(lambda: users_shown(window) == ["anna", "bruno"], timeout=WAIT_MS)
    prefilled = asked_ban(BanOrder(BanKind.NAME, "anna", parse_duration("1h"), "spam", "for 1 hour"))
    select_user(window, "anna")
    child(window, QAction, "ban_action").trigger()

    assert prefilled == [("anna", "127.0.0.1")]  # the address without the port
    assert anna.expect("kicked") == {"type": "kicked", "reason": "banned: spam"}
    anna.wait_closed()
    bruno.expect("left", name="anna", reason="kicked")
    qtbot.waitUntil(lambda: users_shown(window) == ["bruno"], timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == "The name anna is banned for 1 hour"
    wait_for_log(qtbot, window, LogKind.KICK, "anna was kicked: banned: spam")
    wait_for_log(qtbot, window, LogKind.SERVER, "The name anna is banned for 1 hour")

    again = connect().hello("anna", token=ANNA_TOKEN)
    assert again["code"] == "banned"
    assert again["fatal"] is True
    assert re.search(r"for (1 h|59 min \d+ s) more \(spam\)", again["message"]), again["message"]
    assert "until" in again
    # The name's owner is banned with it: the same client cannot come back as someone else.
    other_name = connect().hello("annie", token=ANNA_TOKEN)
    assert other_name["code"] == "banned"
    assert connect().hello("annie", token=BRUNO_TOKEN)["type"] == "welcome"


def test_a_name_that_is_not_online_can_be_banned(
    qtbot: QtBot,
    window: MainWindow,
    connect: Callable[[], Client],
    asked_ban: Callable[[BanOrder | None], list[tuple[str, str]]],
) -> None:
    prefilled = asked_ban(BanOrder(BanKind.NAME, "carla", None, "", "until lifted"))
    child(window, QAction, "ban_action").trigger()
    assert prefilled == [("", "")]  # nobody selected: nothing to fill in
    refused = connect().hello("Carla")
    assert refused["code"] == "banned"
    assert refused["message"] == "you are banned from this server"
    assert "until" not in refused


def test_a_cancelled_ban_bans_nobody(
    qtbot: QtBot,
    window: MainWindow,
    engine: ChatServer,
    connect: Callable[[], Client],
    asked_ban: Callable[[BanOrder | None], list[tuple[str, str]]],
) -> None:
    anna = connect().join("anna")
    qtbot.waitUntil(lambda: users_shown(window) == ["anna"], timeout=WAIT_MS)
    asked_ban(None)
    select_user(window, "anna")
    child(window, QAction, "ban_action").trigger()
    anna.say("still here")
    anna.expect("message", text="still here")
    assert not anna.of_type("kicked")
    assert engine.names.bans == []


def test_an_address_banned_through_the_real_dialog_then_lifted(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, connect: Callable[[], Client]
) -> None:
    anna = connect().join("anna")
    qtbot.waitUntil(lambda: users_shown(window) == ["anna"], timeout=WAIT_MS)
    select_user(window, "anna")
    seen: dict[str, str] = {}

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BanDialog)
        seen["address"] = child(dialog, QLineEdit, "ban_address_edit").text()
        child(dialog, QRadioButton, "ban_address_radio").setChecked(True)
        child(dialog, QComboBox, "ban_duration_combo").setCurrentIndex(0)  # 10 minutes
        child(dialog, QLineEdit, "ban_reason_edit").setText(HTML)
        QTest.mouseClick(child(dialog, QAbstractButton, "ban_button"), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    child(window, QAction, "ban_action").trigger()  # returns once the dialog closed
    assert seen == {"address": "127.0.0.1"}
    assert anna.expect("kicked")["reason"] == f"banned: {HTML}"
    refused = connect().hello("bruno")  # another name from the same address
    assert refused["code"] == "banned"
    assert re.search(r"for (10 min|9 min \d+ s) more", refused["message"]), refused["message"]

    names = open_names(qtbot, window)
    bans_view = child(names, QTableView, "bans_view")
    assert shown(bans_view, 1) == ["127.0.0.1"]
    assert shown(bans_view, 3) == [HTML]  # as typed, not as markup
    lift = child(names, QAbstractButton, "lift_button")
    assert not lift.isEnabled()  # nothing selected yet
    select_row(bans_view, 1, "127.0.0.1")
    assert lift.isEnabled()
    QTest.mouseClick(lift, Qt.MouseButton.LeftButton)
    assert engine.names.bans == []
    qtbot.waitUntil(lambda: shown(bans_view, 1) == [], timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == "The ban on 127.0.0.1 is lifted"
    assert connect().hello("bruno")["type"] == "welcome"


# --- the window on names and bans ---------------------------------------------------------


def test_releasing_a_name_lets_another_token_take_it(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, connect: Callable[[], Client]
) -> None:
    names = open_names(qtbot, window)
    reservations_view = child(names, QTableView, "reservations_view")
    anna = connect().join("Anna", token=ANNA_TOKEN)
    # The list follows the engine: the hello that registered Anna reserved her name.
    qtbot.waitUntil(lambda: shown(reservations_view, 0) == ["Anna"], timeout=WAIT_MS)
    anna.conn.send({"type": "bye"})
    anna.wait_closed()
    assert connect().hello("anna", token=BRUNO_TOKEN)["code"] == "name_reserved"

    release = child(names, QAbstractButton, "release_button")
    assert not release.isEnabled()
    select_row(reservations_view, 0, "Anna")
    assert release.isEnabled()
    QTest.mouseClick(release, Qt.MouseButton.LeftButton)
    assert engine.names.reservations == []
    qtbot.waitUntil(lambda: shown(reservations_view, 0) == [], timeout=WAIT_MS)
    assert not release.isEnabled()
    assert window.statusBar().currentMessage() == "The name Anna is free: anyone can take it"
    wait_for_log(qtbot, window, LogKind.SERVER, "The name Anna is free")

    assert connect().hello("anna", token=BRUNO_TOKEN)["type"] == "welcome"
    qtbot.waitUntil(lambda: shown(reservations_view, 0) == ["anna"], timeout=WAIT_MS)


def test_lifting_a_name_ban_lets_its_owner_in_again(
    qtbot: QtBot, window: MainWindow, engine: ChatServer, connect: Callable[[], Client]
) -> None:
    connect().join("Anna", token=ANNA_TOKEN).conn.send({"type": "bye"})
    qtbot.waitUntil(lambda: engine.connection_count == 0, timeout=WAIT_MS)
    names = open_names(qtbot, window)
    bans_view = child(names, QTableView, "bans_view")
    engine.names.ban(BanKind.NAME, "anna", None, "")  # from elsewhere: the list follows
    qtbot.waitUntil(lambda: shown(bans_view, 1) == ["Anna", "Anna"], timeout=WAIT_MS)
    assert shown(bans_view, 0) == ["Name", "Owner of"]
    assert shown(bans_view, 2) == ["until lifted", "until lifted"]
    assert connect().hello("Anna", token=ANNA_TOKEN)["code"] == "banned"

    select_row(bans_view, 0, "Name")
    QTest.mouseClick(child(names, QAbstractButton, "lift_button"), Qt.MouseButton.LeftButton)
    assert engine.names.bans == []  # the owner's ban goes with the name's
    qtbot.waitUntil(lambda: shown(bans_view, 0) == [], timeout=WAIT_MS)
    assert connect().hello("Anna", token=ANNA_TOKEN)["type"] == "welcome"


def test_a_timed_ban_leaves_the_list_when_it_ends(
    qtbot: QtBot, window: MainWindow, engine: ChatServer
) -> None:
    names = open_names(qtbot, window)
    bans_view = child(names, QTableView, "bans_view")
    engine.names.ban(BanKind.ADDRESS, "10.0.0.7", 0.3, "")
    engine.names.ban(BanKind.ADDRESS, "10.0.0.8", None, "")
    qtbot.waitUntil(lambda: shown(bans_view, 1) == ["10.0.0.7", "10.0.0.8"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown(bans_view, 1) == ["10.0.0.8"], timeout=WAIT_MS)


def test_the_filter_narrows_both_lists(qtbot: QtBot, window: MainWindow, engine: ChatServer) -> None:
    names = open_names(qtbot, window)
    engine.names.ban(BanKind.ADDRESS, "10.0.0.7", None, "flood")
    engine.names.ban(BanKind.ADDRESS, "10.0.0.8", None, "")
    engine.names.ban(BanKind.NAME, "bruno", None, "")
    bans_view = child(names, QTableView, "bans_view")
    qtbot.waitUntil(lambda: len(shown(bans_view, 1)) == 3, timeout=WAIT_MS)
    QTest.keyClicks(child(names, QLineEdit, "names_filter_edit"), "FLOOD")
    assert shown(bans_view, 1) == ["10.0.0.7"]
    child(names, QLineEdit, "names_filter_edit").setText("bru")
    assert shown(bans_view, 1) == ["bruno"]
    child(names, QLineEdit, "names_filter_edit").clear()
    assert len(shown(bans_view, 1)) == 3


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform
def test_names_window_is_named_and_opens_once(qtbot: QtBot, window: MainWindow) -> None:
    names = open_names(qtbot, window)
    assert open_names(qtbot, window) is names  # the same window, raised
    assert len(window.findChildren(NamesDialog)) == 1
    kinds = (QAbstractButton, QAbstractItemView, QLabel, QLineEdit)
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in names.findChildren(QWidget)
        if isinstance(w, kinds)
        and not w.objectName().startswith("qt_")
        and not isinstance(w.parent(), QAbstractItemView)
        and not w.accessibleName()
    ]
    assert unnamed == []
    order = []
    widget: QWidget | None = child(names, QLineEdit, "names_filter_edit")
    for _ in range(100):
        assert widget is not None
        order.append(widget.objectName())
        widget = widget.nextInFocusChain()
    wanted = ["names_filter_edit", "reservations_view", "release_button", "bans_view", "lift_button"]
    assert [name for name in order if name in wanted][:5] == wanted
