"""Stable per-name colours, readable on light and on dark backgrounds."""

from __future__ import annotations

import hashlib

from PySide6.QtGui import QColor, QPalette

from shared.validation import name_key

__all__ = ["name_colour", "palette_is_dark", "contrast"]

# Twelve hues far apart (blue, red, green, purple, orange, teal, pink, indigo, olive
# green, vermilion, sky, magenta): a hash over the whole circle gives neighbours that
# look alike (two browns); a small per-name offset still tells same-bucket names apart.
_HUES = (212, 0, 130, 282, 28, 178, 330, 248, 95, 14, 196, 302)
_SATURATION = 0.68
_LIGHTNESS_ON_LIGHT = 0.42
_LIGHTNESS_ON_DARK = 0.68
_MIN_CONTRAST = 4.5
"""WCAG AA for normal text: every name stays readable, against white and against a
typical dark theme's base (#1e1e1e to #2d2d2d)."""
_LIGHT_BACKGROUND = QColor("#ffffff")
_DARK_BACKGROUND = QColor("#2d2d2d")

_cache: dict[tuple[str, bool], QColor] = {}


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def name_colour(name: str, dark: bool) -> QColor:
    """The colour of ``name``: the same in every client and every run (BLAKE2, not ``hash``)."""
    key = (name_key(name), dark)
    colour = _cache.get(key)
    if colour is None:
        digest = int.from_bytes(hashlib.blake2b(key[0].encode("utf-8"), digest_size=4).digest(), "big")
        hue = ((_HUES[digest % len(_HUES)] + (digest >> 8) % 17 - 8) % 360) / 360
        background = _DARK_BACKGROUND if dark else _LIGHT_BACKGROUND
        lightness = _LIGHTNESS_ON_DARK if dark else _LIGHTNESS_ON_LIGHT
        colour = QColor.fromHslF(hue, _SATURATION, lightness)
        # Greens and yellows are bright at any lightness: step towards readable.
        while contrast(colour, background) < _MIN_CONTRAST and 0.05 < lightness < 0.95:
            lightness += 0.02 if dark else -0.02
            colour = QColor.fromHslF(hue, _SATURATION, lightness)
        if len(_cache) > 4096:
            _cache.clear()  # bounded: a server with a thousand users churning names
        _cache[key] = colour
    return colour


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()
