"""How the chat looks, light and dark: readable links and names, a colour per person in
a room, date separators, a visible focus, sizes that keep it usable, About."""

from __future__ import annotations

import datetime
import itertools
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, QLocale, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QMessageBox, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from chat_client_app.chat_window import ChatWindow
from chat_client_app.colours import PALETTE_SIZE, NameColours, preferred_index
from chat_client_app.controller import Outgoing
from chat_client_app.day_rule import day_label, starts_day
from chat_client_app.message_entry import Entry, EntryKind
from chat_client_app.message_model import MentionsFilter, MessageModel, Role
from chat_client_app.message_view import MessageView
from chat_client_app.row_colours import link_colour, name_colour_on, row_background
from chat_client_app.user_list_panel import UserListPanel
from chat_client_app.user_model import UserListModel
from chat_server_app.engine import ChatServer
from shared.fields import format_ts
from shared.messages import ChatMessage
from shared.version import version

pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")

_ids = itertools.count(1)


# --- WCAG 2.x, written out here so that the test does not trust the code it checks --------


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    return 0.2126 * _linear(colour.red()) + 0.7152 * _linear(colour.green()) + 0.0722 * _linear(colour.blue())


def ratio(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette(QApplication.palette())
    for role, name in colours.items():
        palette.setColor(role, QColor(name))
    return palette


R = QPalette.ColorRole
LIGHT = {R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.Text: "#000000",
         R.Highlight: "#308cc6", R.HighlightedText: "#ffffff", R.Link: "#0000ff"}  # fmt: skip
DARK = {R.Window: "#353535", R.WindowText: "#eeeeee", R.Base: "#2a2a2a", R.Text: "#eeeeee",
        R.Highlight: "#2a82da", R.HighlightedText: "#ffffff", R.Link: "#0000ff"}  # fmt: skip
"""A dark theme that kept the light one's link blue (2.4:1 on its base, as it stands)."""
DARKER = {**DARK, R.Base: "#121212", R.Link: "#1a4f8a"}
PALETTES = {"light": LIGHT, "dark": DARK, "darker": DARKER}


def message(
    text: str, sender: str = "bruno", *, to: str | None = None, when: float | None = None
) -> ChatMessage:
    stamp = format_ts(time.time() if when is None else when)
    return ChatMessage(id=next(_ids), ts=stamp, sender=sender, text=text, to=to)


def rows_of_every_kind() -> list[Entry]:
    return [
        Entry(EntryKind.MESSAGE, "see https://example.org", sender="bruno", epoch=time.time()),
        Entry(EntryKind.MESSAGE, "mine: https://example.org", sender="anna", own=True, epoch=time.time()),
        Entry(EntryKind.MESSAGE, "psst https://example.org", sender="carla", peer="carla", epoch=time.time()),
        Entry(EntryKind.MESSAGE, "anna https://example.org", sender="bruno", mention=True, epoch=time.time()),
        Entry(EntryKind.NOTICE, "rules: https://example.org", epoch=time.time()),
        Entry(EntryKind.ERROR, "no: https://example.org", epoch=time.time()),
    ]


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PALETTES)
def test_links_read_at_4_5_to_1_on_every_kind_of_row(name: str) -> None:
    palette = _palette(PALETTES[name])
    for entry in rows_of_every_kind():
        background = row_background(entry, palette)
        # The row's background is the base with its tint, as painted (checked below).
        assert ratio(link_colour(entry, palette), background) >= 4.5, (name, entry.kind, entry.own)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_painted_link_is_the_readable_one(qtbot: QtBot, name: str) -> None:
    """On screen: the underline is drawn in the link's colour, exactly; on the dark
    palette that is not the palette's raw blue, and the row is the background computed."""
    palette = _palette(PALETTES[name])
    model = MessageModel()
    model.add_messages([message("look at https://example.org/a/long/path/for/a/long/underline")])
    view = MessageView()
    qtbot.addWidget(view)
    view.setPalette(palette)
    view.setModel(model)
    view.resize(600, 200)
    view.show()
    qtbot.waitExposed(view)
    entry = model.entry(0)
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    colours = {image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height())}
    wanted = link_colour(entry, palette)
    assert wanted.rgb() in colours
    background = row_background(entry, palette)
    assert background.rgb() in colours
    assert ratio(wanted, background) >= 4.5
    if name == "dark":
        assert QColor("#0000ff").rgb() not in colours


# --- name colours -----------------------------------------------------------------------------


def test_a_room_gives_each_person_a_colour_of_their_own_while_the_palette_lasts() -> None:
    room = NameColours()
    names = [f"student{i}" for i in range(PALETTE_SIZE)]
    indexes = [room.index_of(n) for n in names]
    assert sorted(indexes) == list(range(PALETTE_SIZE))  # every colour once: no two alike
    assert [room.index_of(n.upper()) for n in names] == indexes  # stable, whatever the case
    assert room.index_of("one more") in range(PALETTE_SIZE)  # past the palette: shared
    other = NameColours()
    assert other.index_of("student5") == NameColours().index_of("student5")  # its own room


