"""How the client gets the user's attention: four choices kept in the settings file,
and the View ▸ Notifications menu that changes them."""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from chat_client_app.recent_servers import open_settings

__all__ = ["AttentionChoice", "AttentionSettings", "AttentionMenu"]


class AttentionChoice(enum.StrEnum):
    """Each is a key under ``attention/`` in the settings file."""

    NOTIFICATIONS = "notifications"  # desktop notifications (or tray balloons)
    SOUND = "sound"
    FLASH = "flash"  # the taskbar entry asks to be looked at
    ONLY_URGENT = "only_urgent"  # only private messages and mentions


_DEFAULTS = {
    AttentionChoice.NOTIFICATIONS: True,
    # A lab full of computers beeping at every message is nobody's wish: sound is asked for.
    AttentionChoice.SOUND: False,
    AttentionChoice.FLASH: True,
    AttentionChoice.ONLY_URGENT: False,
}


class AttentionSettings:
    """The four choices, read from and written to ``settings`` (the client's file)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or open_settings()

    def get(self, choice: AttentionChoice) -> bool:
        value = self._settings.value(f"attention/{choice.value}", _DEFAULTS[choice])
        if isinstance(value, str):  # INI files give strings back
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def set(self, choice: AttentionChoice, on: bool) -> None:
        self._settings.setValue(f"attention/{choice.value}", on)
        self._settings.sync()


class AttentionMenu(QObject):
    """A checkable entry per choice, in a "Notifications" submenu of ``menu``."""

    def __init__(self, menu: QMenu, settings: AttentionSettings) -> None:
        super().__init__(menu)
        self._settings = settings
        texts = {
            AttentionChoice.NOTIFICATIONS: self.tr("Show &notifications"),
            AttentionChoice.SOUND: self.tr("Play a &sound"),
            AttentionChoice.FLASH: self.tr("&Flash the taskbar"),
            AttentionChoice.ONLY_URGENT: self.tr("Only &private messages and mentions"),
        }
        self.menu = menu.addMenu(self.tr("N&otifications"))
        self.actions: dict[AttentionChoice, QAction] = {}
        for choice, text in texts.items():
            action = self.menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(settings.get(choice))
            action.toggled.connect(lambda on, c=choice: self._settings.set(c, on))
            self.actions[choice] = action
