"""The server's rules for user names and message text (PROTOCOL.md §5), pure functions."""

from __future__ import annotations

import enum
import functools
import unicodedata

from shared.confusables import skeleton
from shared.errors import ErrorCode, ProtocolError
from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS

__all__ = [
    "normalize_name",
    "name_key",
    "name_problem",
    "name_flaw",
    "text_flaw",
    "Flaw",
    "validate_name",
    "text_problem",
    "room_problem",
    "GENERAL",
    "validate_text",
]

# Cc: controls (tab, newline, ESC); Cf: format characters (bidi overrides, zero
# width space and joiners, BOM); Cs: lone surrogates; Zl/Zp: line and paragraph
# separators. Each can make two names look alike or break the lines they appear on.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Letters and symbols (Lo, So) that fonts draw as nothing: a name of fillers looks
# empty, and one among letters is invisible. PROTOCOL.md §8.1 lists them.
_NAME_KEYS_CACHED = 4096
"""Keys remembered by :func:`name_key`: a key costs a table look-up per character, ten
times what ``casefold`` alone did, and the same few names come back again and again
(every sender in a client's burst of history, every private message's recipient at
the server). 4096 covers the users of a busy server; each entry is two short strings."""

_NAME_KEY_CACHED_CHARS = 4 * NAME_MAX_CHARS
"""Longest string whose key is remembered: a name as typed, with room for spaces
around it and combining marks. Longer text (a whole /msg line, a hostile ``to``) is
no one's name, and would make the memory the cache holds unbounded."""

_INVISIBLE_FILLERS = frozenset(
    {
        "\u115f",  # HANGUL CHOSEONG FILLER
        "\u1160",  # HANGUL JUNGSEONG FILLER
        "\u2800",  # BRAILLE PATTERN BLANK
        "\u3164",  # HANGUL FILLER
        "\uffa0",  # HALFWIDTH HANGUL FILLER
        # The other default-ignorable characters that are not format characters (Cf):
        # drawn as nothing, they would make "anna" and "anna" + U+034F two names.
        "\u034f",  # COMBINING GRAPHEME JOINER
        "\u17b4",  # KHMER VOWEL INHERENT AQ
        "\u17b5",  # KHMER VOWEL INHERENT AA
        *map(chr, range(0x180B, 0x1810)),  # Mongolian variation selectors
        *map(chr, range(0xFE00, 0xFE10)),  # variation selectors
        *map(chr, range(0xE0100, 0xE01F0)),  # variation selectors supplement
    }
)


def normalize_name(raw: str) -> str:
    """NFC, then trimmed of surrounding white space: the name as it will be registered."""
    return unicodedata.normalize("NFC", raw).strip()


def name_key(name: str) -> str:
    """The key under which names are unique (PROTOCOL.md §8.1): two names are one when
    their keys are equal.

    In this order: NFC, ``casefold``, NFC again, then UTS #39's skeleton. Case goes
    first (``Straße`` and ``STRASSE`` collide, as do ``Anna`` and ``anna``), then
    look-alikes: ``anna``, the same with a Cyrillic U+0410 for the ``A``, and in
    fullwidth letters (U+FF41 ...) have one key, and so have ``rn`` and ``m``. A key
    is for comparing, never for showing.
    """
    if len(name) > _NAME_KEY_CACHED_CHARS:
        return _name_key.__wrapped__(name)
    return _name_key(name)


def _folded_skeleton(name: str) -> str:
    return skeleton(unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold()))


@functools.lru_cache(maxsize=_NAME_KEYS_CACHED)
def _name_key(name: str) -> str:
    # Twice: about a thousand characters (U+1D400 bold A, Cherokee U+13A0, the digit 0)
    # have a capital letter as their skeleton, which the case folded before it never
    # meets; a second round folds it and takes its skeleton, so that bold-A nna is Anna
    # and b0b is bob. The
    # pair is idempotent on every code point, one round is not.
    return _folded_skeleton(_folded_skeleton(name))


class Flaw(enum.Enum):
    """What is wrong with a name or a text: for each program to say in its own words
    (the server's in English, the client's in its user's language)."""

    NOT_TEXT = "not_text"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVISIBLE = "invisible"  # with the character


def name_flaw(raw: object) -> tuple[Flaw, str] | None:
    """What keeps ``raw`` from being a valid user name (and the character at fault,
    for :attr:`Flaw.INVISIBLE`), or ``None`` if it is one."""
    if not isinstance(raw, str):
        return Flaw.NOT_TEXT, ""
    name = normalize_name(raw)
    if not name:
        return Flaw.EMPTY, ""
    if len(name) > NAME_MAX_CHARS:
        return Flaw.TOO_LONG, ""
    for ch in name:
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES or ch in _INVISIBLE_FILLERS:
            return Flaw.INVISIBLE, ch
    return None


def name_problem(raw: object) -> str | None:
    """Why ``raw`` is not a valid user name, in a human sentence, or ``None`` if it is."""
    flaw = name_flaw(raw)
    if flaw is None:
        return None
    kind, ch = flaw
    if kind is Flaw.NOT_TEXT:
        return "the name must be a string"
    if kind is Flaw.EMPTY:
        return "the name is empty"
    if kind is Flaw.TOO_LONG:
        return f"the name is longer than {NAME_MAX_CHARS} characters"
    return f"the name contains the invisible or control character U+{ord(ch):04X}"


GENERAL = "general"
"""The room every user is in from the welcome on; a frame without ``room`` is in it."""

_ROOM_FORBIDDEN = frozenset(" ,:#\u00a0")
"""Besides what a user name may not hold: what would break a room on the IRC door
(``#room``, lists split at commas, a space ends a parameter)."""


def room_problem(raw: object) -> str | None:
    """Why ``raw`` is not a valid room name (a user name's rules, and no space, comma,
    colon or ``#``), or ``None``."""
    problem = name_problem(raw)
    if problem is not None:
        return problem.replace("the name", "the room name")
    assert isinstance(raw, str)
    for ch in normalize_name(raw):
        if ch in _ROOM_FORBIDDEN or ch.isspace():
            return f"a room name may not contain {ch!r}"
    return None


def validate_name(raw: object) -> str:
    """Return the normalised name, or raise ``ProtocolError(name_invalid)``."""
    problem = name_problem(raw)
    if problem is not None:
        raise ProtocolError(ErrorCode.NAME_INVALID, problem)
    assert isinstance(raw, str)
    return normalize_name(raw)


def text_flaw(text: object) -> Flaw | None:
    """What keeps ``text`` from being posted, or ``None`` if it can be."""
    if not isinstance(text, str):
        return Flaw.NOT_TEXT
    if not text or text.isspace():
        return Flaw.EMPTY
    if len(text) > TEXT_MAX_CHARS:
        return Flaw.TOO_LONG
    return None


def text_problem(text: object) -> str | None:
    """Why ``text`` cannot be posted, in a human sentence, or ``None`` if it can."""
    flaw = text_flaw(text)
    if flaw is Flaw.NOT_TEXT:
        return "the text must be a string"
    if flaw is Flaw.EMPTY:
        return "the message is empty"
    if flaw is Flaw.TOO_LONG:
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
