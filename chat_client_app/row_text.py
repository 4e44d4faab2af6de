"""The plain text of one row of the chat view, bounded, and where the find bar's matches are.

Qt's layout of a long run without spaces takes time that grows with the square of its
length (a million characters held the window for a minute), and a hostile server can
send a megabyte: what a row lays out is cut to :data:`DISPLAY_MAX_CHARS` first, so a
long text costs no more than a short one. Pure Python: no Qt.
"""

from __future__ import annotations

from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS

__all__ = [
    "DISPLAY_MAX_CHARS",
    "MAX_MATCH_MARKS",
    "NAME_SHOWN_CHARS",
    "Composed",
    "display_text",
    "isolated",
    "find_marks",
]

DISPLAY_MAX_CHARS = TEXT_MAX_CHARS
"""Characters of one row's text that the view lays out: every text a server that keeps
the protocol's limit relays (§5) is shown whole; only a longer one is cut."""

MAX_MATCH_MARKS = 200
"""Find-bar matches marked in one row (adjacent ones merge into one mark first): each
mark is a format range of the row's layout, and thousands of them (a one-letter search
in a long row) would make every paint slow."""

NAME_SHOWN_CHARS = 4 * NAME_MAX_CHARS
"""Characters of a sender's name shown: a real one is at most NAME_MAX_CHARS (§5)."""


def display_text(text: str, limit: int = DISPLAY_MAX_CHARS) -> str:
    """``text`` as laid out: at most ``limit`` characters (cut first: a long text costs
    no more than a short one), with its line breaks as U+2028."""
    # QTextLayout breaks lines only at U+2028; a newline would show as a box.
    return text[:limit].replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\u2028")


_ISOLATE = "\u2068"  # FIRST STRONG ISOLATE
_END_ISOLATE = "\u2069"  # POP DIRECTIONAL ISOLATE


def isolated(text: str) -> str:
    """``text`` as a bidi island: its direction, and any embedding or override it
    leaves open, stay inside it (a Hebrew name cannot turn the row right-to-left,
    an unterminated U+202E in a body cannot reach past it)."""
    return f"{_ISOLATE}{text}{_END_ISOLATE}"


class Composed:
    """The plain string a row shows and where its parts are."""

    __slots__ = ("text", "header_len", "body_start", "body_end")

    def __init__(self, text: str, header_len: int, body_start: int, body_end: int) -> None:
        self.text = text
        self.header_len = header_len
        self.body_start = body_start
        self.body_end = body_end

    @property
    def body(self) -> str:
        return self.text[self.body_start : self.body_end]


def find_marks(body: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` (casefolded) is in ``body``, case-insensitively, as (start, end):
    adjacent matches merged into one, at most :data:`MAX_MATCH_MARKS` of them."""
    folded = body.casefold()
    # casefold can change lengths (ß -> ss): mark only where it does not.
    if not needle or len(folded) != len(body):
        return []
    marks: list[tuple[int, int]] = []
    start = folded.find(needle)
    while start >= 0:
        end = start + len(needle)
        if marks and marks[-1][1] == start:
            marks[-1] = (marks[-1][0], end)
        elif len(marks) == MAX_MATCH_MARKS:
            break
        else:
            marks.append((start, end))
        start = folded.find(needle, end)
    return marks
