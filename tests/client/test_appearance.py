"""View ▸ Appearance: light or dark whatever the desktop says, kept for the next start
(shared_gui/appearance.py), and a timeline that follows the palette it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from chat_client_app.app import build_parser
from chat_client_app.chat_window import ChatWindow
from chat_client_app.colours import palette_is_dark
from chat_server_app.engine import ChatServer
from shared_gui.appearance import Appearance, apply_appearance, dark_palette, saved_appearance

OpenWindow = Callable[..., ChatWindow]


def contrast(a: QPalette.ColorRole, b: QPalette.ColorRole, palette: QPalette) -> float:
    def luminance(role: QPalette.ColorRole) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        colour = palette.color(role)
        r, g, b_ = (channel(x) for x in (colour.redF(), colour.greenF(), colour.blueF()))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def system_look(qapp: QApplication) -> Iterator[None]:
    """Every test leaves the application as the platform made it."""
    yield
    apply_appearance(qapp, Appearance.SYSTEM)
    QSettings().remove("appearance")


def test_the_dark_palette_is_readable() -> None:
    palette = dark_palette()
    assert palette_is_dark(palette)
    role = QPalette.ColorRole
    assert contrast(role.Text, role.Base, palette) >= 7
    assert contrast(role.WindowText, role.Window, palette) >= 7
    assert contrast(role.ButtonText, role.Button, palette) >= 7
    assert contrast(role.Link, role.Base, palette) >= 4.5
    assert contrast(role.HighlightedText, role.Highlight, palette) >= 4.5


def test_dark_then_system_again(qapp: QApplication, system_look: None) -> None:
    before = qapp.palette().color(QPalette.ColorRole.Window)
    apply_appearance(qapp, Appearance.DARK)
    assert palette_is_dark(qapp.palette())
    apply_appearance(qapp, Appearance.LIGHT)
    assert not palette_is_dark(qapp.palette())
    apply_appearance(qapp, Appearance.SYSTEM)
    assert qapp.palette().color(QPalette.ColorRole.Window) == before


def test_the_menu_darkens_the_open_window_and_is_remembered(
    qtbot: QtBot, server: ChatServer, open_window: OpenWindow, system_look: None
) -> None:
    window = open_window(server.port)
    menu = window._appearance_menu  # the View menu's entries, as a user clicks them
    assert menu.actions[saved_appearance()].isChecked()
    menu.actions[Appearance.DARK].trigger()
    assert saved_appearance() is Appearance.DARK
    assert menu.actions[Appearance.DARK].isChecked()
    # The timeline's own colours follow the palette: rows drawn for a dark background.
    qtbot.waitUntil(lambda: window._model._dark, timeout=2000)
    menu.actions[Appearance.SYSTEM].trigger()
    assert saved_appearance() is Appearance.SYSTEM
    qtbot.waitUntil(lambda: not window._model._dark, timeout=2000)


def test_the_command_line_chooses_for_this_run() -> None:
    assert build_parser().parse_args(["--appearance", "dark"]).appearance == "dark"
    with pytest.raises(Exception, match="appearance"):
        build_parser().parse_args(["--appearance", "purple"])
