"""The Users menu's orders: kick a user; each an action enabled as the engine and the
selection allow, each turned into one engine call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from chat_server_app.dashboard.kick_dialog import KickDialog
from chat_server_app.engine import ChatServer, Session

__all__ = ["UsersActions"]


class UsersActions(QObject):
    """Owns the users' actions; the window puts them in its menu, the users panel in its
    buttons and context menu."""

    reported = Signal(str)  # what an order did (or why it could not), for the operator

    def __init__(self, engine: ChatServer, selected: Callable[[], Session | None], window: QWidget) -> None:
        super().__init__(window)
        self._engine = engine
        self._selected = selected
        self._window = window  # the dialogs' parent

        self.kick = QAction(self.tr("&Kick…"), window)
        self.kick.setObjectName("kick_action")
        self.kick.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # Only while the users table has focus: Del must still delete in the notice line.
        self.kick.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.kick.setToolTip(self.tr("Disconnect the selected user (Del)"))
        self.kick.triggered.connect(self._on_kick_triggered)

    def sync(self) -> None:
        """Enable what the engine's state and the selection allow."""
        self.kick.setEnabled(self._engine.is_listening and self._selected() is not None)

    # --- slots ----------------------------------------------------------------------

    def _on_kick_triggered(self) -> None:
        session = self._selected()
        if session is None:
            return
        name = session.name
        reason = KickDialog.ask(self._window, name)
        if reason is None:
            return
        if not self._engine.kick(name, reason):  # they left while the dialog was open
            self.reported.emit(self.tr("{name} is no longer connected").format(name=name))
