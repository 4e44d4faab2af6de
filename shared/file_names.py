"""What a file is called and what it is, whatever its sender claims (docs/PROTOCOL.md §8.5).

A file's name comes from a peer: it is only ever shown, never used as a path (the
server stores a file under its sha256, a client saves it where its user chooses).
:func:`display_name` makes it safe to show; :func:`sniff_mime` tells an image by its
first bytes, never by its name, so that a ``.png`` that is not one is not decoded as one.
"""

from __future__ import annotations

import unicodedata

from shared.limits import FILE_NAME_MAX_CHARS

__all__ = ["display_name", "extension_of", "sniff_mime", "SNIFF_BYTES", "OCTET_STREAM", "IMAGE_MIMES"]

OCTET_STREAM = "application/octet-stream"
"""The mime of whatever is not one of the images below: a client offers to save it."""

IMAGE_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

SNIFF_BYTES = 16
"""Bytes of a file's start that :func:`sniff_mime` reads."""

_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Controls (NUL, newline, ESC), format characters (bidi overrides that turn
``gpj.exe`` around, zero-width joiners), surrogates, private-use and unassigned
code points, line and paragraph separators: none belongs in a shown name."""

_FALLBACK = "file"


def display_name(raw: str) -> str:
    """``raw`` as a single plain name: what follows the last ``/`` or ``\\``, without
    the characters of :data:`_UNSHOWN`, without the dots and spaces Windows drops at
    either end (``..`` is no name), at most :data:`FILE_NAME_MAX_CHARS` characters
    with its extension kept; ``file`` when nothing is left."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(" " if c.isspace() else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in _UNSHOWN)
    text = " ".join(text.split()).strip(". ")
    if not text:
        return _FALLBACK
    if len(text) > FILE_NAME_MAX_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 16 and stem:
            text = stem[: FILE_NAME_MAX_CHARS - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            text = text[:FILE_NAME_MAX_CHARS]
    return text


def extension_of(name: str) -> str:
    """The extension of a :func:`display_name`, casefolded, without its dot ('' if none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.casefold() if dot and stem else ""


def sniff_mime(head: bytes) -> str:
    """The mime of a file that starts with ``head`` (its first :data:`SNIFF_BYTES`):
    PNG, JPEG, GIF and WebP by their signatures, :data:`OCTET_STREAM` for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return OCTET_STREAM
