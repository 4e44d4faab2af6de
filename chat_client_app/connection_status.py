"""The status bar's connection news: state, name and server, countdown, round trip.

:class:`ConnectionStatus` owns the status bar's widgets and says what the
controller's state means to the user; the window only hands it the news.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStatusBar

from chat_client_app.controller import ClientState, ConnectRequest
from chat_client_app.plain_text import tooltip

__all__ = ["ConnectionStatus", "FLASH_MS", "FLASH_LINES"]

FLASH_MS = 10_000
"""How long a problem stays in the status bar: long enough to read a sentence twice."""

FLASH_LINES = 3
"""Lines a problem may take in the status bar: a long sentence in a narrow window."""


class ConnectionStatus(QObject):
    """Widgets in a :class:`QStatusBar`; ``retry_clicked`` when the user asks for a retry."""

    retry_clicked = Signal()

    def __init__(self, status: QStatusBar) -> None:
        super().__init__(status)
        status.setAccessibleName(self.tr("Status bar"))
        # The labels have descriptions, not names: a screen reader names a label by its
        # text, and that text ("Connected", the round-trip time) is what the user wants.
        self._state_label = QLabel(status)
        self._state_label.setAccessibleDescription(self.tr("Connection state"))
        self._address_label = QLabel(status)
        self._address_label.setAccessibleDescription(self.tr("Name and server"))
        self._rtt_label = QLabel(status)
        self._rtt_label.setAccessibleDescription(self.tr("Round-trip time"))
        self._countdown_label = QLabel(status)
        self._countdown_label.setAccessibleDescription(self.tr("Reconnect countdown"))
        # Transient news in a label of its own: QStatusBar.showMessage would hide the
        # other status widgets, the "Retry now" button among them.
        self._flash_label = QLabel(status)
        self._flash_label.setAccessibleDescription(self.tr("Last problem"))
        # A long sentence wraps in the width there is, never widening the window or
        # running past its edge; the status bar does not lay labels out by height for
        # width, so a few lines at most (the tooltip holds the whole sentence).
        self._flash_label.setWordWrap(True)
        self._flash_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._flash_label.setMaximumHeight(FLASH_LINES * self._flash_label.fontMetrics().lineSpacing() + 4)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._flash_label.clear)
        reads = self.tr("The operator of this server can read private messages.")
        self._privacy_label = QLabel(reads, status)
        self._privacy_label.setAccessibleDescription(self.tr("Privacy"))
        self._privacy_label.hide()
        self._retry = QPushButton(self.tr("&Retry now"), status)
        self._retry.setAccessibleName(self.tr("Retry now"))
        self._retry.hide()
        self._retry.clicked.connect(self.retry_clicked)
        status.addWidget(self._state_label)
        status.addWidget(self._address_label)
        status.addWidget(self._countdown_label)
        status.addWidget(self._retry)
        status.addWidget(self._flash_label, 1)
        status.addPermanentWidget(self._privacy_label)
        status.addPermanentWidget(self._rtt_label)
        for label in status.findChildren(QLabel):
            # Names, addresses and error messages come from the network: never markup.
            label.setTextFormat(Qt.TextFormat.PlainText)

    def show_state(self, state: ClientState, request: ConnectRequest | None, name: str) -> None:
        words = {
            ClientState.DISCONNECTED: self.tr("Disconnected"),
            ClientState.CONNECTING: self.tr("Connecting…"),
            ClientState.REGISTERING: self.tr("Joining…"),
            ClientState.CONNECTED: self.tr("Connected"),
            ClientState.RECONNECTING: self.tr("Reconnecting"),
        }
        self._state_label.setText(words[state])
        if request is not None:
            self._address_label.setText(f"{name} @ {request.address}")
        reconnecting = state is ClientState.RECONNECTING
        offline = state is ClientState.DISCONNECTED and request is not None
        self._retry.setVisible(reconnecting or offline)
        self._retry.setText(self.tr("&Retry now") if reconnecting else self.tr("&Reconnect"))
        if not reconnecting:
            self._countdown_label.clear()
        if state is not ClientState.CONNECTED:
            self._rtt_label.clear()
        else:
            self.clear_flash()  # the problem before this connection is over

    def clear_flash(self) -> None:
        self._flash_timer.stop()
        self._flash_label.clear()
        self._flash_label.setToolTip("")

    def flash(self, text: str, ms: int = FLASH_MS) -> None:
        """Show a problem for ``ms``, beside the state rather than over it."""
        self._flash_label.setText(text)
        self._flash_label.setToolTip(tooltip(text))
        self._flash_timer.start(ms)

    def show_operator_reads_private(self, reads: bool) -> None:
        """Whether the current server's operator sees the text of private messages."""
        self._privacy_label.setVisible(reads)

    def show_reconnect_in(self, seconds: float) -> None:
        # Never "in 0 s": the attempt has not started yet.
        self._countdown_label.setText(self.tr("Reconnecting in %n s", "", max(1, round(seconds))))

    def show_countdown(self, seconds: int) -> None:
        self._countdown_label.setText(self.tr("Reconnecting in %n s", "", seconds))

    def show_rtt(self, seconds: float) -> None:
        self._rtt_label.setText(self.tr("RTT {ms} ms").format(ms=max(0, round(seconds * 1000))))
