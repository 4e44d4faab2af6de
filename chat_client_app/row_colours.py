"""The colours a chat row is painted with, each readable on that row's background.

A row's background is the view's base, tinted for the user's own, private, notice and
error rows; links and names on it are the palette's and the room's colours, made
lighter or darker (same hue) until they reach WCAG AA contrast
(:func:`chat_client_app.colours.readable`). A dark theme often keeps the light one's
link blue, which is unreadable on a dark base as it stands.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from chat_client_app.colours import blend, readable
from chat_client_app.message_entry import Entry, EntryKind

__all__ = [
    "FAILED_COLOUR",
    "FAILED_COLOUR_DARK",
    "PRIVATE_COLOUR",
    "row_tint",
    "row_background",
    "link_colour",
    "name_colour_on",
    "dim_colour",
]

FAILED_COLOUR = QColor(200, 40, 40)
FAILED_COLOUR_DARK = QColor(255, 120, 110)
PRIVATE_COLOUR = QColor(150, 80, 220)


def row_tint(entry: Entry, palette: QPalette) -> QColor | None:
    """The translucent colour laid over the base under ``entry``, if any."""
    tint: QColor | None = None
    if entry.kind is EntryKind.MESSAGE and entry.private:
        tint = QColor(PRIVATE_COLOUR)
        tint.setAlpha(38)
    elif entry.kind is EntryKind.MESSAGE and entry.own:
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(28)
    elif entry.kind is EntryKind.NOTICE:
        tint = QColor(palette.color(QPalette.ColorRole.Link))
        tint.setAlpha(30)
    elif entry.kind is EntryKind.ERROR:
        tint = QColor(FAILED_COLOUR)
        tint.setAlpha(30)
    return tint


def row_background(entry: Entry, palette: QPalette) -> QColor:
    """The colour under ``entry``'s text when it is not selected."""
    base = palette.color(QPalette.ColorRole.Base)
    tint = row_tint(entry, palette)
    return blend(base, tint) if tint is not None else base


def link_colour(entry: Entry, palette: QPalette) -> QColor:
    """The palette's link colour, readable on ``entry``'s row."""
    return readable(palette.color(QPalette.ColorRole.Link), row_background(entry, palette))


def name_colour_on(entry: Entry, palette: QPalette, colour: QColor) -> QColor:
    """The sender's ``colour`` (the room's, from the model), readable on ``entry``'s row."""
    return readable(colour, row_background(entry, palette))


def dim_colour(palette: QPalette) -> QColor:
    """Secondary text (date rules), still readable on the view's base."""
    base = palette.color(QPalette.ColorRole.Base)
    dim = QColor(palette.color(QPalette.ColorRole.Text))
    dim.setAlphaF(0.6)
    return readable(blend(base, dim), base)
