"""Micro-benchmarks of the history store.

The engine stores what one event-loop pass accepted in one transaction, so the
batch size is the number of messages per pass: 1 at a trickle, hundreds under load.

    python bench/store_bench.py [--dir DIR ...] [--seconds S]

prints one JSON object: {dir: {batch: microseconds per message}}, plus MemoryStore.

    python bench/store_bench.py --commits [--dir DIR ...] [--seconds S]

prints {dir: {sync: {batch: microseconds per commit}}}: ``SqliteStore.append``
at ``synchronous=FULL`` (the store's) against NORMAL, batches of 1, 10 and 100,
interleaved round by round, medians.

    python bench/store_bench.py --high-water [--dir DIR ...] [--seconds S]

prints {dir: {variant: microseconds per commit of one message}}: the ways of
keeping ``last_id`` from going back when the newest rows are deleted: the store
as it is (a trigger writes a mark only on delete), plus a mark written in
``meta`` by every commit, plus ``AUTOINCREMENT`` (``sqlite_sequence`` written by
every commit).

    python bench/store_bench.py --replay [--messages N] [--private P] [--dir DIR ...]

prints {dir: {query: microseconds}}: the replay queries on a history of N
messages (default 200 000), a share P of them private between random pairs
(default 0.1), for one of 20 owners.

    python bench/store_bench.py --search [--messages N] [--dir DIR ...]

prints {dir: {query: milliseconds}}: the worst search for a user in ``general`` alone,
a word in every one of N messages (default 1 000 000), all in a room they are not in,
with the statement before the search was bounded (every match examined) and as it is
(at most ``SEARCH_SCAN``); then the page around a message of ``general`` in that
history (a walk of ``AROUND_SCAN`` ids on each side).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from chat_server_app.store import MemoryStore, SqliteStore, StoredMessage
from chat_server_app.store.inserts import batches

BATCHES = (1, 10, 100, 1000)
COMMIT_BATCHES = (1, 10, 100)
ROUNDS = 7
"""Rounds of interleaved variants: a median of 7 rides out a noisy neighbour."""

_CIDS = random.Random(5001)
_OWNER = "o" * 43  # a token hash as base64url of SHA-256: 43 characters


def _messages(start: int, count: int) -> list[StoredMessage]:
    """Messages as the chat client sends them: each with a random 128-bit hex ``cid``."""
    now = time.time()
    return [
        StoredMessage(
            id=i,
            ts="2026-11-24T19:05:00.123Z",
            sender="lg1",
            sender_key="lg1",
            text=f"LG1 {i} benchmark text of a typical chat line, sixty-four chars",
            cid=f"{_CIDS.getrandbits(128):032x}",
            epoch=now,
            sender_owner=_OWNER,
        )
        for i in range(start, start + count)
    ]


class _Appender:
    """A store with its own id sequence, timed one ``append`` at a time."""

    def __init__(self, store: SqliteStore | MemoryStore) -> None:
        self.store = store
        self.next_id = store.last_id() + 1

    def us_per_commit(self, batch: int, seconds: float, min_commits: int = 20) -> float:
        """Append batches of ``batch`` messages for about ``seconds``; only ``append`` is timed."""
        commits = 0
        elapsed = 0.0
        wall_end = time.perf_counter() + seconds
        while time.perf_counter() < wall_end or commits < min_commits:
            messages = _messages(self.next_id, batch)
            self.next_id += batch
            t = time.perf_counter()
            self.store.append(messages)
            elapsed += time.perf_counter() - t
            commits += 1
        return elapsed / commits * 1e6


@contextmanager
def _sqlite_in(directory: Path, prepare: Callable[[Path], None] | None = None) -> Iterator[SqliteStore]:
    with tempfile.TemporaryDirectory(dir=directory, prefix="parla-store-") as tmp:
        path = Path(tmp) / SqliteStore.FILENAME
        if prepare is not None:
            prepare(path)
        store = SqliteStore(path)
        try:
            yield store
        finally:
            store.close()


def _interleaved(variants: dict[str, _Appender], batch: int, seconds: float) -> dict[str, float]:
    """µs per commit of each variant, median of rounds that take turns."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, appender in variants.items():
            samples[name].append(appender.us_per_commit(batch, seconds / ROUNDS, min_commits=5))
    return {name: round(statistics.median(values), 1) for name, values in samples.items()}


def per_message(dirs: list[Path], seconds: float) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for directory in dirs:
        with _sqlite_in(directory) as store:
            appender = _Appender(store)
            out[str(directory)] = {
                str(batch): round(appender.us_per_commit(batch, seconds) / batch, 2) for batch in BATCHES
            }
    out["memory"] = {
        str(batch): round(_Appender(MemoryStore()).us_per_commit(batch, seconds / 5) / batch, 3)
        for batch in BATCHES
    }
    return out


