"""The client's icon comes from resources/icons, with a red badge for unread messages."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from chat_client_app.icons import app_icon


def test_the_icon_has_every_size_from_the_resources(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert QSize(16, 16) in icon.availableSizes()
    assert QSize(256, 256) in icon.availableSizes()
    assert app_icon() is icon  # made once: the window asks on every title update


def test_the_badge_is_a_red_dot_at_the_top_right(qapp: QApplication) -> None:
    plain = app_icon().pixmap(64, 64).toImage()
    badged = app_icon(badge=True).pixmap(64, 64).toImage()
    corner = QColor(badged.pixel(64 - 6, 6))
    assert (corner.red(), corner.green(), corner.blue()) == (211, 47, 47)
    assert plain.pixel(64 - 6, 6) != badged.pixel(64 - 6, 6)
    assert plain.pixel(32, 40) == badged.pixel(32, 40)  # the rest is the same picture