def test_a_colour_is_free_again_when_its_person_has_left() -> None:
    room = NameColours()
    first = [f"student{i}" for i in range(PALETTE_SIZE)]
    held = {n: room.index_of(n) for n in first}
    room.left("student3")
    room.left("student7")
    # The room is full of colours, but two people left: the newcomers take theirs,
    # the longest gone first, and share with nobody present.
    assert room.index_of("newcomer1") == held["student3"]
    assert room.index_of("newcomer2") == held["student7"]
    present = [room.index_of(n) for n in first if n not in ("student3", "student7")]
    assert sorted([*present, held["student3"], held["student7"]]) == list(range(PALETTE_SIZE))
    # Their old rows still read their colour (painting does not bring them back).
    assert room.index_of("student3") == held["student3"]


def test_someone_back_soon_keeps_their_colour_and_a_taken_one_is_replaced() -> None:
    room = NameColours()
    room.index_of("anna")
    anna = room.index_of("anna")
    room.left("anna")
    room.index_of("bruno")  # a colour nobody ever had: anna's stays hers
    room.arrived("anna")
    assert room.index_of("anna") == anna
    # Gone again, and the room fills up meanwhile: back, she gets another free one.
    room.left("anna")
    for i in range(PALETTE_SIZE - 2):
        room.index_of(f"s{i}")
    taker = room.index_of("late")
    assert taker == anna  # the only colour left was hers
    room.arrived("anna")  # twelve people here again: she shares her own colour
    assert room.index_of("anna") == preferred_index("anna")


def test_the_timeline_frees_the_colour_of_who_left() -> None:
    model = MessageModel()
    model.set_own_name("me")
    senders = [f"p{i}" for i in range(PALETTE_SIZE)]
    model.add_messages([message("hi", s) for s in senders])
    shown = [model.index(r).data(Role.COLOUR).rgb() for r in range(PALETTE_SIZE)]  # as painted
    assert len(set(shown)) == PALETTE_SIZE
    gone = shown[2]
    # A newcomer whose own colour is someone's still here: only a freed one spares them.
    p2 = model.name_colours.index_of("p2")
    q = next(n for n in (f"q{i}" for i in range(100)) if preferred_index(n) != p2)
    model.add_event(EntryKind.LEFT, "← p2 left the chat", "p2")
    model.add_event(EntryKind.JOINED, f"→ {q} is in the chat", q)
    model.add_messages([message("hello", q)])
    colours = [model.index(r).data(Role.COLOUR) for r in range(model.rowCount())]
    assert colours[-1].rgb() == gone  # q has p2's colour: no one present shares it
    others = {c.rgb() for r, c in enumerate(colours[:PALETTE_SIZE]) if r != 2}
    assert gone not in others


@pytest.mark.parametrize("name", PALETTES)
def test_every_name_colour_reads_on_every_row_as_painted(name: str) -> None:
    palette = _palette(PALETTES[name])
    dark = palette.color(R.Window).lightness() < 128
    model = MessageModel()
    model.set_own_name("anna")
    model.set_dark(dark)
    senders = [f"p{i}" for i in range(PALETTE_SIZE)]
    model.add_messages([message("hi", s) for s in senders])
    model.add_messages([message("to you", "p3", to="anna")])
    seen: set[int] = set()
    for row in range(model.rowCount()):
        entry = model.entry(row)
        colour = model.index(row).data(Role.COLOUR)
        seen.add(colour.rgb())
        painted = name_colour_on(entry, palette, colour)
        assert ratio(painted, row_background(entry, palette)) >= 4.5, (name, entry.sender)
    assert len(seen) == PALETTE_SIZE


def test_the_users_list_shows_the_timeline_s_colours(qtbot: QtBot) -> None:
    model = MessageModel()
    users = UserListModel()
    users.set_name_colours(model.name_colours)
    users.reset(["anna", "bruno", "carla"])
    qtbot.waitUntil(lambda: users.rowCount() == 3)
    model.add_messages([message("hi", "carla"), message("hi", "bruno")])
    for row in range(users.rowCount()):
        name = users.index(row).data(Qt.ItemDataRole.EditRole)
        brush = users.index(row).data(Qt.ItemDataRole.ForegroundRole)
        assert brush.color() == model.name_colours.colour(name, False)


# --- date separators --------------------------------------------------------------------------


