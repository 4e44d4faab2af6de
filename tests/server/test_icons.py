"""The dashboard's window icon comes from resources/icons."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from chat_server_app.icons import app_icon


def test_the_icon_has_every_size_from_the_resources(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert {QSize(16, 16), QSize(48, 48), QSize(512, 512)} <= set(icon.availableSizes())