def commits(dirs: list[Path], seconds: float) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for directory in dirs:
        with _sqlite_in(directory) as full, _sqlite_in(directory) as normal:
            normal._db.execute("PRAGMA synchronous=NORMAL")  # the bench's own comparison
            variants = {"FULL": _Appender(full), "NORMAL": _Appender(normal)}
            by_batch = {batch: _interleaved(variants, batch, seconds) for batch in COMMIT_BATCHES}
            out[str(directory)] = {
                sync: {str(batch): figures[sync] for batch, figures in by_batch.items()} for sync in variants
            }
    return out


class _MarkPerCommit(_Appender):
    """The alternative not taken: the high-water mark written in ``meta`` by every commit."""

    def __init__(self, store: SqliteStore) -> None:
        super().__init__(store)
        self.sqlite = store

    def us_per_commit(self, batch: int, seconds: float, min_commits: int = 20) -> float:
        db = self.sqlite._db
        commits = 0
        elapsed = 0.0
        wall_end = time.perf_counter() + seconds
        while time.perf_counter() < wall_end or commits < min_commits:
            messages = _messages(self.next_id, batch)
            self.next_id += batch
            t = time.perf_counter()
            db.execute("BEGIN")
            for sql, values in batches(messages):
                db.execute(sql, values)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('high_water', ?)", (messages[-1].id,)
            )
            db.execute("COMMIT")
            elapsed += time.perf_counter() - t
            commits += 1
        return elapsed / commits * 1e6


def _autoincrement_table(path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, epoch REAL NOT NULL,"
        " sender TEXT NOT NULL, sender_key TEXT NOT NULL, text TEXT NOT NULL, cid TEXT, recipient TEXT,"
        " recipient_key TEXT, sender_owner TEXT, recipient_owner TEXT)"
    )
    db.close()


def high_water(dirs: list[Path], seconds: float) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for directory in dirs:
        with (
            _sqlite_in(directory) as plain,
            _sqlite_in(directory) as marked,
            _sqlite_in(directory, _autoincrement_table) as autoincrement,
        ):
            variants = {
                "mark_on_delete": _Appender(plain),
                "mark_per_commit": _MarkPerCommit(marked),
                "autoincrement": _Appender(autoincrement),
            }
            out[str(directory)] = _interleaved(variants, 1, seconds)
    return out


def _history(count: int, private: float) -> tuple[list[StoredMessage], list[str]]:
    rng = random.Random(18)
    names = [f"user{n}" for n in range(20)]
    owners = [f"{rng.getrandbits(256):064x}"[:43] for _ in names]
    messages = []
    for i in range(1, count + 1):
        s = rng.randrange(len(names))
        to = rng.randrange(len(names)) if rng.random() < private else None
        messages.append(
            StoredMessage(
                id=i,
                ts="2026-11-24T19:05:00.123Z",
                sender=names[s],
                sender_key=names[s],
                text=f"message {i} of a history, a typical chat line of sixty-four chars",
                cid=f"{rng.getrandbits(128):032x}",
                to=None if to is None else names[to],
                to_key=None if to is None else names[to],
                epoch=1_764_000_000.0 + i,
                sender_owner=owners[s],
                to_owner=None if to is None else owners[to],
            )
        )
    return messages, owners


def _median_us(call: Callable[[], object], repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1e6, 1)


def replay(dirs: list[Path], count: int, private: float) -> dict[str, dict[str, float]]:
    messages, owners = _history(count, private)
    viewer = owners[0]
    out: dict[str, dict[str, float]] = {}
    for directory in dirs:
        with _sqlite_in(directory) as store:
            for start in range(0, len(messages), 1000):
                store.append(messages[start : start + 1000])
            out[str(directory)] = _replay_figures(store, viewer, count)
    memory = MemoryStore()
    memory.append(messages)
    out["memory"] = _replay_figures(memory, viewer, count)
    return out


def _replay_figures(store: SqliteStore | MemoryStore, viewer: str, count: int) -> dict[str, float]:
    start, truncated = store.replay_start(-1, viewer, 10_000)
    assert truncated
    middle = count // 2
    return {
        "replay_start(-1, owner, 10000)": _median_us(lambda: store.replay_start(-1, viewer, 10_000)),
        "replay_start(middle, owner, 10000)": _median_us(lambda: store.replay_start(middle, viewer, 10_000)),
        "since(start, owner, limit=500)": _median_us(lambda: store.since(start, viewer, limit=500)),
        "since(0, owner, limit=500)": _median_us(lambda: store.since(0, viewer, limit=500)),
        "since(middle, owner, limit=500)": _median_us(lambda: store.since(middle, viewer, limit=500)),
        "last(50, owner)": _median_us(lambda: store.last(50, viewer)),
    }


