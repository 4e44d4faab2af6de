"""The server's rules for user names and message text (PROTOCOL.md §5), pure functions."""

from __future__ import annotations

import unicodedata

from shared.errors import ErrorCode, ProtocolError
from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS

__all__ = [
    "normalize_name",
    "name_key",
    "name_problem",
    "validate_name",
    "text_problem",
    "validate_text",
]

# Cc: controls (tab, newline, ESC); Cf: format characters (bidi overrides, zero
# width space and joiners, BOM); Cs: lone surrogates; Zl/Zp: line and paragraph
# separators. Each can make two names look alike or break the lines they appear on.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def normalize_name(raw: str) -> str:
    """NFC, then trimmed of surrounding white space: the name as it will be registered."""
    return unicodedata.normalize("NFC", raw).strip()


def name_key(name: str) -> str:
    """The key under which names are unique: NFC, then ``casefold`` (``Straße`` = ``STRASSE``)."""
    return unicodedata.normalize("NFC", name).casefold()


def name_problem(raw: object) -> str | None:
    """Why ``raw`` is not a valid user name, in a human sentence, or ``None`` if it is."""
    if not isinstance(raw, str):
        return "the name must be a string"
    name = normalize_name(raw)
    if not name:
        return "the name is empty"
    if len(name) > NAME_MAX_CHARS:
        return f"the name is longer than {NAME_MAX_CHARS} characters"
    for ch in name:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return f"the name contains the invisible or control character U+{ord(ch):04X}"
    return None


def validate_name(raw: object) -> str:
    """Return the normalised name, or raise ``ProtocolError(name_invalid)``."""
    problem = name_problem(raw)
    if problem is not None:
        raise ProtocolError(ErrorCode.NAME_INVALID, problem)
    assert isinstance(raw, str)
    return normalize_name(raw)


def text_problem(text: object) -> str | None:
    """Why ``text`` cannot be posted, in a human sentence, or ``None`` if it can."""
    if not isinstance(text, str):
        return "the text must be a string"
    if not text or text.isspace():
        return "the message is empty"
    if len(text) > TEXT_MAX_CHARS:
        return f"the message is longer than {TEXT_MAX_CHARS} characters"
    return None


def validate_text(text: object) -> str:
    """Return ``text`` unchanged if it may be posted, or raise ``ProtocolError(text_invalid)``.

    Text is not normalised or filtered: HTML or terminal escapes are data, and it is
    the displaying side's job to show them as text.
    """
    problem = text_problem(text)
    if problem is not None:
        raise ProtocolError(ErrorCode.TEXT_INVALID, problem)
    assert isinstance(text, str)
    return text
