"""The header of the dashboard's tables: a title and a tooltip for each column."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt

__all__ = ["header_text"]


def header_text(
    titles: Mapping[Any, str],
    tips: Mapping[Any, str],
    section: int,
    orientation: Qt.Orientation,
    role: int,
) -> str | None:
    """``headerData``'s answer for a table whose columns are an ``IntEnum`` (its members
    keyed in ``titles`` and ``tips``): a horizontal section's title or tooltip, else None."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(titles):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return titles.get(section)  # an IntEnum member hashes and compares as its int
    if role == Qt.ItemDataRole.ToolTipRole:
        return tips.get(section)
    return None
