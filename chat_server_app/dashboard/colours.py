"""Colours that read well on both light and dark palettes.

Each tone comes as a pair: a dark shade for light backgrounds and a light shade
for dark ones (Material 800/200 tones, which keep about 4.5:1 contrast against
white and against a near-black window respectively).
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QColor, QPalette

__all__ = ["Tone", "is_dark", "tone_colour"]


class Tone(enum.Enum):
    GREEN = ("#2e7d32", "#a5d6a7")
    RED = ("#c62828", "#ef9a9a")
    BLUE = ("#1565c0", "#90caf9")
    PURPLE = ("#6a1b9a", "#ce93d8")
    ORANGE = ("#a84300", "#ffcc80")


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws dark windows (text lighter than its background)."""
    return (
        palette.color(QPalette.ColorRole.Base).lightness()
        < palette.color(QPalette.ColorRole.Text).lightness()
    )


def tone_colour(tone: Tone, dark: bool) -> QColor:
    return QColor(tone.value[1] if dark else tone.value[0])
