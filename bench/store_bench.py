"""Micro-benchmark of ``SqliteStore.append``: the cost of storing one message, by batch size.

The engine stores what one event-loop pass accepted in one transaction, so the
batch size is the number of messages per pass: 1 at a trickle, hundreds under load.

    python bench/store_bench.py [--dir DIR ...] [--seconds S]

prints one JSON object: {dir: {batch: microseconds per message}}, plus MemoryStore.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from chat_server_app.store import MemoryStore, SqliteStore, StoredMessage

BATCHES = (1, 10, 100, 1000)


_CIDS = random.Random(5001)


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
        )
        for i in range(start, start + count)
    ]


def _per_message_us(
    store: SqliteStore | MemoryStore, batch: int, seconds: float, first_id: int
) -> tuple[float, int]:
    """Append batches of ``batch`` messages for about ``seconds`` of wall time; only ``append`` is timed."""
    done = 0
    elapsed = 0.0
    next_id = first_id
    wall_end = time.perf_counter() + seconds
    while time.perf_counter() < wall_end or done < 20 * batch:
        messages = _messages(next_id, batch)
        next_id += batch
        t = time.perf_counter()
        store.append(messages)
        elapsed += time.perf_counter() - t
        done += batch
    return elapsed / done * 1e6, next_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", action="append", type=Path, default=[], help="a directory to put the SQLite file in"
    )
    parser.add_argument("--seconds", type=float, default=0.5, help="time spent per batch size")
    args = parser.parse_args(argv)
    out: dict[str, dict[str, float]] = {}
    for directory in args.dir:
        with tempfile.TemporaryDirectory(dir=directory, prefix="parla-store-") as tmp:
            store = SqliteStore(Path(tmp) / SqliteStore.FILENAME)
            first = 1
            row: dict[str, float] = {}
            for batch in BATCHES:
                us, first = _per_message_us(store, batch, args.seconds, first)
                row[str(batch)] = round(us, 2)
            store.close()
            out[str(directory)] = row
    row = {}
    for batch in BATCHES:
        us, _ = _per_message_us(MemoryStore(), batch, args.seconds / 5, 1)
        row[str(batch)] = round(us, 3)
    out["memory"] = row
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
