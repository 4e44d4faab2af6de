"""Asks what to ban (a name, with whoever owns it, or an address), for how long and why."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from chat_server_app.bans import parse_duration
from chat_server_app.core.identity import address_of
from chat_server_app.store import BanKind
from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS
from shared.validation import name_problem, normalize_name

__all__ = ["BanDialog", "BanOrder", "DURATIONS", "DEFAULT_DURATION"]

DURATIONS: tuple[str | None, ...] = ("10m", "1h", "1d", "1w", None)
"""The choices, as ``--ban`` writes them (``None``: until lifted): a lesson's
disturbance, a morning, a day, a week, or for good."""

DEFAULT_DURATION = 1
"""An hour: long enough to end a disturbance, short enough to forget to lift."""

_ADDRESS_MAX_CHARS = 64
"""An IPv6 address with a zone and a port, pasted from the users table, fits."""


@dataclass(frozen=True, slots=True)
class BanOrder:
    """What the operator asked for: :meth:`ChatServer.ban`'s arguments, and how long in words."""

    kind: BanKind
    value: str
    seconds: float | None
    reason: str
    span: str
    """``for 1 hour``, ``until lifted``: for the operator's status line."""


class BanDialog(QDialog):
    """Ban the name (default) or the address; the field of the other choice is disabled.

    Ban checks the field and says what is wrong in the dialog instead of closing."""

    def __init__(self, name: str = "", address: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ban"))
        self.setAccessibleName(self.tr("Ban a name or an address"))

        self._name_radio = QRadioButton(self.tr("Ban the &name (and whoever owns it):"), self)
        self._name_radio.setObjectName("ban_name_radio")
        self._name_radio.setAccessibleName(self.tr("Ban the name"))
        self._name_radio.setToolTip(
            self.tr("Nobody may use the name; the client that owns it may not come back under any name")
        )
        self._name_edit = QLineEdit(name, self)
        self._name_edit.setObjectName("ban_name_edit")
        self._name_edit.setMaxLength(4 * NAME_MAX_CHARS)  # room for spaces around; checked on Ban
        self._name_edit.setAccessibleName(self.tr("Name to ban"))

        self._address_radio = QRadioButton(self.tr("Ban the &address:"), self)
        self._address_radio.setObjectName("ban_address_radio")
        self._address_radio.setAccessibleName(self.tr("Ban the address"))
        self._address_radio.setToolTip(self.tr("Nobody may connect from this IP address, under any name"))
        self._address_edit = QLineEdit(address, self)
        self._address_edit.setObjectName("ban_address_edit")
        self._address_edit.setMaxLength(_ADDRESS_MAX_CHARS)
        self._address_edit.setPlaceholderText(self.tr("e.g. 192.168.1.20"))
        self._address_edit.setAccessibleName(self.tr("Address to ban"))

        self._kinds = QButtonGroup(self)
        self._kinds.addButton(self._name_radio)
        self._kinds.addButton(self._address_radio)
        (self._address_radio if address and not name else self._name_radio).setChecked(True)
        self._name_radio.toggled.connect(self._on_name_radio_toggled)

        self._duration = QComboBox(self)
        self._duration.setObjectName("ban_duration_combo")
        self._duration.setAccessibleName(self.tr("Duration"))
        labels = (self.tr("10 minutes"), self.tr("1 hour"), self.tr("1 day"), self.tr("1 week"))
        self._spans = [
            self.tr("for 10 minutes"),
            self.tr("for 1 hour"),
            self.tr("for 1 day"),
            self.tr("for 1 week"),
            self.tr("until lifted"),
        ]
        for label, text in zip((*labels, self.tr("Until lifted")), DURATIONS, strict=True):
            self._duration.addItem(label, None if text is None else parse_duration(text))
        self._duration.setCurrentIndex(DEFAULT_DURATION)
        duration_label = QLabel(self.tr("&For:"), self)
        duration_label.setBuddy(self._duration)
        duration_label.setAccessibleName(self.tr("Duration"))

        self._reason = QLineEdit(self)
        self._reason.setObjectName("ban_reason_edit")
        self._reason.setMaxLength(TEXT_MAX_CHARS)
        self._reason.setPlaceholderText(self.tr("Reason (optional, shown to the user)"))
        self._reason.setAccessibleName(self.tr("Reason"))
        reason_label = QLabel(self.tr("&Reason:"), self)
        reason_label.setBuddy(self._reason)
        reason_label.setAccessibleName(self.tr("Reason"))

        self._problem = QLabel(self)
        self._problem.setObjectName("ban_problem_label")
        self._problem.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self._problem.setWordWrap(True)
        self._problem.setAccessibleDescription(self.tr("Problem"))
        self._problem.hide()

        buttons = QDialogButtonBox(self)
        ban = buttons.addButton(self.tr("&Ban"), QDialogButtonBox.ButtonRole.AcceptRole)
        ban.setObjectName("ban_button")
        ban.setAccessibleName(self.tr("Ban"))
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.setAccessibleName(self.tr("Dialog buttons"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        # Wide enough for the placeholder and a sentence of reason without scrolling.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 36)

        grid = QGridLayout()
        grid.addWidget(self._name_radio, 0, 0)
        grid.addWidget(self._name_edit, 0, 1)
        grid.addWidget(self._address_radio, 1, 0)
        grid.addWidget(self._address_edit, 1, 1)
        grid.addWidget(duration_label, 2, 0)
        grid.addWidget(self._duration, 2, 1)
        grid.addWidget(reason_label, 3, 0)
        grid.addWidget(self._reason, 3, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self._problem)
        layout.addWidget(buttons)

        QWidget.setTabOrder(self._name_radio, self._name_edit)
        QWidget.setTabOrder(self._name_edit, self._address_radio)
        QWidget.setTabOrder(self._address_radio, self._address_edit)
        QWidget.setTabOrder(self._address_edit, self._duration)
        QWidget.setTabOrder(self._duration, self._reason)
        self._sync_fields()
        # The reason is what is left to type when the selection filled the rest in.
        (self._reason if self._field().text() else self._field()).setFocus()

    # --- reading ----------------------------------------------------------------------

    @property
    def kind(self) -> BanKind:
        return BanKind.NAME if self._name_radio.isChecked() else BanKind.ADDRESS

    def order(self) -> BanOrder | None:
        """The ban asked for, or ``None`` (and the problem shown) if the field is wrong."""
        problem, value = self._check()
        if problem is not None:
            self._problem.setText(problem)
            self._problem.show()
            self._field().setFocus()
            self._field().selectAll()
            return None
        self._problem.hide()
        seconds = self._duration.currentData()
        return BanOrder(
            self.kind,
            value,
            None if seconds is None else float(seconds),
            self._reason.text().strip(),
            self._spans[self._duration.currentIndex()],
        )

    def _field(self) -> QLineEdit:
        return self._name_edit if self.kind is BanKind.NAME else self._address_edit

    def _check(self) -> tuple[str | None, str]:
        """Why the chosen field cannot be banned (``None`` if it can), and its value."""
        if self.kind is BanKind.NAME:
            name = normalize_name(self._name_edit.text())
            if not name:
                return self.tr("Type the name to ban."), name
            if len(name) > NAME_MAX_CHARS:
                return self.tr("A name has at most {count} characters.").format(count=NAME_MAX_CHARS), name
            if name_problem(name) is not None:
                return self.tr("A name cannot hold invisible or control characters."), name
            return None, name
        text = self._address_edit.text().strip()
        if not text:
            return self.tr("Type the IP address to ban."), text
        try:
            # address_of takes "10.0.0.7:51234" and "[fe80::1]:51234" as copied from the table.
            address = str(ipaddress.ip_address(address_of(text)))
        except ValueError:
            return self.tr("“{text}” is not an IP address (e.g. 192.168.1.20 or fe80::1).").format(
                text=text
            ), text
        return None, address

    # --- Qt -------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.order() is not None:
            super().accept()

    def _sync_fields(self) -> None:
        self._name_edit.setEnabled(self.kind is BanKind.NAME)
        self._address_edit.setEnabled(self.kind is BanKind.ADDRESS)
        self._problem.hide()

    def _on_name_radio_toggled(self) -> None:
        self._sync_fields()

    @classmethod
    def ask(cls, parent: QWidget | None, name: str = "", address: str = "") -> BanOrder | None:
        """The ban the operator confirmed, ``None`` if cancelled; tests replace this."""
        dialog = cls(name, address, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        order = dialog.order() if accepted else None
        dialog.deleteLater()
        return order
