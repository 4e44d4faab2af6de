"""The connect dialog: who you are and where to go, with servers heard on the LAN.

``ConnectDialog.ask(...)`` is the entry point before any chat (tests replace or drive
it); a chat window opens it beside itself with ``ConnectDialog.open_beside(...)``, so
that its chat goes on meanwhile. Given a controller, the dialog drives the connection
attempt itself and accepts only when the server's welcome arrives; a refused
connection, a taken name or a wrong password is shown inside the dialog, in words,
with everything the user typed kept. A chat that is on is left only for a server that
let the user in (:meth:`~chat_client_app.controller.ClientController.switch_to`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chat_client_app.colours import palette_is_dark
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.discovery import LanDiscovery
from chat_client_app.failures import FailureKind
from chat_client_app.input_flaws import name_flaw_sentence
from chat_client_app.recent_servers import RecentServer, load_recent, remember
from chat_client_app.server_switch import ServerSwitch
from chat_client_app.trust_dialog import TLS_TRUST_KINDS, RefusedCertificate, settle_certificate
from shared.errors import ErrorCode
from shared.limits import DEFAULT_ANNOUNCE_PORT, DEFAULT_PORT
from shared.messages import Welcome
from shared.validation import name_flaw, normalize_name

__all__ = ["ConnectDialog"]

# Reds with a contrast of 4.5:1 or more on a light and on a dark window.
_ERROR_STYLE_LIGHT = "color: #c62828;"
_ERROR_STYLE_DARK = "color: #ff8a80;"

_FIELD_OF_FAILURE: dict[str, str] = {
    ErrorCode.NAME_TAKEN: "name",
    ErrorCode.NAME_INVALID: "name",
    ErrorCode.NAME_RESERVED: "name",
    ErrorCode.AUTH_FAILED: "password",
    FailureKind.REFUSED: "port",
    FailureKind.NOT_FOUND: "host",
    FailureKind.UNREACHABLE: "host",
    FailureKind.TIMEOUT: "host",
    FailureKind.TLS_EXPECTED: "tls",
    FailureKind.TLS_UNEXPECTED: "tls",
}
"""Which field gets the focus after a failure: the one the user most likely has to change."""


class ConnectDialog(QDialog):
    """Name, host, port and password; LAN servers; recent servers; errors in words."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        controller: ClientController | None = None,
        announce_port: int = DEFAULT_ANNOUNCE_PORT,
        name: str = "",
        host: str = "",
        port: int | None = None,
        password: str | None = None,
        tls: bool | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a Parla chat"))
        self.setAccessibleName(self.tr("Connect to a chat server"))
        self._controller = controller
        self._request: ConnectRequest | None = None
        self._connecting = False
        self._switch: ServerSwitch | None = None  # the server tried while the chat goes on

        self._recent_box = QComboBox(self)
        self._recent_box.setAccessibleName(self.tr("Recent servers"))
        self._recent_box.view().setAccessibleName(self.tr("Recent servers"))
        self._name = QLineEdit(self)
        self._name.setAccessibleName(self.tr("Your name"))
        self._name.setPlaceholderText(self.tr("How the others will see you"))
        self._name_problem = self._problem_label(self.tr("Problem with the name"))
        self._host = QLineEdit(self)
        self._host.setAccessibleName(self.tr("Server address"))
        self._host.setPlaceholderText(self.tr("e.g. 192.168.1.10 or chat.school.lan"))
        self._host_problem = self._problem_label(self.tr("Problem with the address"))
        self._port = QSpinBox(self)
        self._port.setRange(1, 65535)
        self._port.setValue(DEFAULT_PORT)
        self._port.setAccessibleName(self.tr("Server port"))
        self._password = QLineEdit(self)
        self._password.setEchoMode(QLineEdit.EchoMode.Password)
        self._password.setAccessibleName(self.tr("Server password"))
        self._show_password_hint(False)
        self._lan = QListWidget(self)
        self._lan.setAccessibleName(self.tr("Servers on this network"))
        self._lan.setMaximumHeight(110)
        self._lan_status = QLabel(self)
        self._lan_status.setAccessibleDescription(self.tr("Network discovery status"))
        self._lan_status.setWordWrap(True)
        self._lan_status.setTextFormat(Qt.TextFormat.PlainText)  # carries a socket's error text
        self._error = self._problem_label(self.tr("Connection error"))
        self._status = QLabel(self)
        self._status.setAccessibleDescription(self.tr("Connection status"))
        self._status.setTextFormat(Qt.TextFormat.PlainText)  # an address the user typed
        self._status.setWordWrap(True)
        self._buttons = QDialogButtonBox(self)
        self._connect_button = QPushButton(self.tr("&Connect"), self)
        self._connect_button.setAccessibleName(self.tr("Connect"))
        self._connect_button.setDefault(True)
        self._buttons.addButton(self._connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self._buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("&Recent:"), self._recent_box)
        form.addRow(self.tr("&Name:"), self._name)
        form.addRow("", self._name_problem)
        form.addRow(self.tr("&Server:"), self._host)
        form.addRow("", self._host_problem)
        form.addRow(self.tr("&Port:"), self._port)
        form.addRow(self.tr("Pass&word:"), self._password)
        self._tls = QCheckBox(self.tr("S&ecure connection (TLS)"), self)
        self._tls.setAccessibleName(self.tr("Secure connection (TLS)"))
        form.addRow("", self._tls)
        lan_label = QLabel(self.tr("Servers on this &network (click one to use it):"), self)
        lan_label.setBuddy(self._lan)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(lan_label)
        layout.addWidget(self._lan)
        layout.addWidget(self._lan_status)
        layout.addWidget(self._error)
        layout.addWidget(self._status)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(440)

        self._recent = load_recent()
        self._fill_recent()
        # The last server used is preselected; explicit values (command line) win.
        if self._recent:
            self._apply_recent(self._recent[0])
        if name:
            self._name.setText(name)
        if host:
            self._host.setText(host)
        if port is not None and 1 <= port <= 65535:
            self._port.setValue(port)
        if host or port is not None:
            # Another server than the last one: how to reach it is what its own entry says.
            known = self._recent_entry(self._host.text().strip(), self._port.value())
            self._tls.setChecked(known is not None and known.tls)
            self._show_password_hint(known is not None and known.password)
        if password:
            self._password.setText(password)
        if tls is not None:
            self._tls.setChecked(tls)
        self._show_error(error)

        self._discovery = LanDiscovery(announce_port, parent=self)
        self._discovery.servers_changed.connect(self._on_discovery_servers_changed)
        if self._discovery.start():
            self._lan_status.setText(self.tr("Listening for servers on this network…"))
        else:
            self._lan_status.setText(
                self.tr("Cannot listen for servers on this network ({reason}): type the address.").format(
                    reason=self._discovery.error
                )
            )

        self._recent_box.activated.connect(self._on_recent_box_activated)
        self._lan.itemClicked.connect(self._on_lan_item_clicked)
        self._lan.itemActivated.connect(self._on_lan_item_clicked)
        self._name.textEdited.connect(self._on_name_text_edited)
        self._host.textEdited.connect(self._on_host_text_edited)
        self._buttons.accepted.connect(self._on_buttons_accepted)
        self._buttons.rejected.connect(self.reject)
        if controller is not None:
            controller.connected.connect(self._on_controller_connected)
            controller.attempt_failed.connect(self._on_controller_attempt_failed)
        self.setTabOrder(self._name, self._host)
        self.setTabOrder(self._host, self._port)
        self.setTabOrder(self._port, self._password)
        self.setTabOrder(self._password, self._tls)
        self.setTabOrder(self._tls, self._connect_button)
        (self._host if self._name.text() and not self._host.text() else self._name).setFocus()

    def _problem_label(self, description: str) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(_ERROR_STYLE_DARK if palette_is_dark(self.palette()) else _ERROR_STYLE_LIGHT)
        label.setWordWrap(True)
        # No accessible name: a screen reader names a label by its text, the problem itself.
        label.setAccessibleDescription(description)
        label.setTextFormat(Qt.TextFormat.PlainText)  # server messages are not markup
        label.hide()
        return label

    # --- the one entry point ----------------------------------------------------------

    @classmethod
    def ask(cls, parent: QWidget | None = None, **options: Any) -> ConnectRequest | None:
        """Show the dialog; the request once connected (or accepted), ``None`` if cancelled.

        ``options``: ``controller``, ``announce_port``, ``error`` and the prefill
        values ``name``, ``host``, ``port``, ``password``.
        """
        dialog = cls(parent, **options)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.request
            return None
        finally:
            dialog.close_discovery()
            dialog.deleteLater()

    @classmethod
    def open_beside(cls, parent: QWidget, **options: Any) -> ConnectDialog:
        """Show the dialog without blocking ``parent``, whose chat goes on meanwhile; it
        cleans up after itself once ``finished``. ``options``: as :meth:`ask`'s."""
        dialog = cls(parent, **options)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.finished.connect(dialog._on_finished)
        dialog.show()
        return dialog

    def _on_finished(self, _result: int) -> None:
        self.close_discovery()
        self.deleteLater()

    @property
    def request(self) -> ConnectRequest | None:
        return self._request

    @property
    def discovery(self) -> LanDiscovery:
        return self._discovery

    def close_discovery(self) -> None:
        self._discovery.stop()
        self._give_up_switch()
        if self._controller is not None:
            self._controller.connected.disconnect(self._on_controller_connected)
            self._controller.attempt_failed.disconnect(self._on_controller_attempt_failed)
            self._controller = None

    @property
    def error_text(self) -> str:
        """The error shown, "" if none (for tests and screen readers)."""
        return self._error.text() if not self._error.isHidden() else ""

    # --- filling in ---------------------------------------------------------------------

    def _fill_recent(self) -> None:
        self._recent_box.clear()
        if not self._recent:
            self._recent_box.addItem(self.tr("(none yet)"))
            self._recent_box.setEnabled(False)
            return
        self._recent_box.setEnabled(True)
        for entry in self._recent:
            label = f"{entry.host}:{entry.port}" + (f" — {entry.name}" if entry.name else "")
            how = [self.tr("secure")] if entry.tls else []
            if entry.password:
                how.append(self.tr("password"))
            self._recent_box.addItem(f"{label} ({', '.join(how)})" if how else label)

    def _apply_recent(self, entry: RecentServer) -> None:
        """Every field as it was when ``entry`` last let the user in (the password is
        never kept: the field is emptied, and says whether one is needed)."""
        self._host.setText(entry.host)
        self._port.setValue(entry.port)
        self._name.setText(entry.name)
        self._tls.setChecked(entry.tls)
        self._password.clear()
        self._show_password_hint(entry.password)
        for problem in (self._name_problem, self._host_problem):
            problem.hide()

    def _recent_entry(self, host: str, port: int) -> RecentServer | None:
        return next((r for r in self._recent if (r.host.lower(), r.port) == (host.lower(), port)), None)

    def _show_password_hint(self, needed: bool) -> None:
        self._password.setPlaceholderText(
            self.tr("This server needs a password") if needed else self.tr("Only if the server has one")
        )

    def _on_recent_box_activated(self, row: int) -> None:
        if 0 <= row < len(self._recent):
            entry = self._recent[row]
            self._apply_recent(entry)
            (self._password if entry.password else self._connect_button).setFocus()

    def _on_discovery_servers_changed(self) -> None:
        current = self._lan.currentItem()
        chosen = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self._lan.clear()
        for server in self._discovery.servers:
            users = self.tr("%n user(s)", "", server.users)
            secure = self.tr(", TLS") if server.tls else ""
            item = QListWidgetItem(f"{server.name} — {server.host}:{server.port} ({users}{secure})")
            item.setData(Qt.ItemDataRole.UserRole, (server.host, server.port, server.tls))
            self._lan.addItem(item)
            if chosen is not None and tuple(chosen)[:2] == (server.host, server.port):
                self._lan.setCurrentItem(item)
        count = self._lan.count()
        self._lan_status.setText(
            self.tr("%n server(s) found on this network.", "", count)
            if count
            else self.tr("Listening for servers on this network…")
        )

    def _on_lan_item_clicked(self, item: QListWidgetItem) -> None:
        host, port, tls = item.data(Qt.ItemDataRole.UserRole)
        self._host.setText(host)
        self._port.setValue(int(port))
        self._tls.setChecked(bool(tls))
        self._host_problem.hide()
        (self._name if not self._name.text().strip() else self._password).setFocus()

    # --- validation -------------------------------------------------------------------

    def _on_name_text_edited(self, text: str) -> None:
        if not self._name_problem.isHidden():
            self._validate_name()

    def _on_host_text_edited(self, text: str) -> None:
        if not self._host_problem.isHidden():
            self._validate_host()

    def _validate_name(self) -> bool:
        flaw = name_flaw(self._name.text())
        if flaw is None:
            self._name_problem.hide()
            return True
        self._name_problem.setText(self._name_sentence(name_flaw_sentence(*flaw)))
        self._name_problem.show()
        self._fit_height()
        return False

    def _name_sentence(self, problem: str) -> str:
        if not self._name.text().strip():
            return self.tr("Type the name the others will see.")
        return self.tr("This name cannot be used: {problem}.").format(problem=problem)

    def _validate_host(self) -> bool:
        host = self._host.text().strip()
        if host and not any(ch.isspace() for ch in host):
            self._host_problem.hide()
            return True
        self._host_problem.setText(
            self.tr("Type the server's address (ask the person who runs it, or pick one below).")
            if not host
            else self.tr("An address has no spaces.")
        )
        self._host_problem.show()
        self._fit_height()
        return False

    def _show_error(self, text: str) -> None:
        self._error.setText(text)
        self._error.setVisible(bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show every line of the problems shown: a top-level window does not
        follow its wrapped labels' height for its width by itself, and cuts them."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    # --- connecting -------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        if self._connecting:
            return
        name_ok = self._validate_name()
        host_ok = self._validate_host()
        if not name_ok:
            self._name.setFocus()
            return
        if not host_ok:
            self._host.setFocus()
            return
        host = self._host.text().strip().removeprefix("[").removesuffix("]")
        request = ConnectRequest(
            name=normalize_name(self._name.text()),
            host=host,
            port=self._port.value(),
            password=self._password.text() or None,
            tls=self._tls.isChecked(),
        )
        self._request = request
        self._show_error("")
        if self._controller is None:
            self._remember(request)
            self.accept()
            return
        self._set_busy(True)
        self._status.setText(self.tr("Connecting to {address}…").format(address=request.address))
        self._switch = self._controller.switch_to(request)
        if self._switch is not None:
            self._switch.failed.connect(self._on_switch_failed)
            current = self._controller.request
            self._status.setText(
                self.tr("Trying {address}… You stay on {current} until it lets you in.").format(
                    address=request.address, current=current.address if current is not None else ""
                )
            )
            self._fit_height()

    def _set_busy(self, busy: bool) -> None:
        self._connecting = busy
        fields = (self._name, self._host, self._port, self._password, self._tls, self._lan, self._recent_box)
        for widget in fields:
            widget.setEnabled(not busy and (widget is not self._recent_box or bool(self._recent)))
        self._connect_button.setEnabled(not busy)
        if not busy:
            self._status.clear()

    def _asked_here(self) -> bool:
        """Whether the controller's server is the one asked for here, not the chat that goes on."""
        return self._controller is not None and self._controller.request == self._request

    def _on_controller_connected(self, welcome: Welcome) -> None:
        if not self._connecting or self._request is None or not self._asked_here():
            return
        self._switch = None
        self._set_busy(False)
        self._remember(self._request)
        self.accept()

    def _on_controller_attempt_failed(self, kind: str, message: str) -> None:
        if self._connecting and self._switch is None and self._asked_here() and self._controller is not None:
            self._failed(kind, message, self._controller)

    def _on_switch_failed(self, kind: str, message: str) -> None:
        switch, self._switch = self._switch, None
        if self._connecting and switch is not None:
            self._failed(kind, message, switch)

    def _give_up_switch(self) -> None:
        switch, self._switch = self._switch, None
        if switch is not None and switch.under_way and self._controller is not None:
            self._controller.cancel_switch()  # the chat the user is in was never left

    def _failed(self, kind: str, message: str, refused: RefusedCertificate) -> None:
        self._set_busy(False)
        if kind in TLS_TRUST_KINDS and settle_certificate(self, refused):
            self._on_buttons_accepted()  # pinned: connect again at once
            return
        self._show_error(message)
        field = {
            "name": self._name,
            "password": self._password,
            "port": self._port,
            "host": self._host,
            "tls": self._tls,
        }.get(_FIELD_OF_FAILURE.get(kind, "host"), self._host)
        field.setFocus()
        if isinstance(field, QLineEdit):
            field.selectAll()

    def _remember(self, request: ConnectRequest) -> None:
        remember(RecentServer(request.host, request.port, request.name, request.tls, bool(request.password)))

    def reject(self) -> None:
        # Cancelling while connecting abandons that attempt (and only that one).
        if self._connecting and self._controller is not None:
            if self._switch is not None:
                self._give_up_switch()
            elif self._controller.state is not ClientState.CONNECTED:
                self._controller.quit()
            self._set_busy(False)
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._discovery.stop()
        super().closeEvent(event)
