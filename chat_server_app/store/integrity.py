"""What a history edited by hand may hold that the server cannot use.

SQLite keeps whatever a row is given, whatever the column's declared type: a text
may be a blob, a time a word, a reserved name's key NULL. Each row is checked as
it is read (:func:`message_ok`, :func:`row_ok`), in Python: as an SQL ``typeof``
predicate in the query the same check cost several times as much. The SQL form
(:attr:`Table.ok`) only names the column at fault, once a row is found damaged.

At open, :func:`check` looks at the highest id; the store then reads the newest
:data:`CHECKED_AT_OPEN` messages and every reserved name and ban (the server reads
those at start anyway). An older message is checked when a replay reads it.

``PRAGMA quick_check`` is not run: it reads the whole file at every start, which
for a history of millions of messages takes seconds. A damaged page is reported
by SQLite when a read reaches it, as an error the store turns into ``StoreError``
like any other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "MAX_ID",
    "CHECKED_AT_OPEN",
    "MESSAGES",
    "NAMES",
    "BANS",
    "ROOMS",
    "ROOM_MEMBERS",
    "message_ok",
    "row_ok",
    "DamageError",
    "check",
    "describe",
]

MAX_ID = 2**53 - 1
"""The largest message id: the largest integer every JSON reader holds exactly. A
server handing out a million ids a second would reach it in 285 years; a history
whose ids are there already was edited by hand, and SQLite's integers end at
2**63 - 1 anyway, where the next id could not be stored."""

CHECKED_AT_OPEN = 10_000
"""Newest messages checked at open: a replay's default maximum (``--replay-max``),
so what reconnecting clients ask for is checked before anyone connects."""


class DamageError(Exception):
    """A row the server cannot use; the message says which, for the operator."""


@dataclass(frozen=True)
class Table:
    name: str
    key: str
    """The column that names a row in a message."""
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    """Each column and the SQLite types (``typeof``) it may hold."""
    extra: str = ""

    @cached_property
    def python_types(self) -> tuple[frozenset[type], ...]:
        return tuple(frozenset(_PYTHON_TYPES[t] for t in types) for _, types in self.columns)

    @property
    def ok(self) -> str:
        parts = [
            f"typeof({column}) IN ({', '.join(repr(t) for t in types)})" for column, types in self.columns
        ]
        if self.extra:
            parts.append(self.extra)
        return "(" + " AND ".join(parts) + ")"


_TEXT = ("text",)
_MAYBE_TEXT = ("text", "null")
_NUMBER = ("real", "integer")

MESSAGES = Table(
    "messages",
    "id",
    (
        ("ts", _TEXT),
        ("epoch", _NUMBER),
        ("sender", _TEXT),
        ("sender_key", _TEXT),
        ("text", _TEXT),
        ("cid", _MAYBE_TEXT),
        ("recipient", _MAYBE_TEXT),
        ("recipient_key", _MAYBE_TEXT),
        ("sender_owner", _MAYBE_TEXT),
        ("recipient_owner", _MAYBE_TEXT),
        ("room", _MAYBE_TEXT),
    ),
    f"id BETWEEN 1 AND {MAX_ID}",
)
NAMES = Table(
    "names",
    "key",
    (("key", _TEXT), ("name", _TEXT), ("owner", _TEXT), ("since_epoch", _NUMBER)),
)
BANS = Table(
    "bans",
    "value",
    (
        ("kind", _TEXT),
        ("value", _TEXT),
        ("until", (*_NUMBER, "null")),
        ("reason", _TEXT),
        ("since_epoch", _NUMBER),
    ),
)

ROOMS = Table(
    "rooms",
    "key",
    (
        ("key", _TEXT),
        ("name", _TEXT),
        ("topic", _TEXT),
        ("read_only", ("integer",)),
        ("since_epoch", _NUMBER),
        ("kept", ("integer",)),
    ),
)
ROOM_MEMBERS = Table("room_members", "room_key", (("room_key", _TEXT), ("owner", _TEXT)))

_PYTHON_TYPES = {"text": str, "real": float, "integer": int, "null": type(None), "blob": bytes}


def message_ok(row: Sequence[object]) -> bool:
    """Whether a row of ``schema.COLUMNS`` is one the server can send (:data:`MESSAGES`)."""
    _id, ts, sender, sender_key, text, cid, to, to_key, epoch, sender_owner, to_owner, room = row
    return (
        type(_id) is int
        and 0 < _id <= MAX_ID
        and type(ts) is type(sender) is type(sender_key) is type(text) is str
        and (type(epoch) is float or type(epoch) is int)
        and (cid is None or type(cid) is str)
        and (to is None or type(to) is str)
        and (to_key is None or type(to_key) is str)
        and (sender_owner is None or type(sender_owner) is str)
        and (to_owner is None or type(to_owner) is str)
        and (room is None or type(room) is str)
    )


def row_ok(table: Table, row: Sequence[object]) -> bool:
    """Whether a row of ``table``'s columns, in order, holds what they may."""
    return all(type(value) in table.python_types[at] for at, value in enumerate(row))


def describe(db: sqlite3.Connection, table: Table, where: str = "", params: tuple[object, ...] = ()) -> str:
    """One line on the first damaged row of ``table`` (matching ``where``)."""
    kinds = ", ".join(f"typeof({column})" for column, _ in table.columns)
    condition = f"NOT {table.ok}" + (f" AND {where}" if where else "")
    row = db.execute(
        f"SELECT quote({table.key}), {kinds} FROM {table.name} WHERE {condition} LIMIT 1",  # noqa: S608
        params,
    ).fetchone()
    if row is None:
        return f"a row of '{table.name}' changed while it was read"
    what = f"{table.name} row {row[0]}" if table is not MESSAGES else f"message {row[0]}"
    for (column, allowed), found in zip(table.columns, row[1:], strict=True):
        if found not in allowed:
            return f"{what}: '{column}' holds {found}, not {' or '.join(allowed)}"
    return f"{what}: its id is outside 1-{MAX_ID}"


def check(last_id: int) -> None:
    """Raise :class:`DamageError` if the ids cannot go on from ``last_id``."""
    if last_id >= MAX_ID:
        raise DamageError(
            f"the highest message id, {last_id}, leaves no id to hand out (the largest is {MAX_ID})"
        )
