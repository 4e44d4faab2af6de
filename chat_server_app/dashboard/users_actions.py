"""The Users menu's orders: kick a user, ban a name or an address, and the window on
names and bans; each an action enabled as the engine and the selection allow, each
turned into one engine call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from chat_server_app.core.identity import address_of
from chat_server_app.dashboard.ban_dialog import BanDialog
from chat_server_app.dashboard.kick_dialog import KickDialog
from chat_server_app.dashboard.names_dialog import NamesDialog
from chat_server_app.engine import ChatServer, Session
from chat_server_app.store import BanKind

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
        self._names_dialog: NamesDialog | None = None

        self.kick = QAction(self.tr("&Kick…"), window)
        self.kick.setObjectName("kick_action")
        self.kick.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # Only while the users table has focus: Del must still delete in the notice line.
        self.kick.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.kick.setToolTip(self.tr("Disconnect the selected user (Del)"))
        self.kick.triggered.connect(self._on_kick_triggered)

        # Always enabled: a name or an address can be banned before it comes, and
        # while the server is stopped.
        self.ban = QAction(self.tr("&Ban…"), window)
        self.ban.setObjectName("ban_action")
        self.ban.setToolTip(self.tr("Keep a name, or an address, out of the chat (the selected user's)"))
        self.ban.triggered.connect(self._on_ban_triggered)

        self.names = QAction(self.tr("&Names and bans…"), window)
        self.names.setObjectName("names_action")
        self.names.setToolTip(self.tr("Reserved names and bans in force: release a name, lift a ban"))
        self.names.triggered.connect(self._on_names_triggered)

    def sync(self) -> None:
        """Enable what the engine's state and the selection allow."""
        self.kick.setEnabled(self._engine.is_listening and self._selected() is not None)

    @property
    def names_dialog(self) -> NamesDialog | None:
        """The window on names and bans, once the operator opened it."""
        return self._names_dialog

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

    def _on_ban_triggered(self) -> None:
        session = self._selected()
        name, address = ("", "") if session is None else (session.name, address_of(session.address))
        order = BanDialog.ask(self._window, name, address)
        if order is None:
            return
        self._engine.names.ban(order.kind, order.value, order.seconds, order.reason)
        if order.kind is BanKind.NAME:
            text = self.tr("The name {name} is banned {span}")
        else:
            text = self.tr("The address {address} is banned {span}")
        self.reported.emit(text.format(name=order.value, address=order.value, span=order.span))

    def _on_names_triggered(self) -> None:
        dialog = self._names_dialog
        if dialog is None:
            dialog = self._names_dialog = NamesDialog(self._engine, self.ban, self._window)
            dialog.reported.connect(self.reported)
        elif dialog.isVisible():
            dialog.raise_()  # open behind the dashboard, or on another desktop
        dialog.show()
        dialog.activateWindow()
