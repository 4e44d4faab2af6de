"""A peer's value quoted for a log line or an error message, short whatever it sent.

Every place where text a peer chose (a message type, a name, a ``to``, a
``version``) reaches an ``error`` frame or the operator's log goes through
:func:`quoted`: a client that sent unknown types with 60 000-character names
made 146 MB/s of log, and got as much back in its ``error`` frames.
"""

from __future__ import annotations

import reprlib

__all__ = ["QUOTE_MAX_CHARS", "quoted"]

QUOTE_MAX_CHARS = 200
"""Characters of a peer's value that are quoted: enough to recognise a name
(32 at most), a message type or the start of a text; the rest is counted."""

_REPR = reprlib.Repr()
# Containers and numbers (a ``version`` may be any JSON value): a few items of a
# few levels, so that building the quote costs little whatever the value's size.
_REPR.maxlevel = 3
_REPR.maxdict = _REPR.maxlist = _REPR.maxtuple = _REPR.maxset = 8
_REPR.maxstring = _REPR.maxlong = _REPR.maxother = 60


def quoted(value: object, limit: int = QUOTE_MAX_CHARS) -> str:
    """``value`` as Python's ``repr`` writes it (control characters escaped, so one
    log line stays one line), cut after ``limit`` characters of the peer's text
    with how many there were: ``'aaaa…' (60000 characters)``."""
    if not isinstance(value, str):
        text = _REPR.repr(value)
        return text if len(text) <= limit else text[:limit] + "…"
    head = value[:limit]
    shown = repr(head)
    # Escapes make a quote longer than what it quotes (``\x00`` is four characters
    # for one): halve what is shown until the quote is at most twice the limit.
    while len(shown) > 2 * limit + 2:
        head = head[: len(head) // 2]
        shown = repr(head)
    if len(head) == len(value):
        return shown
    return f"{shown[:-1]}…{shown[-1]} ({len(value)} characters)"
