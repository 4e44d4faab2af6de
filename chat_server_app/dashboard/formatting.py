"""How numbers, times and untrusted text look in the dashboard."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QCoreApplication, QLocale

__all__ = [
    "format_bytes",
    "format_duration",
    "format_rtt",
    "local_clock",
    "local_since",
    "one_line",
    "plain_tooltip",
]

_UNITS = ("KiB", "MiB", "GiB", "TiB")

_SHOWN_CONTROLS = {
    **{code: 0x2400 + code for code in range(0x20)},  # C0 controls as their Control Pictures
    0x7F: 0x2421,
    ord("\n"): 0x21B5,  # ↵: a multi-line message stays on its one row
    ord("\t"): ord(" "),
    ord("\r"): None,
    0x2028: 0x21B5,
    0x2029: 0x21B5,
}


def format_bytes(count: int) -> str:
    """``532 B``, ``1.4 KiB``, ``12.0 MiB``: binary units, as the send-queue limit is.

    The number follows the locale (``1,4 KiB`` in Italian).
    """
    if count < 1024:
        return QCoreApplication.translate("Formatting", "{count} B").format(count=count)
    value = count / 1024
    unit = _UNITS[0]
    for unit in _UNITS[:-1]:  # noqa: B007 - the unit the loop stops at is the one shown
        if value < 1024:
            break
        value /= 1024
    else:
        unit = _UNITS[-1]
    number = QLocale().toString(value, "f", 1)
    return QCoreApplication.translate("Formatting", "{number} {unit}").format(number=number, unit=unit)


def format_duration(seconds: float) -> str:
    """``0:04:07``, or ``3 d 02:00:00`` once a server has run for days."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("Formatting", "{days} d {clock}").format(
            days=days, clock=f"{hours:02d}:{minutes:02d}:{secs:02d}"
        )
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_rtt(rtt: float | None) -> str:
    """Round-trip time in milliseconds, or a dash before the first ping was answered."""
    if rtt is None:
        return "—"
    return QCoreApplication.translate("Formatting", "{ms:.0f} ms").format(ms=rtt * 1000)


def local_clock(epoch: float) -> str:
    """``HH:MM:SS`` in local time: the log's timestamp."""
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def local_since(epoch: float, now: float | None = None) -> str:
    """Local time of day when ``epoch`` is today, else the date too."""
    moment = time.localtime(epoch)
    today = time.localtime(time.time() if now is None else now)
    if moment[:3] == today[:3]:
        return time.strftime("%H:%M:%S", moment)
    return time.strftime("%Y-%m-%d %H:%M", moment)


def one_line(text: str, limit: int) -> str:
    """``text`` fit for one row: controls made visible, cut at ``limit`` characters.

    A row can never show more than a screen's width, and laying out 4000
    characters per visible row is wasted work under a flood.
    """
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.translate(_SHOWN_CONTROLS)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally.

    Qt renders a tooltip as rich text whenever it *looks* like HTML, so untrusted
    text is escaped inside explicit markup rather than passed as is.
    """
    return f'<p style="white-space:pre-wrap">{html.escape(text)}</p>'
