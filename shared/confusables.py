"""Unicode's confusables (UTS #39, Unicode Security Mechanisms): the skeleton of a string.

Two strings that look alike have the same skeleton: "paypal" spelt with Cyrillic
U+0440, U+0430 and U+0443 has the skeleton of the Latin one, and ``skeleton("rn")``
is ``skeleton("m")``. The skeleton is for comparing, never for showing: it is not
meant to be readable.

The mappings come from ``resources/unicode/confusables.txt``, derived from Unicode's
file by ``packaging/make_confusables.py``. They are read at the first call rather than
at import, so that a program which never compares names never reads them; a missing
or damaged table raises :class:`ConfusablesError` then, because names compared without
it would let look-alikes through without anyone noticing.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from shared.resources import confusables_file

__all__ = ["ConfusablesError", "Confusables", "read", "data", "skeleton"]


class ConfusablesError(RuntimeError):
    """The confusables table is missing or not in the format ``make_confusables.py`` writes."""


class Confusables(NamedTuple):
    """The table as read: Unicode's version of it, and each source code point's target."""

    version: str
    mappings: Mapping[int, str]


def read(path: Path) -> Confusables:
    """The table in ``path``; raises :class:`ConfusablesError` if it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfusablesError(f"cannot read Unicode's confusables at {path}: {exc}") from None
    version = ""
    mappings: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            if line.startswith("# Version:") and not version:
                version = line.removeprefix("# Version:").strip()
            continue
        try:
            source, targets = line.split("\t")
            mappings[int(source, 16)] = "".join(chr(int(target, 16)) for target in targets.split(" "))
        except ValueError:
            raise ConfusablesError(f"{path}, line {number}: not a mapping: {line!r}") from None
    if not version or not mappings:
        raise ConfusablesError(f"{path} has no version line or no mappings: not the confusables table")
    return Confusables(version, mappings)


@functools.cache
def data() -> Confusables:
    """The table shipped with Parla, read at the first call and kept."""
    return read(confusables_file())


def skeleton(text: str) -> str:
    """UTS #39's skeleton: NFD, each code point replaced by its prototype, NFD again."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(data().mappings))
