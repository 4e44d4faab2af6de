"""Away by itself: after some minutes without a key or a click in the app the user's
presence turns ``away``; their next keystroke brings them back.

Only an ``away`` this object set is undone by a keystroke: an away or busy the user
chose stays until they change it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

from chat_client_app.recent_servers import open_settings
from chat_client_app.rooms_controller import RoomsController
from shared.messages import PresenceState

__all__ = ["IdleAway", "DEFAULT_AWAY_AFTER_MINUTES", "AWAY_AFTER_KEY"]

DEFAULT_AWAY_AFTER_MINUTES = 10
"""Minutes without input before the user shows as away; 0 turns it off."""

AWAY_AFTER_KEY = "presence/away_after_minutes"
"""The client setting (QSettings) that holds those minutes."""

_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


def away_after_minutes() -> float:
    value = open_settings().value(AWAY_AFTER_KEY, DEFAULT_AWAY_AFTER_MINUTES)
    try:
        return max(0.0, float(value))  # type: ignore[arg-type]  # QSettings gives object
    except (TypeError, ValueError):
        return float(DEFAULT_AWAY_AFTER_MINUTES)


class IdleAway(QObject):
    """Watches the application's input and sets the presence of ``rooms``."""

    def __init__(
        self, rooms: RoomsController, minutes: float | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rooms = rooms
        self._auto = False  # the current away is ours, not the user's
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.set_minutes(away_after_minutes() if minutes is None else minutes)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def auto_away(self) -> bool:
        return self._auto

    def set_minutes(self, minutes: float) -> None:
        self._ms = int(minutes * 60_000)
        self.activity()

    def activity(self, *, keystroke: bool = False) -> None:
        """The user did something; a keystroke also ends an away set by idleness."""
        if self._ms > 0:
            self._timer.start(self._ms)
        else:
            self._timer.stop()
        if keystroke and self._auto:
            self._auto = False
            if self._rooms.own_presence[0] is PresenceState.AWAY:
                self._rooms.set_status(PresenceState.AVAILABLE, "")

    def user_chose(self) -> None:
        """The user set a status by hand: it is theirs, not ours to undo."""
        self._auto = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _ACTIVITY:
            self.activity(keystroke=kind == QEvent.Type.KeyPress)
        return False

    def _on_timer_timeout(self) -> None:
        if self._rooms.own_presence[0] is PresenceState.AVAILABLE:
            self._auto = True
            self._rooms.set_status(PresenceState.AWAY, "")
