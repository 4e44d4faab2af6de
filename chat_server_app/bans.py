"""Bans as the operator writes them: ``name:Anna/2h``, ``address:10.0.0.7``.

A ban on the command line or in the config (``--ban``, ``ban = [...]``) holds for
as long as the config says so, its duration counted from the server's start; one
set from the dashboard is kept in the history store with its end.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from chat_server_app.store import BanKind

__all__ = ["BanSpec", "parse_ban", "parse_duration", "describe_left"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw]?)")


@dataclass(frozen=True, slots=True)
class BanSpec:
    """A ban as configured: what (a name or an address) and for how long (``None``: ever)."""

    kind: BanKind
    value: str
    seconds: float | None = None


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``2h``, ``7d``, ``1w`` in seconds (raises ``ValueError``)."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration (e.g. 90s, 30m, 2h, 7d)")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def parse_ban(text: str) -> BanSpec:
    """``name:NAME`` or ``address:IP``, optionally followed by ``/DURATION``."""
    kind_text, sep, rest = text.partition(":")
    if not sep or kind_text.strip().lower() not in ("name", "address"):
        raise ValueError("a ban is name:NAME or address:IP, optionally /DURATION")
    seconds = None
    what, slash, duration = rest.rpartition("/")
    if slash and _DURATION.fullmatch(duration.strip().lower()):
        seconds = parse_duration(duration)
    else:
        what = rest
    what = what.strip()
    if not what:
        raise ValueError("the ban names nothing")
    if kind_text.strip().lower() == "address":
        try:
            what = str(ipaddress.ip_address(what))
        except ValueError:
            raise ValueError(f"{what!r} is not an IP address") from None
        return BanSpec(BanKind.ADDRESS, what, seconds)
    return BanSpec(BanKind.NAME, what, seconds)


def describe_left(seconds: float) -> str:
    """Time left, in words for the ``banned`` error's message: ``2 h 5 min``."""
    seconds = max(0, int(seconds + 0.999))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    if not days and not hours:
        parts.append(f"{secs} s" if secs or not minutes else "")
    return " ".join(p for p in parts if p) or "0 s"
