"""Finding web links in plain message text, pure Python.

Text is never interpreted as markup: links are found here and shown as formatted
ranges of the plain text, so ``<a href=...>`` in a message stays visible as typed.

Besides ``http://`` and ``https://`` URLs, what people type without a scheme is a link
too: ``www.example.com`` and a domain followed by a path, ``example.com/path``. A bare
``file.txt``, a version number ``1.2.3`` or an address ``anna@example.com`` is not: a
link without a scheme needs ``www.`` or a ``/`` after a domain whose last label is
letters, and its domain is plain ASCII, so what the row shows is what opens. Whatever
is found opens as ``http``/``https`` and nothing else.
"""

from __future__ import annotations

import re

__all__ = ["Link", "find_links"]

Link = tuple[int, int, str]
"""``(start, end, url)``: ``text[start:end]`` is what the row shows as the link, ``url``
what opens (``http://`` put before a link typed without a scheme)."""

# Letters spelled out, no IGNORECASE: under it [a-z] would take the Kelvin sign and
# the long s, and a domain that looks like another would open.
_REST = r"[^\s<>\"'`]"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_TLD = r"[a-zA-Z]{2,63}"
_PORT = r"(?::[0-9]{1,5})?"

# Not inside a word (of any script), an address or a path: "anna@example.com/x",
# "a/b.com/c", "x.www.y.org", "exämple.com/x".
_START = r"(?<![\w@./:\\-])"
_END = r"(?![\w-])"

_URL = re.compile(
    rf"(?ai:https?)://{_REST}+"
    rf"|{_START}(?ai:www)\.(?:{_LABEL}\.)+{_TLD}{_PORT}(?:/{_REST}*)?{_END}"
    rf"|{_START}(?:{_LABEL}\.)+{_TLD}{_PORT}/{_REST}*"
)
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


def _might_hold_links(text: str) -> bool:
    # The common case, a line with no dot followed by a letter, costs two substring searches.
    return "://" in text or "." in text


def find_links(text: str) -> list[Link]:
    """Every web link in ``text``, in order."""
    if not _might_hold_links(text):
        return []
    out: list[Link] = []
    for match in _URL.finditer(text):
        shown = _trim(match.group(0))
        if "://" in shown[:8]:
            if len(shown) <= len("https://"):
                continue
            url = shown
        else:
            url = "http://" + shown
        out.append((match.start(), match.start() + len(shown), url))
    return out
