"""The top of the window: who the server is, where to reach it, and how it is doing."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from chat_server_app.dashboard.colours import Tone, is_dark, tone_colour
from chat_server_app.dashboard.formatting import format_bytes, format_duration

__all__ = ["HeaderPanel"]

_NAME_SCALE = 1.5
_VALUE_SCALE = 1.25


def _scaled_label(parent: QWidget, scale: float, bold: bool) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # server names and addresses are not markup
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    label.setFont(font)
    return label


class HeaderPanel(QFrame):
    """A dumb widget: the window tells it what to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAccessibleName(self.tr("Server status"))
        self._locale = QLocale()
        self._listening = False
        self._read_only = False

        self._name = _scaled_label(self, _NAME_SCALE, bold=True)
        self._name.setObjectName("server_name_label")
        self._name.setAccessibleDescription(self.tr("Server name"))
        self._name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        addresses_caption = QLabel(self.tr("Connect to:"), self)
        addresses_caption.setAccessibleName(self.tr("Connect to"))
        self._addresses = QLabel(self)
        self._addresses.setObjectName("addresses_label")
        self._addresses.setTextFormat(Qt.TextFormat.PlainText)
        self._addresses.setWordWrap(True)
        # The operator reads these out or pastes them into a message: make them copyable.
        self._addresses.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._addresses.setAccessibleDescription(self.tr("Addresses to connect to"))
        addresses_caption.setBuddy(self._addresses)

        self._state = self._tile_value("state_label")
        self._mode = self._tile_value("mode_label")
        self._uptime = self._tile_value("uptime_label")
        self._users = self._tile_value("users_label")
        self._messages = self._tile_value("messages_label")
        self._bytes_in = self._tile_value("bytes_in_label")
        self._bytes_out = self._tile_value("bytes_out_label")
        self._files = self._tile_value("files_label")

        top = QHBoxLayout()
        top.addWidget(self._name)
        top.addStretch(1)
        where = QHBoxLayout()
        where.addWidget(addresses_caption)
        where.addWidget(self._addresses, 1)

        tiles = QGridLayout()
        tiles.setHorizontalSpacing(32)
        tiles.setVerticalSpacing(0)
        captions = [
            (self.tr("State"), self._state),
            (self.tr("Chat"), self._mode),
            (self.tr("Uptime"), self._uptime),
            (self.tr("Users"), self._users),
            (self.tr("Messages"), self._messages),
            (self.tr("Received"), self._bytes_in),
            (self.tr("Sent"), self._bytes_out),
            (self.tr("Files"), self._files),
        ]
        for column, (caption_text, value) in enumerate(captions):
            caption = QLabel(caption_text, self)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            caption.setAccessibleName(caption_text)
            # The value's name is its text (a screen reader says it); the caption describes it.
            value.setAccessibleDescription(caption_text)
            tiles.addWidget(caption, 0, column)
            tiles.addWidget(value, 1, column)
        tiles.setColumnStretch(len(captions), 1)

        # Clients compare this with what their trust dialog shows (TLS only).
        self._fingerprint = QLabel(self)
        self._fingerprint.setObjectName("fingerprint_label")
        self._fingerprint.setTextFormat(Qt.TextFormat.PlainText)
        self._fingerprint.setWordWrap(True)
        self._fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._fingerprint.setAccessibleDescription(self.tr("TLS certificate fingerprint"))
        self._fingerprint.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(where)
        layout.addWidget(self._fingerprint)
        layout.addSpacing(6)
        layout.addLayout(tiles)

        self.set_listening(False, [])
        self.set_read_only(False)
        self.set_uptime(None)
        self.set_counters(users=0, messages=0, bytes_in=0, bytes_out=0)
        self.set_files(used=0, quota=0, transfers=[])

    def _tile_value(self, name: str) -> QLabel:
        label = _scaled_label(self, _VALUE_SCALE, bold=False)
        label.setObjectName(name)
        return label

    # --- what the window tells us ----------------------------------------------------

    def set_server_name(self, name: str) -> None:
        self._name.setText(name)

    def set_fingerprint(self, fingerprint: str | None) -> None:
        """Show the SHA-256 fingerprint of the TLS certificate (hidden without TLS)."""
        if fingerprint is None:
            self._fingerprint.hide()
            return
        text = self.tr("TLS certificate (SHA-256): {fingerprint}")
        self._fingerprint.setText(text.format(fingerprint=fingerprint))
        self._fingerprint.show()

    def set_listening(self, listening: bool, addresses: list[str]) -> None:
        shown = "   ".join(addresses) if listening else self.tr("— (not listening)")
        if listening == self._listening and shown == self._addresses.text():
            return  # called every second: keep a selection in the label alive
        self._listening = listening
        self._state.setText(self.tr("Listening") if listening else self.tr("Stopped"))
        self._addresses.setText(shown)
        self._apply_colours()

    def set_read_only(self, on: bool) -> None:
        self._read_only = on
        self._mode.setText(self.tr("Read-only") if on else self.tr("Open"))
        self._apply_colours()

    def set_uptime(self, seconds: float | None) -> None:
        self._uptime.setText("—" if seconds is None else format_duration(seconds))

    def set_user_count(self, users: int) -> None:
        self._users.setText(self._locale.toString(users))

    def set_counters(self, *, users: int, messages: int, bytes_in: int, bytes_out: int) -> None:
        self.set_user_count(users)
        self._messages.setText(self._locale.toString(messages))
        self._bytes_in.setText(format_bytes(bytes_in))
        self._bytes_out.setText(format_bytes(bytes_out))

    def set_files(self, *, used: int, quota: int, transfers: list[tuple[str, str, bool, int, int]]) -> None:
        """Space the stored files take, and the transfers in progress: (user, file name,
        upload, bytes done, size) each, listed in the tooltip."""
        text = self.tr("{used} of {quota}").format(used=format_bytes(used), quota=format_bytes(quota))
        if transfers:
            ups = sum(1 for t in transfers if t[2])
            text += "  " + self.tr("↑{uploads} ↓{downloads}").format(
                uploads=ups, downloads=len(transfers) - ups
            )
        self._files.setText(text)
        lines = []
        for user, name, upload, done, size in transfers:
            arrow = "↑" if upload else "↓"
            percent = self._locale.toString(100 * done // max(size, 1))
            lines.append(f"{arrow} {user}: {name} ({percent} %)")
        # A tooltip guesses rich text: names from peers are escaped inside explicit HTML.
        shown = "<br>".join(html.escape(line) for line in lines)
        self._files.setToolTip(f"<html>{shown}</html>" if lines else self.tr("No transfers in progress"))

    # --- palette ------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()

    def _apply_colours(self) -> None:
        dark = is_dark(self.palette())
        self._paint(self._state, Tone.GREEN if self._listening else Tone.RED, dark)
        self._paint(self._mode, Tone.ORANGE if self._read_only else None, dark)

    def _paint(self, label: QLabel, tone: Tone | None, dark: bool) -> None:
        palette = self.palette()
        if tone is not None:
            palette.setColor(QPalette.ColorRole.WindowText, tone_colour(tone, dark))
        label.setPalette(palette)
