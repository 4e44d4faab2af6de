"""The application icon, drawn in code (no image files to ship or to lose)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap

__all__ = ["app_icon"]

_BLUE = QColor(33, 118, 210)


def _bubble(size: int, badge: bool) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    path = QPainterPath()
    path.addRoundedRect(QRectF(4 * s, 6 * s, 56 * s, 40 * s), 12 * s, 12 * s)
    tail = QPainterPath()
    tail.moveTo(QPointF(16 * s, 44 * s))
    tail.lineTo(QPointF(12 * s, 58 * s))
    tail.lineTo(QPointF(30 * s, 45 * s))
    tail.closeSubpath()
    painter.fillPath(path.united(tail), _BLUE)
    painter.setBrush(QColor("white"))
    painter.setPen(Qt.PenStyle.NoPen)
    for x in (20, 32, 44):
        painter.drawEllipse(QPointF(x * s, 26 * s), 4 * s, 4 * s)
    if badge:
        painter.setBrush(QColor(211, 47, 47))
        painter.drawEllipse(QPointF(52 * s, 12 * s), 10 * s, 10 * s)
    painter.end()
    return pixmap


def app_icon(badge: bool = False) -> QIcon:
    """The speech bubble; with ``badge``, a red dot for unread messages."""
    icon = QIcon()
    for size in (16, 32, 64, 128):
        icon.addPixmap(_bubble(size, badge))
    return icon
