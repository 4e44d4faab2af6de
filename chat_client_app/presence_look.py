"""How a user's presence looks in a list: a coloured dot and words for screen readers."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from shared.messages import PresenceState

__all__ = ["presence_icon", "presence_words", "state_word", "DOT_COLOURS"]

DOT_COLOURS = {
    PresenceState.AVAILABLE: "#2e9d4f",
    PresenceState.AWAY: "#e0a800",
    PresenceState.BUSY: "#d03b3b",
}
"""Green, amber, red: the colours every chat uses, so nobody has to learn them."""


@cache
def presence_icon(state: PresenceState, absent: bool = False) -> QIcon:
    """A dot of ``state``'s colour (hollow and grey for a member who is not online)."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor("#9a9a9a" if absent else DOT_COLOURS[state])
    painter.setPen(colour)
    if not absent:
        painter.setBrush(colour)
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


def state_word(state: PresenceState) -> str:
    return {
        PresenceState.AVAILABLE: QCoreApplication.translate("presence", "available"),
        PresenceState.AWAY: QCoreApplication.translate("presence", "away"),
        PresenceState.BUSY: QCoreApplication.translate("presence", "busy"),
    }[state]


def presence_words(
    name: str, state: PresenceState, text: str, *, own: bool = False, absent: bool = False
) -> str:
    """What a tooltip and a screen reader say of a user: "anna (you), away: lunch"."""
    who = QCoreApplication.translate("presence", "{name} (you)").format(name=name) if own else name
    if absent:
        return QCoreApplication.translate("presence", "{who}, not connected").format(who=who)
    said = QCoreApplication.translate("presence", "{who}, {state}").format(who=who, state=state_word(state))
    return f"{said}: {text}" if text else said
