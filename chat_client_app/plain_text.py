"""Text from the network, shown as text wherever Qt or a desktop would read markup.

A QLabel takes plain text with ``Qt.TextFormat.PlainText``. A tooltip has no such
switch: Qt shows it as rich text whenever it merely looks like markup
(``Qt::mightBeRichText``), so :func:`tooltip` hands it escaped rich text, which shows
the characters as they are. A desktop notification's body is markup on Linux (the
freedesktop notification spec), so :func:`notification_body` escapes it there.
"""

from __future__ import annotations

import html
import sys

__all__ = ["tooltip", "notification_body"]


def tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly these characters (line breaks kept)."""
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<p style='white-space:pre-wrap'>{escaped}</p>"


def notification_body(text: str, platform: str = sys.platform) -> str:
    """``text`` for the body of a tray notification on ``platform``."""
    if platform.startswith(("win", "darwin")):
        return text  # plain text there: escaping would show the entities
    return html.escape(text, quote=False)
