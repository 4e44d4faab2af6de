"""The INSERTs that store a pass's messages: many rows a statement, NULL written out.

Python's sqlite3 binds a ``None`` through its adapter protocol (a tuple built, a
dict looked up, two attribute look-ups), where an ``int`` or a ``str`` is bound
directly: a public message has five NULL columns (no recipient, no room...), and
binding them cost more than SQLite's own work on the row (bench/README.md). So the
statement says ``NULL`` where a row has none, and binds only the values: rows are
grouped by :func:`shape` (which nullable columns are NULL), and each shape and row
count has its statement, made once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any

from chat_server_app.store.base import StoredMessage
from chat_server_app.store.schema import COLUMNS

__all__ = ["ROWS_PER_INSERT", "STATEMENTS", "batches", "insert", "shape"]

ROWS_PER_INSERT = 32
"""Rows one INSERT statement takes. A statement of many rows is bound and stepped
once, cheaper a message than ``executemany``'s statement per row (bench/README.md);
32 x 12 parameters stay under the 999 of older SQLites."""

STATEMENTS = 1024
"""Prepared statements the connection keeps (sqlite3's default is 128): the shapes a
day of chat makes (about 16: public or private, in a room or not, with a cid or not,
with owners or not) times 32 row counts, and the reads beside them."""

_COLUMNS = [name.strip() for name in COLUMNS.split(",")]
_NULLABLE = (
    # A bit per group of columns that are NULL together in a row that has none.
    ("cid",),
    ("recipient", "recipient_key"),
    ("sender_owner",),
    ("recipient_owner",),
    ("room",),
)


def shape(m: StoredMessage) -> int:
    """Which of the nullable column groups are NULL in ``m``, a bit each (:data:`_NULLABLE`)."""
    return (
        (m.cid is None)
        | (m.to is None and m.to_key is None) << 1
        | (m.sender_owner is None) << 2
        | (m.to_owner is None) << 3
        | (m.room is None) << 4
    )


def _null_columns(bits: int) -> set[str]:
    return {column for i, group in enumerate(_NULLABLE) if bits >> i & 1 for column in group}


@cache
def insert(rows: int, bits: int) -> tuple[str, Callable[[StoredMessage], Any]]:
    """The INSERT of ``rows`` rows of shape ``bits``, and what picks a row's bound values."""
    nulls = _null_columns(bits)
    kept = [i for i, name in enumerate(_COLUMNS) if name not in nulls]
    one = "(" + ", ".join("NULL" if name in nulls else "?" for name in _COLUMNS) + ")"
    sql = f"INSERT INTO messages ({COLUMNS}) VALUES " + ", ".join([one] * rows)  # noqa: S608
    pick = itemgetter(*kept)  # twelve columns, at least six never NULL: always a tuple
    return sql, pick


def batches(messages: Sequence[StoredMessage]) -> Iterator[tuple[str, tuple[object, ...]]]:
    """Statements and their parameters storing ``messages`` in order: runs of one shape,
    at most :data:`ROWS_PER_INSERT` rows each."""
    shapes = [shape(m) for m in messages]
    start = 0
    count = len(messages)
    while start < count:
        bits = shapes[start]
        end = start + 1
        limit = min(count, start + ROWS_PER_INSERT)
        while end < limit and shapes[end] == bits:
            end += 1
        sql, pick = insert(end - start, bits)
        yield sql, tuple(chain.from_iterable(map(pick, messages[start:end])))
        start = end
