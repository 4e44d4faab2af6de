"""The SQLite history's tables, and the statements that write them."""

from __future__ import annotations

__all__ = ["SCHEMA", "COLUMNS", "ROWS_PER_INSERT", "INSERTS", "VISIBLE"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    epoch REAL NOT NULL,
    sender TEXT NOT NULL,
    sender_key TEXT NOT NULL,
    text TEXT NOT NULL,
    cid TEXT,
    recipient TEXT,
    recipient_key TEXT
);
-- An index on epoch (for recent_cids) and one on (sender_key, cid) each cost every
-- message more than the queries they served (bench/README.md); a history that
-- still has them loses them.
DROP INDEX IF EXISTS messages_epoch_cid;
DROP INDEX IF EXISTS messages_sender_cid;
"""

COLUMNS = "id, ts, sender, sender_key, text, cid, recipient, recipient_key, epoch"
"""The columns in the order of :class:`StoredMessage`'s fields: a row is one as it stands."""

ROWS_PER_INSERT = 32
"""Rows one INSERT statement takes. A statement of many rows is bound and stepped
once, cheaper a message than ``executemany``'s statement per row (bench/README.md);
32 x 9 parameters stay under the 999 of older SQLites."""

INSERTS = [""] + [
    f"INSERT INTO messages ({COLUMNS}) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * rows)  # noqa: S608
    for rows in range(1, ROWS_PER_INSERT + 1)
]
"""The INSERT of n rows at index n (a busy pass's last few rows take their own size)."""

VISIBLE = "(recipient_key IS NULL OR sender_key = :viewer OR recipient_key = :viewer)"
