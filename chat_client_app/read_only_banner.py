"""The banner over the send box while the operator has paused the chat.

The server tells the switch in ``welcome.read_only`` (the whole chat), in the answer
to joining a room (``joined.read_only``) and in the notice of each switch
(``notice.read_only``, the whole chat or one room). While the
chat the user looks at is paused, the banner says so and the send box is disabled:
what is typed there could not be sent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from chat_client_app.colours import palette_is_dark
from chat_client_app.controller import Chat, ClientController
from shared.validation import GENERAL, name_key

__all__ = ["ReadOnlyBanner"]

_STYLE_LIGHT = "background: #fff4ce; color: #3d2e00; border: 1px solid #e0c060; padding: 6px;"
_STYLE_DARK = "background: #4a3c0c; color: #ffe8a3; border: 1px solid #8a7020; padding: 6px;"


class ReadOnlyBanner(QLabel):
    """Signals: paused_changed(bool) when writing in the chat looked at becomes
    impossible or possible again."""

    paused_changed = Signal(bool)

    def __init__(self, controller: ClientController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Chat paused"))
        self.setTextFormat(Qt.TextFormat.PlainText)  # a room's name is the wire's
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._paused_rooms: set[str] = set()  # name keys
        self._chat: Chat = Chat.room(GENERAL)
        self._paused = False
        self.hide()
        controller.read_only_changed.connect(self._on_controller_read_only_changed)
        controller.rooms.read_only_changed.connect(self._on_rooms_read_only_changed)
        controller.connected.connect(self._on_controller_connected)

    @property
    def paused(self) -> bool:
        return self._paused

    def show_chat(self, chat: Chat) -> None:
        """The user looks at ``chat`` now."""
        self._chat = chat
        self._update()

    def _on_controller_connected(self, _welcome: object) -> None:
        # A new session: the welcome tells the whole chat's state, and each switch after.
        self._paused_rooms.clear()

    def _on_controller_read_only_changed(self, room: str, on: bool) -> None:
        key = name_key(room)
        if on:
            self._paused_rooms.add(key)
        else:
            self._paused_rooms.discard(key)
        self._update()

    def _on_rooms_read_only_changed(self, room: str, on: bool, _switched: bool) -> None:
        # A room's state comes with the answer to joining it, and with each switch.
        self._on_controller_read_only_changed(room, on)

    def _update(self) -> None:
        general = name_key(GENERAL) in self._paused_rooms
        room = self._chat.is_room and not self._chat.is_general and self._chat.key in self._paused_rooms
        # Private messages go through the whole chat: its switch stops them too (§5).
        paused = general or room
        if general:
            self.setText(self.tr("The teacher has paused the chat: only they can write for now."))
        elif room:
            self.setText(
                self.tr("The teacher has paused #{room}: only they can write there for now.").format(
                    room=self._chat.name
                )
            )
        self.setStyleSheet(_STYLE_DARK if palette_is_dark(self.palette()) else _STYLE_LIGHT)
        self.setVisible(paused)
        if paused != self._paused:
            self._paused = paused
            self.paused_changed.emit(paused)
