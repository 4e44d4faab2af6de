"""The chat window's way to another server: the connect dialog beside the chat, and the
certificate question.

The dialog is opened from the menu, or when the window's first attempt failed (to fix
the address); never twice at once, and never blocking the window: while the user types
in it and while the new server is tried, the chat goes on and takes messages
(:meth:`~chat_client_app.connect_dialog.ConnectDialog.open_beside`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController
from chat_client_app.trust_dialog import TLS_TRUST_KINDS, settle_certificate

__all__ = ["ServerChooser"]


class ServerChooser(QObject):
    """Opens ``window``'s connect dialog and asks about certificates; ``done`` is called
    when the dialog has closed (the window puts the focus back in its input)."""

    def __init__(
        self,
        window: QWidget,
        controller: ClientController,
        *,
        announce_port: int | None,
        done: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._announce_port = announce_port
        self._done = done
        self._dialog: ConnectDialog | None = None
        self.closing = False  # the window is closing: nothing more is asked

    @property
    def dialog(self) -> ConnectDialog | None:
        """The connect dialog on screen, if any."""
        return self._dialog

    def attempt_failed(self, kind: str, message: str) -> None:
        """The controller's attempt failed (the window shows it): what the user must settle."""
        if self._dialog is not None or self.closing or not self._window.isVisible():
            return  # a connect dialog is handling it
        if kind in TLS_TRUST_KINDS:
            # Only the user can settle a certificate; nothing retries until they do.
            QTimer.singleShot(0, self._settle_certificate)
            return
        if self._controller.had_session:
            return  # reconnecting: the countdown says what happens next
        # The first attempt failed (e.g. --connect to a wrong port): let the user fix it.
        QTimer.singleShot(0, lambda: self.ask(message))

    def ask(self, error: str = "") -> None:
        """Open the connect dialog, filled in with the current server (or bring it up)."""
        if self._dialog is not None:
            self._dialog.raise_()
            self._dialog.activateWindow()
            return
        if self.closing:
            return
        request = self._controller.request
        prefill: dict[str, object] = {}
        if request is not None:
            prefill = {"name": request.name, "host": request.host, "port": request.port, "tls": request.tls}
            if request.password:
                prefill["password"] = request.password
        if self._announce_port is not None:
            prefill["announce_port"] = self._announce_port
        self._dialog = ConnectDialog.open_beside(
            self._window, controller=self._controller, error=error, **prefill
        )
        self._dialog.finished.connect(self._on_dialog_finished)

    def _on_dialog_finished(self, _result: int) -> None:
        self._dialog = None
        self._done()

    def _settle_certificate(self) -> None:
        request = self._controller.request
        if request is not None and settle_certificate(self._window, self._controller):
            self._controller.connect_to(request)