_UNBOUNDED_SEARCH = (
    "SELECT {columns} FROM messages_fts JOIN messages AS m ON m.id = messages_fts.rowid"
    " WHERE messages_fts MATCH :match AND messages_fts.rowid < :before AND {visible}"
    " ORDER BY messages_fts.rowid DESC LIMIT :limit"
)
"""The search's statement before it was bounded: it examines every match to fill a page."""


def _hidden_history(store: SqliteStore, count: int) -> None:
    """``count`` messages holding "common", all in ``#secret`` but the first ten (general)."""
    store._db.execute("PRAGMA synchronous=OFF")  # the bench's own: building it, not timing it
    owner = "s" * 43
    for start in range(1, count + 1, 1000):
        store.append(
            [
                StoredMessage(
                    id=i,
                    ts="2026-11-24T19:05:00.123Z",
                    sender="bruno",
                    sender_key="bruno",
                    text=f"message {i}: a common word in a typical chat line",
                    epoch=1_764_000_000.0 + i,
                    sender_owner=owner,
                    room=None if i <= 10 else "secret",
                )
                for i in range(start, min(start + 1000, count + 1))
            ]
        )
    store._db.execute("PRAGMA synchronous=FULL")


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    return round(_median_us(call, repeat) / 1000, 2)


def search_bound(dirs: list[Path], count: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for directory in dirs:
        with _sqlite_in(directory) as store:
            _hidden_history(store, count)
            out[str(directory)] = _search_figures(store, count, "a" * 43)
    return out


def _search_figures(store: SqliteStore, count: int, viewer: str) -> dict[str, float]:
    from chat_server_app.store import search_index
    from chat_server_app.store.base import SEARCH_SCAN
    from chat_server_app.store.schema import visible_sql
    from chat_server_app.store.sqlite_reads import _SEARCH_COLUMNS, _SEARCH_NULLS

    store.search("common", viewer)  # indexes what waits, warms the cache
    visible, params = visible_sql(())
    unbounded = _UNBOUNDED_SEARCH.format(columns=_SEARCH_COLUMNS, visible=visible)
    values = {"match": '"common" *', "before": 2**63 - 1, "owner": viewer, "limit": 51, **params}
    bounded = search_index.SEARCH.format(columns=_SEARCH_COLUMNS, visible=visible, nulls=_SEARCH_NULLS)
    whole = {**values, "match": '"common"', "scan": SEARCH_SCAN}

    def before() -> object:
        rows = store._db.execute(unbounded, values).fetchall()
        assert len(rows) == 10
        return rows

    def after() -> object:
        page = store.search("common", viewer, limit=51)
        assert not page.messages
        assert page.resume is not None
        return page

    return {
        "before: unbounded, 10 found at the very end": _median_ms(before, 3),
        "after: bounded, empty page with a cursor": _median_ms(after, 30),
        "after, its page statement alone, the word whole": _median_ms(
            lambda: store._db.execute(bounded, whole).fetchall(), 30
        ),
        "after, its page statement alone, the word as a prefix too": _median_ms(
            lambda: store._db.execute(bounded, {**whole, "match": '"common" *'}).fetchall(), 30
        ),
        "after: the last page, 10 found": _median_ms(
            lambda: store.search("common", viewer, limit=51, before_id=5000), 30
        ),
        "around(middle) in general": _median_ms(lambda: store.around(count // 2, viewer), 30),
        "around(middle) in #secret": _median_ms(lambda: store.around(count // 2, viewer, room="secret"), 30),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", action="append", type=Path, default=[], help="a directory to put the SQLite file in"
    )
    parser.add_argument("--seconds", type=float, default=0.5, help="time spent per batch size")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--commits", action="store_true", help="µs per commit, synchronous FULL vs NORMAL")
    mode.add_argument("--high-water", action="store_true", help="µs per commit of each way to keep last_id")
    mode.add_argument("--replay", action="store_true", help="µs per replay query on a long history")
    mode.add_argument(
        "--search", action="store_true", help="ms of the worst search, before and after its bound"
    )
    parser.add_argument("--messages", type=int, default=0, help="history length (200 000 / 1 000 000)")
    parser.add_argument("--private", type=float, default=0.1, help="share of private messages for --replay")
    args = parser.parse_args(argv)
    result: object
    if args.commits:
        result = commits(args.dir, args.seconds)
    elif args.high_water:
        result = high_water(args.dir, args.seconds)
    elif args.replay:
        result = replay(args.dir, args.messages or 200_000, args.private)
    elif args.search:
        result = search_bound(args.dir, args.messages or 1_000_000)
    else:
        result = per_message(args.dir, args.seconds)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
