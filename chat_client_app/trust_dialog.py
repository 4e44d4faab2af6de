"""Asking the user about a server's TLS certificate: accept once, or refuse a changed one."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from chat_client_app.failures import FailureKind
from chat_client_app.session import ConnectRequest
from chat_client_app.trust import TlsProblem

__all__ = ["TrustDialog", "TLS_TRUST_KINDS", "settle_certificate", "RefusedCertificate"]

TLS_TRUST_KINDS = frozenset({FailureKind.TLS_UNTRUSTED, FailureKind.TLS_CHANGED})
"""Failures only the user can settle, by looking at a fingerprint."""


def _fingerprint_label(text: str) -> QLabel:
    # Grouped in fours on two lines, so two fingerprints can be compared by eye.
    pairs = text.split(":")
    grouped = " ".join(":".join(pairs[i : i + 4]) for i in range(0, len(pairs), 4))
    label = QLabel(grouped)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    font.setFamily("monospace")
    font.setStyleHint(font.StyleHint.Monospace)
    label.setFont(font)
    return label


class TrustDialog(QDialog):
    """First use: show the fingerprint and let the user accept it.

    Changed certificate: a warning naming both fingerprints. The connection is
    refused; replacing the saved certificate is a separate, deliberate button
    that is never the default.
    """

    def __init__(
        self, address: str, fingerprint: str, previous: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trustDialog")
        layout = QVBoxLayout(self)
        intro = QLabel()
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        buttons = QDialogButtonBox()
        if previous is None:
            self.setWindowTitle(self.tr("Check the server's certificate"))
            intro.setText(
                self.tr(
                    "The server at {address} uses a certificate no authority vouches for. "
                    "Ask its operator whether its SHA-256 fingerprint is:"
                ).format(address=address)
            )
            layout.addWidget(_fingerprint_label(fingerprint))
            note = QLabel(self.tr("Trust it only if it matches. It will be remembered for this server."))
            note.setWordWrap(True)
            layout.addWidget(note)
            accept = buttons.addButton(self.tr("Trust and connect"), QDialogButtonBox.ButtonRole.AcceptRole)
            accept.setAccessibleName(self.tr("Trust the certificate and connect"))
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.setDefault(True)
        else:
            self.setWindowTitle(self.tr("The server's certificate has changed"))
            intro.setText(
                self.tr(
                    "WARNING: the server at {address} shows a different certificate from the one "
                    "you trusted before. Someone may be pretending to be it. The connection was refused."
                ).format(address=address)
            )
            layout.addWidget(QLabel(self.tr("Trusted before:")))
            layout.addWidget(_fingerprint_label(previous))
            layout.addWidget(QLabel(self.tr("Shown now:")))
            layout.addWidget(_fingerprint_label(fingerprint))
            replace = buttons.addButton(
                self.tr("The operator changed it: trust the new one"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            replace.setAutoDefault(False)
            close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
            close.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        intro.setAccessibleName(self.windowTitle())

    @classmethod
    def ask(cls, parent: QWidget | None, address: str, fingerprint: str, previous: str | None = None) -> bool:
        """Whether the user trusts ``fingerprint`` for ``address`` (tests replace this)."""
        return cls(address, fingerprint, previous, parent).exec() == QDialog.DialogCode.Accepted


class RefusedCertificate(Protocol):
    """Who refused a certificate: the controller (its server), or a
    :class:`~chat_client_app.server_switch.ServerSwitch` (the server it tried)."""

    @property
    def request(self) -> ConnectRequest | None: ...

    @property
    def tls_problem(self) -> TlsProblem | None: ...

    def trust_certificate(self, fingerprint: str) -> None: ...


def settle_certificate(parent: QWidget | None, refused: RefusedCertificate) -> bool:
    """Ask the user about the certificate just refused; ``True`` if now pinned."""
    problem = refused.tls_problem
    request = refused.request
    if problem is None or request is None or not problem.fingerprint:
        return False
    if not TrustDialog.ask(parent, request.address, problem.fingerprint, problem.pinned):
        return False
    refused.trust_certificate(problem.fingerprint)
    return True
