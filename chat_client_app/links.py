"""Finding web links in plain message text, pure Python.

Text is never interpreted as markup: links are found here and shown as formatted
ranges of the plain text, so ``<a href=...>`` in a message stays visible as typed.
"""

from __future__ import annotations

import re

__all__ = ["Link", "find_links"]

Link = tuple[int, int, str]
"""``(start, end, url)``: ``text[start:end] == url``."""

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim(url: str) -> str:
    # "see https://x.org/a." ends the sentence, not the link; a closing bracket
    # belongs to the link only when the link opened one (Wikipedia's "Foo_(bar)").
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def find_links(text: str) -> list[Link]:
    """Every ``http``/``https`` URL in ``text``, in order."""
    if "://" not in text:
        return []  # the common case costs one substring search
    out: list[Link] = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) > len("https://"):
            out.append((match.start(), match.start() + len(url), url))
    return out
