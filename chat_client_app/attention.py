"""Getting the user's attention: tray notices and screen-reader announcements.

:class:`Attention` decides nothing about what is news; the window tells it what to
say and it says it where the user will hear it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from chat_client_app.icons import app_icon
from chat_client_app.plain_text import notification_body

__all__ = ["Attention", "ANNOUNCE_MS"]

ANNOUNCE_MS = 400
"""Screen-reader announcements are merged over this long: a burst is one sentence."""

_SAID_MAX_CHARS = 200
"""Characters of a message read out or shown in a notice: enough to know what it is
about (the rest is in the window), and a megabyte from a hostile server stays there."""


class Attention(QObject):
    """Tray notices for ``window`` and announcements spoken over ``spoken``."""

    def __init__(self, window: QWidget, spoken: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._spoken = spoken
        self._tray: QSystemTrayIcon | None = None
        self._pending = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ANNOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def show_unread(self, unread: int) -> None:
        if self._tray is not None:
            self._tray.setIcon(app_icon(badge=unread > 0))

    def notify(self, title: str, text: str) -> None:
        """A notice from the tray, for a user who is looking elsewhere."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(app_icon(badge=True), self)
            self._tray.setToolTip("Parla")
            self._tray.activated.connect(self._on_tray_activated)
            self._tray.show()
        body = notification_body(text[:_SAID_MAX_CHARS])
        self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 6000)

    def announce(self, text: str) -> None:
        # Merged over ANNOUNCE_MS: a burst of messages is one sentence, not one each.
        self._pending = text[:_SAID_MAX_CHARS] if not self._timer.isActive() else self.tr("New messages")
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        """The window is closing: nothing more to say, no icon left in the tray."""
        self._timer.stop()
        if self._tray is not None:
            self._tray.hide()

    def _on_timer_timeout(self) -> None:
        text = self._pending
        self._pending = ""
        self._spoken.setAccessibleDescription(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self._spoken, text))

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
