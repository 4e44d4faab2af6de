"""Reading the fields of a decoded message, and the wire's timestamps.

Each reader raises :class:`~shared.errors.ProtocolError` with the code the spec
names for a field of the wrong kind; :mod:`shared.messages` builds on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from shared.errors import ErrorCode, ProtocolError

__all__ = [
    "format_ts",
    "now_ts",
    "parse_ts",
    "violation",
    "opt_str",
    "req_str",
    "req_int",
    "opt_int",
    "req_id",
    "flag",
]


def format_ts(epoch: float) -> str:
    """RFC 3339 UTC with milliseconds, as the wire wants: ``2026-11-24T19:05:00.123Z``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_ts() -> str:
    """The current time as a wire timestamp."""
    return format_ts(datetime.now(UTC).timestamp())


def parse_ts(ts: str) -> datetime:
    """Parse a wire timestamp into an aware ``datetime`` (raises ``ValueError``)."""
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def violation(message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.PROTOCOL_ERROR, message)


def opt_str(obj: Mapping[str, object], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise violation(f"'{key}' must be a string")
    return value


def req_str(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise violation(f"'{key}' must be a string")
    return value


def req_int(obj: Mapping[str, object], key: str) -> int:
    value = obj.get(key)
    # bool is an int in Python but not in JSON's eyes: true is not an id.
    if type(value) is not int:
        raise violation(f"'{key}' must be an integer")
    return value


def req_id(obj: Mapping[str, object], key: str, low: int, high: int) -> int:
    """An integer in ``low..high``: an id out of that range is a server bug or an attack."""
    value = req_int(obj, key)
    if not low <= value <= high:
        raise violation(f"'{key}' must be from {low} to {high}")
    return value


def opt_int(obj: Mapping[str, object], key: str) -> int | None:
    if obj.get(key) is None:
        return None
    return req_int(obj, key)


def flag(obj: Mapping[str, object], key: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise violation(f"'{key}' must be true or false")
    return value
