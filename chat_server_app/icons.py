"""The dashboard's window icon: the PNGs of ``resources/icons`` (see :mod:`shared.resources`)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from shared.resources import icon_files

__all__ = ["app_icon"]


def app_icon() -> QIcon:
    """The server's icon, every size; empty (the platform's default) if the files are missing."""
    icon = QIcon()
    for path in icon_files("chat-server"):
        icon.addFile(str(path))  # read only when a size is first drawn
    return icon
