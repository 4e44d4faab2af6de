"""The application icon: the PNGs of ``resources/icons`` (see :mod:`shared.resources`)."""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from shared.resources import icon_files

__all__ = ["app_icon"]

_BADGE = QColor(211, 47, 47)


def _with_badge(pixmap: QPixmap) -> QPixmap:
    """``pixmap`` with a red dot at its top right: unread messages, seen in the tray."""
    badged = QPixmap(pixmap)
    painter = QPainter(badged)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_BADGE)
    radius = badged.width() * 0.18
    painter.drawEllipse(QPointF(badged.width() - radius, radius), radius, radius)
    painter.end()
    return badged


@functools.cache
def app_icon(badge: bool = False) -> QIcon:
    """The client's icon; with ``badge``, a red dot for unread messages.

    Made once per variant: the window asks for it on every title update. An icon
    whose files are missing is empty, and Qt then shows the platform's default.
    """
    icon = QIcon()
    for path in icon_files("chat-client"):
        if badge:
            icon.addPixmap(_with_badge(QPixmap(str(path))))
        else:
            icon.addFile(str(path))  # read only when a size is first drawn
    return icon
