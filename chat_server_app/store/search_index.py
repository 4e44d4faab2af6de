"""The history's full-text index (SQLite FTS5), filled in batches, not per message.

Indexing each message in its own commit (a trigger) made a one-message commit write
six pages of log instead of one or two, and doubled what storing a busy pass costs:
every message paid it on the event loop, in the path of the durable ack. The index
is filled instead by :func:`index_pending`: when :data:`INDEX_BATCH` messages wait,
after the commit that stored them, and before every search, so that a search
always sees every stored message. ``meta.fts_upto`` is the last id indexed.
"""

from __future__ import annotations

import sqlite3

from chat_server_app.store.base import PREFIX_MIN_CHARS

__all__ = [
    "INDEX_BATCH",
    "PREFIX_MIN_CHARS",
    "QueryWords",
    "SEARCH",
    "ensure",
    "indexed_upto",
    "index_pending",
    "match_expression",
]

INDEX_BATCH = 1024
"""Messages waiting to be indexed that make a commit index them: one FTS5 segment for
a thousand rows costs a few µs a row; a segment per row cost twenty."""

_UPTO = "COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'), 0)"

_INDEX = """
BEGIN;
-- External content: the words of messages.text, not a second copy of it. unicode61
-- folds case and, with remove_diacritics 2, accents: "perche" finds "perché".
-- No prefix indexes: prefix='2 3' made indexing a message four times dearer (34
-- against 8 µs a row); a short last word is matched whole instead (match_expression).
-- detail=none and columnsize=0 keep only which rows hold a word, not where nor how
-- many words a row has: a search asks for nothing more (every word, newest first,
-- no phrases, no ranking), and a row costs half as much to index (bench/README.md).
DROP TABLE IF EXISTS messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
    detail=none, columnsize=0
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_upto', (SELECT COALESCE(MAX(id), 0) FROM messages));
COMMIT;
"""
"""The index, made and filled in one transaction: a crash half-way leaves no index,
and the next open makes it again. An index made by an earlier version, which kept
every word's positions, is made again the same way."""

_CURRENT = "detail=none"
"""What the index's own ``CREATE`` says when it is this version's."""

_TRIGGERS = """
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TRIGGER IF EXISTS messages_fts_update;
-- A row deleted or edited by hand (a retention job, the sqlite3 shell) leaves the index
-- in step; only rows already indexed are in it to take out.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN OLD.id <= UPTO BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN OLD.id <= UPTO BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);
    INSERT INTO messages_fts (rowid, text) VALUES (NEW.id, NEW.text);
END;
""".replace("UPTO", _UPTO)

SEARCH = (
    "WITH hit AS MATERIALIZED ("
    " SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH :match AND rowid < :before"
    " ORDER BY rowid DESC LIMIT :scan)"
    " SELECT * FROM (SELECT {columns} FROM hit JOIN messages AS m ON m.id = hit.id"
    " WHERE {visible} ORDER BY m.id DESC LIMIT :limit)"
    " UNION ALL SELECT NULL, COUNT(*), MIN(id), {nulls} FROM hit"
)
"""A page of matches, newest first, with ``{columns}``, ``{visible}`` and ``{nulls}``
to fill in, among the newest ``:scan`` matches older than ``:before`` only: the
index walks its lists newest first and stops there, and matches the viewer may not
see cost at most ``:scan`` row look-ups. One more row, its id NULL, says how many
matches were examined and the oldest of them, where the next page starts when this
one was not filled. The matches are read once for both (MATERIALIZED): a prefix
(``"word" *``) makes the index merge the lists of every word it begins."""


def ensure(db: sqlite3.Connection) -> None:
    """Make the index if the history has none, and its triggers as this version wants
    them (an index made with a trigger per insert gets its mark: all was indexed)."""
    made = db.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").fetchone()
    if made is None or _CURRENT not in made[0]:
        db.executescript(_INDEX)
    elif db.execute("SELECT 1 FROM meta WHERE key = 'fts_upto'").fetchone() is None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('fts_upto', (SELECT COALESCE(MAX(id), 0) FROM messages))"
        )
    db.executescript(_TRIGGERS)


def indexed_upto(db: sqlite3.Connection) -> int:
    return int(db.execute(f"SELECT {_UPTO}").fetchone()[0])


def index_pending(db: sqlite3.Connection, upto: int, last_id: int) -> int:
    """Index the messages after ``upto`` up to ``last_id`` in one transaction; the new mark."""
    if last_id <= upto:
        return upto
    db.execute("BEGIN")
    try:
        db.execute(
            "INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > ? AND id <= ?",
            (upto, last_id),
        )
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_upto', ?)", (last_id,))
        db.execute("COMMIT")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return last_id


class QueryWords:
    """The words of a search as the index's own tokenizer reads them.

    An index without positions (detail=none) refuses a quoted string of two words
    (a phrase), and what is one word for Python may be two for SQLite, whose Unicode
    tables are older: a letter it does not know parts a word. So SQLite cuts the
    query itself, in a table of its own in memory, with the index's tokenizer."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", isolation_level=None)
        self._db.executescript(
            "CREATE VIRTUAL TABLE query USING fts5(text, tokenize='unicode61 remove_diacritics 2');"
            "CREATE VIRTUAL TABLE query_words USING fts5vocab(query, 'instance');"
        )

    def __call__(self, text: str) -> list[str]:
        self._db.execute("DELETE FROM query")
        self._db.execute("INSERT INTO query (rowid, text) VALUES (1, ?)", (text,))
        return [word for (word,) in self._db.execute("SELECT term FROM query_words ORDER BY offset")]

    def close(self) -> None:
        self._db.close()


def match_expression(words: list[str]) -> str:
    """An FTS5 query finding every one of ``words`` (each one token, as
    :class:`QueryWords` gives them), the last as a prefix too when it has
    :data:`PREFIX_MIN_CHARS` characters.

    Each word is a quoted string (quotes inside doubled), so what a user types is
    never FTS5 syntax: ``NEAR``, ``*``, ``-`` or a column filter are words."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if not quoted:
        return ""
    prefix = " *" if len(words[-1]) >= PREFIX_MIN_CHARS else ""
    return " ".join(quoted) + prefix