def test_each_day_starts_with_a_separator_and_the_rows_stay_the_rows(qtbot: QtBot) -> None:
    now = time.time()
    today = datetime.date.today()
    long_ago = datetime.datetime.combine(today - datetime.timedelta(days=9), datetime.time(12)).timestamp()
    yesterday = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(12)).timestamp()
    model = MessageModel()
    model.add_messages(
        [
            message("old", when=long_ago),
            message("old too", when=long_ago + 60),
            message("yesterday", when=yesterday),
            message("today", when=now),
        ]
    )
    model.add_divider("3 missed", 3, 0)
    model.add_messages([message("later today", when=now)])
    assert model.rowCount() == 6  # the dates are painted, not added as rows
    starts = [starts_day(model.index(r), model.entry(r)) for r in range(model.rowCount())]
    assert starts == [True, False, True, True, False, False]
    old_day = (today - datetime.timedelta(days=9)).toordinal()
    assert day_label(today.toordinal()) == "Today"
    assert day_label(today.toordinal() - 1) == "Yesterday"
    old = today - datetime.timedelta(days=9)
    written = QLocale().toString(QDate(old.year, old.month, old.day), QLocale.FormatType.LongFormat)
    assert day_label(old_day) == written

    view = MessageView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(500, 400)
    option = QStyleOptionViewItem()
    option.font = view.font()
    heights = [view.delegate.sizeHint(option, model.index(r)).height() for r in (0, 1)]
    assert heights[0] > heights[1]  # the first of its day carries the separator
    # Search, mentions and Copy see the messages only: no "Today" row to find or copy.
    assert "Today" not in [model.index(r).data() for r in range(model.rowCount())]


def test_the_mentions_view_has_its_own_separators(qtbot: QtBot) -> None:
    model = MessageModel()
    model.set_own_name("anna")
    model.add_messages([message("hi anna"), message("nothing"), message("anna again")])
    mentions = MentionsFilter()
    mentions.setSourceModel(model)
    assert [starts_day(mentions.index(r, 0), mentions.index(r, 0).data(Role.ENTRY)) for r in (0, 1)] == [
        True,
        False,
    ]


# --- mentions: only others' ------------------------------------------------------------------


def test_the_mentions_panel_lists_only_others_messages_to_the_user() -> None:
    model = MessageModel()
    model.set_own_name("anna")
    model.add_messages(
        [
            message("anna, look", "bruno"),
            message("I am anna", "anna"),  # own: never a mention
            message("psst", "carla", to="anna"),  # private to anna: listed
            message("for you, carla", "anna", to="carla"),  # own private: not listed
        ]
    )
    model.add_outgoing(Outgoing(cid="c1", text="anna again", to="carla", queued_at=time.time()))
    mentions = MentionsFilter()
    mentions.setSourceModel(model)
    assert [mentions.index(r, 0).data() for r in range(mentions.rowCount())] == ["anna, look", "psst"]


# --- the window: About, sizes, focus ------------------------------------------------------------


@pytest.fixture
def window(open_window: Callable[..., ChatWindow], server: ChatServer) -> ChatWindow:
    return open_window(server.port)


def test_help_about_says_the_version(qtbot: QtBot, window: ChatWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    about = next(a for a in help_menu.actions() if "About" in a.text())
    about.trigger()
    box = next(w for w in QApplication.topLevelWidgets() if w.windowTitle() == "About Parla")
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    with open("pyproject.toml", encoding="utf-8") as file:
        written = next(line for line in file if line.startswith("version = "))
    assert version() == written.split('"')[1]
    assert f"Parla {version()}" in box.text()
    box.close()


def test_the_chat_stays_usable_at_480_by_360(qtbot: QtBot, window: ChatWindow) -> None:
    assert window.minimumSize() == QSize(480, 360)
    window.resize(300, 200)  # no smaller than its minimum
    assert (window.width(), window.height()) == (480, 360)
    qtbot.waitUntil(lambda: window.view.width() > 0)
    m = window.fontMetrics().horizontalAdvance("M")
    assert window.view.width() >= 14 * m  # a few words a line, at least
    dock = window.findChild(QDockWidget, "mentions")
    assert dock is not None
    dock.show()  # the mentions dock takes its share, not the timeline's
    qtbot.waitUntil(dock.isVisible)
    QApplication.processEvents()
    assert window.view.viewport().height() >= 6 * window.fontMetrics().height()
    assert window.view.height() > dock.height()
    assert window.input_line.width() >= 14 * m
    assert window.input_line.isVisible()


def test_the_users_column_is_capped(qtbot: QtBot, window: ChatWindow) -> None:
    window.resize(1900, 700)
    panel = window.findChild(UserListPanel)
    assert panel is not None
    qtbot.waitUntil(lambda: window.width() == 1900)
    QApplication.processEvents()
    assert panel.width() <= 20 * panel.fontMetrics().horizontalAdvance("M")
    assert window.view.width() > 3 * panel.width()


def test_every_control_shows_where_the_keyboard_is(qtbot: QtBot, window: ChatWindow) -> None:
    """Tab through the window as a keyboard user does: each control looks different
    while it has the focus."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.model.add_messages([message("a row to be current on")])
    window.input_line.setFocus()
    visited: list[QWidget] = []
    unseen: list[str] = []
    for _ in range(40):
        control = QApplication.focusWidget()
        assert control is not None
        if control in visited:
            break
        visited.append(control)
        focused = control.grab().toImage()
        QTest.keyClick(control, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: not control.hasFocus())  # noqa: B023
        if control.grab().toImage() == focused:
            unseen.append(control.accessibleName() or type(control).__name__)
    assert window.view in visited
    assert window.room_panel.list_view in visited
    assert unseen == []
