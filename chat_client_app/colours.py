"""Stable per-name colours, readable on light and on dark backgrounds."""

from __future__ import annotations

import hashlib

from PySide6.QtGui import QColor, QPalette

from shared.validation import name_key

__all__ = [
    "name_colour",
    "palette_colour",
    "NameColours",
    "PALETTE_SIZE",
    "MIN_CONTRAST",
    "palette_is_dark",
    "contrast",
    "readable",
    "blend",
]

# Twelve hues far apart (blue, red, green, purple, orange, teal, pink, indigo, olive
# green, vermilion, sky, magenta): neighbours on the colour circle look alike (two
# browns), so a room hands these out one by one (NameColours) instead of hashing
# names onto the whole circle.
_HUES = (212, 0, 130, 282, 28, 178, 330, 248, 95, 14, 196, 302)
PALETTE_SIZE = len(_HUES)
"""People in one room that get a colour of their own; past it, colours repeat."""
_SATURATION = 0.68
_LIGHTNESS_ON_LIGHT = 0.42
_LIGHTNESS_ON_DARK = 0.68
MIN_CONTRAST = 4.5
"""WCAG AA for normal text: every name stays readable, against white and against a
typical dark theme's base (#1e1e1e to #2d2d2d)."""
_LIGHT_BACKGROUND = QColor("#ffffff")
_DARK_BACKGROUND = QColor("#2d2d2d")

_cache: dict[tuple[int, bool], QColor] = {}
_readable_cache: dict[tuple[int, int], QColor] = {}


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def blend(under: QColor, over: QColor) -> QColor:
    """``over`` (with its alpha) painted on the opaque ``under``: what the eye sees."""
    alpha = over.alphaF()
    return QColor.fromRgbF(
        under.redF() * (1 - alpha) + over.redF() * alpha,
        under.greenF() * (1 - alpha) + over.greenF() * alpha,
        under.blueF() * (1 - alpha) + over.blueF() * alpha,
    )


def readable(colour: QColor, background: QColor) -> QColor:
    """``colour`` with its hue kept, made lighter (on a dark background) or darker (on a
    light one) until it reads on ``background`` at :data:`MIN_CONTRAST` or more."""
    key = (colour.rgb(), background.rgb())
    found = _readable_cache.get(key)
    if found is not None:
        return found
    out = QColor(colour.rgb())  # opaque, and in the 8 bits a channel is painted with
    towards_white = _luminance(background) < 0.18  # past it, black text reads better
    hue, saturation, lightness = max(0.0, out.hslHueF()), out.hslSaturationF(), out.lightnessF()
    while contrast(out, background) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness = min(1.0, lightness + 0.02) if towards_white else max(0.0, lightness - 0.02)
        out = QColor(QColor.fromHslF(hue, saturation, lightness).rgb())
    if len(_readable_cache) > 4096:
        _readable_cache.clear()
    _readable_cache[key] = out
    return out


def palette_colour(index: int, dark: bool) -> QColor:
    """Colour number ``index`` (modulo :data:`PALETTE_SIZE`) of the names' palette."""
    key = (index % PALETTE_SIZE, dark)
    colour = _cache.get(key)
    if colour is None:
        hue = _HUES[key[0]] / 360
        background = _DARK_BACKGROUND if dark else _LIGHT_BACKGROUND
        lightness = _LIGHTNESS_ON_DARK if dark else _LIGHTNESS_ON_LIGHT
        # Greens and yellows are bright at any lightness: readable() steps them down.
        colour = readable(QColor.fromHslF(hue, _SATURATION, lightness), background)
        _cache[key] = colour
    return colour


def preferred_index(name: str) -> int:
    """The colour a name gets when it is free: the same in every client and every run
    (BLAKE2, not ``hash``)."""
    digest = hashlib.blake2b(name_key(name).encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % PALETTE_SIZE


def name_colour(name: str, dark: bool) -> QColor:
    """The colour of ``name`` where nobody hands colours out: its preferred one."""
    return palette_colour(preferred_index(name), dark)


class NameColours:
    """Who has which colour in one room: nobody shares one while the palette lasts.

    A name gets its preferred colour if it is free, else the next free one, the first
    time it is seen (a message, a member listed). When its person leaves, the colour
    is free again, but a newcomer takes it only once no colour is left that nobody
    ever had, and then the colour of whoever left longest ago: the leaver's rows keep
    their colour as long as possible, and someone who steps out and comes back gets
    theirs again unless the room has run out meanwhile. Past :data:`PALETTE_SIZE`
    people present, each new one takes its preferred colour, shared.
    """

    __slots__ = ("_index", "_gone", "_present", "_past")

    def __init__(self) -> None:
        self._index: dict[str, int] = {}  # every name seen -> its colour
        self._gone: dict[str, None] = {}  # names that left, the longest gone first
        self._present = [0] * PALETTE_SIZE  # per colour: holders still here
        self._past = [0] * PALETTE_SIZE  # per colour: holders who left

    def index_of(self, name: str) -> int:
        """``name``'s colour; a name not seen before is given one (and counts as here)."""
        key = name_key(name)
        index = self._index.get(key)
        if index is None:
            index = self._take(preferred_index(name))
            self._index[key] = index
        return index

    def _take(self, preferred: int) -> int:
        order = [(preferred + step) % PALETTE_SIZE for step in range(PALETTE_SIZE)]
        index = next((i for i in order if not self._present[i] and not self._past[i]), None)
        if index is None:
            # Only colours of people who left are free: the longest gone's first.
            index = next((self._index[k] for k in self._gone if not self._present[self._index[k]]), preferred)
        self._present[index] += 1
        return index

    def left(self, name: str) -> None:
        """``name``'s person left the room: their colour may go to a newcomer."""
        key = name_key(name)
        index = self._index.get(key)
        if index is None or key in self._gone:
            return
        self._gone[key] = None
        self._present[index] -= 1
        self._past[index] += 1

    def arrived(self, name: str) -> None:
        """``name``'s person came (back): their colour again if nobody took it."""
        key = name_key(name)
        if key not in self._gone:
            self.index_of(name)
            return
        del self._gone[key]
        index = self._index[key]
        self._past[index] -= 1
        if self._present[index]:
            index = self._take(preferred_index(name))  # a newcomer has it now
        else:
            self._present[index] += 1
        self._index[key] = index

    def colour(self, name: str, dark: bool) -> QColor:
        return palette_colour(self.index_of(name), dark)


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark window."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()
