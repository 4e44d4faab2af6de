"""Getting the user's attention: desktop notifications, the tray, a sound, the
taskbar, and screen-reader announcements.

:class:`Attention` decides nothing about what is news; the window tells it what to
say and it says it where the user will hear it, as the user's settings
(:mod:`chat_client_app.attention_settings`) allow: a desktop notification through the
freedesktop service on D-Bus, or a tray balloon where there is none; the taskbar entry
flashing (``QApplication.alert``); a sound, the notification server's own when it has
one, else the system bell (Qt's multimedia module is not part of PySide6-Essentials).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from chat_client_app.attention_settings import AttentionChoice, AttentionSettings
from chat_client_app.desktop_notifier import DesktopNotifier, NoticeRequest
from chat_client_app.icons import app_icon
from chat_client_app.notices import Notice
from chat_client_app.plain_text import notification_body

__all__ = ["Attention", "ANNOUNCE_MS"]

ANNOUNCE_MS = 400
"""Screen-reader announcements are merged over this long: a burst is one sentence."""

_SAID_MAX_CHARS = 200
"""Characters of a message read out or shown in a notice: enough to know what it is
about (the rest is in the window), and a megabyte from a hostile server stays there."""


class Attention(QObject):
    """Tray notices for ``window`` and announcements spoken over ``spoken``."""

    def __init__(
        self,
        window: QWidget,
        spoken: QWidget,
        settings: AttentionSettings | None = None,
        notifier: DesktopNotifier | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._spoken = spoken
        self.settings = settings or AttentionSettings()
        self._notifier = notifier or DesktopNotifier(parent=self)
        self._notifier.shown.connect(self._on_notifier_shown)
        self._notifier.failed.connect(self._on_notifier_failed)
        self._tray: QSystemTrayIcon | None = None
        self._pending = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ANNOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def show_unread(self, unread: int) -> None:
        if self._tray is not None:
            self._tray.setIcon(app_icon(badge=unread > 0))

    @property
    def notifier(self) -> DesktopNotifier:
        return self._notifier

    def notify(self, title: str, text: str, *, urgent: bool = False) -> None:
        """Tell a user who is looking elsewhere: ``urgent`` for what is meant for them
        (a private message, a mention, being removed)."""
        settings = self.settings
        if settings.get(AttentionChoice.ONLY_URGENT) and not urgent:
            return
        if settings.get(AttentionChoice.FLASH):
            QApplication.alert(self._window)
        sound = settings.get(AttentionChoice.SOUND)
        if not settings.get(AttentionChoice.NOTIFICATIONS):
            if sound:
                QApplication.beep()
            return
        request = NoticeRequest(title, text[:_SAID_MAX_CHARS], urgent=urgent, sound=sound)
        if not self._notifier.notify(request):
            self._on_notifier_failed(request)

    def tell(self, notice: Notice) -> None:
        """A notice about arriving messages, in words."""
        name, room = notice.sender, notice.chat.name
        if notice.private:
            title = self.tr("Private message from {name}").format(name=name)
        elif notice.mention and notice.chat.is_general:
            title = self.tr("{name} mentioned you").format(name=name)
        elif notice.mention:
            title = self.tr("{name} mentioned you in #{room}").format(name=name, room=room)
        else:
            title = self.tr("{name} in #{room}").format(name=name, room=room)
        text = notice.text[:_SAID_MAX_CHARS]
        if notice.count > 1:
            more = self.tr("and %n more", "", notice.count - 1)
            text = f"{text}\n{more}"
        self.notify(title, text, urgent=notice.urgent)

    def _on_notifier_shown(self, request: NoticeRequest, played: bool) -> None:
        if request.sound and not played:
            QApplication.beep()

    def _on_notifier_failed(self, request: NoticeRequest) -> None:
        # No notification service: the tray's balloon, where there is a tray.
        if request.sound:
            QApplication.beep()
        self._show_in_tray(request.summary, request.body)

    def _show_in_tray(self, title: str, text: str) -> None:
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
        self._notifier.close()
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
