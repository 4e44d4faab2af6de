"""Date separators in a timeline: "Today", "Yesterday" or a date, above the first row
of each day.

They are painted by the delegate as the top band of that row, not kept as rows of
their own: search, mentions, selection and Copy see the same rows as before.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QModelIndex, QPersistentModelIndex

from chat_client_app.message_entry import Entry, EntryKind, Role
from chat_client_app.message_model import MessageModel

__all__ = ["day_of", "starts_day", "starts_day_at", "day_label"]

AnyIndex = QModelIndex | QPersistentModelIndex

_UNDATED = frozenset({EntryKind.DIVIDER, EntryKind.UNREAD})
"""Markers: they sit between rows, and their time is when they were placed."""


def day_of(entry: Entry) -> int:
    """The local calendar day of ``entry`` as a proleptic ordinal; 0 for no date."""
    if entry.kind in _UNDATED or not entry.epoch:
        return 0
    if entry.day_epoch != entry.epoch:  # computed once (and again if the echo moved it)
        local = time.localtime(entry.epoch)
        entry.day = datetime.date(local.tm_year, local.tm_mon, local.tm_mday).toordinal()
        entry.day_epoch = entry.epoch
    return entry.day


def _entry_at(index: AnyIndex, row: int) -> Entry | None:
    found = index.model().index(row, 0).data(Role.ENTRY)  # a proxy, such as the mentions view
    return found if isinstance(found, Entry) else None


def starts_day_at(rows: Sequence[Entry], row: int) -> bool:
    """Whether ``rows[row]`` is the first row of its day (the main view's fast path:
    a layout pass asks this of every row)."""
    entry = rows[row]
    day = entry.day if entry.day_epoch == entry.epoch and entry.day else day_of(entry)
    if not day:
        return False
    row -= 1
    while row >= 0:
        before = rows[row]
        if before.kind not in _UNDATED:
            return (before.day if before.day_epoch == before.epoch and before.day else day_of(before)) != day
        row -= 1
    return True


def starts_day(index: AnyIndex, entry: Entry) -> bool:
    """Whether ``entry`` (at ``index``) is the first row of its day in its view."""
    model = index.model()
    if isinstance(model, MessageModel):
        return starts_day_at(model.entries(), index.row())
    day = day_of(entry)
    if not day:
        return False
    row = index.row() - 1
    while row >= 0:
        before = _entry_at(index, row)
        if before is not None and before.kind not in _UNDATED:
            return day_of(before) != day
        row -= 1
    return True


def day_label(day: int, today: int | None = None) -> str:
    """ "Today", "Yesterday", or the date as the user's locale writes it."""
    if today is None:
        today = datetime.date.today().toordinal()
    if day == today:
        return QCoreApplication.translate("DayRule", "Today")
    if day == today - 1:
        return QCoreApplication.translate("DayRule", "Yesterday")
    date = datetime.date.fromordinal(day)
    return QLocale().toString(QDate(date.year, date.month, date.day), QLocale.FormatType.LongFormat)
