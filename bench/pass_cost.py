"""What one message costs the server's path without sockets, counted in instructions.

Bytes in (the frame decoder), the core's rules (``receive``), the pass's flush into
the SQLite history on disk, the delivery's bytes out: 100 registered clients, 10 of
them saying 100 messages a pass. On a shared VM the wall clock of this path moves
by half from minute to minute; the instructions it executes do not. So, with
``--callgrind``, the script runs itself under valgrind's callgrind twice (a short
and a long run) and prints the difference per message: setup, imports and the
interpreter's start cancel out.

    .venv/bin/python bench/pass_cost.py [--rooms K] [--passes N]        # µs a message, this run
    .venv/bin/python bench/pass_cost.py --callgrind [--rooms K] [--tree DIR]

``--rooms 1``: every client in one room and every message said there (the cost of a
room's message against general's); ``--rooms 10``: ten rooms of ten. ``--tree`` runs
another checkout's code (a worktree of an older commit with the same core API, from
the sans-I/O core on) for a comparison.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_PASS = 100
SENDERS = 10
CLIENTS = 100


class _Sink:
    """A session's connection as the rules see it: nothing waits to be written."""

    bytes_to_write = 0


def run(passes: int, rooms: int) -> float:
    """CPU µs a message over ``passes`` passes (imported late: ``--tree`` picks the code)."""
    from chat_server_app.core import ServerCore
    from chat_server_app.settings import Settings
    from chat_server_app.store import SqliteStore
    from shared.codec import FrameDecoder, encode

    with tempfile.TemporaryDirectory(prefix="parla-pass-cost-") as data:
        settings = Settings(name="bench", rate_burst=10**9, rate_per_sec=10**9, history_on_join=0)
        core = ServerCore(settings, SqliteStore(Path(data) / "history.sqlite3"))
        sessions = []
        for i in range(CLIENTS):
            sink = _Sink()
            session = core.open(sink, sink, f"10.0.0.{i}:1", 0.0)
            core.receive(session, [{"type": "hello", "version": 2, "name": f"lg{i}"}], 0.0)
            if rooms:
                core.receive(session, [{"type": "join", "room": f"r{i % rooms}"}], 0.0)
            sessions.append(session)
        core.flush()
        core.take_outputs()
        decoders = [FrameDecoder() for _ in sessions]
        frames = []
        g = 0
        for _ in range(passes):
            batch = []
            for k in range(PER_PASS):
                sender = k % SENDERS
                say: dict[str, object] = {"type": "say", "text": f"LG1 {g} 1234567890 {sender} " + "x" * 30}
                say["cid"] = f"c{g}"
                if rooms:
                    say["room"] = f"r{sender % rooms}"
                batch.append((sender, encode(say)))
                g += 1
            frames.append(batch)
        started = time.process_time()
        for batch in frames:
            for sender, data_in in batch:
                core.receive(sessions[sender], decoders[sender].feed(data_in), 1.0)
            core.flush()
            core.take_outputs()
        elapsed = time.process_time() - started
        core.store.close()
    return elapsed / (passes * PER_PASS) * 1e6


def _instructions(tree: Path, passes: int, rooms: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(Path(__file__).resolve()),
        "--tree",
        str(tree),
        "--passes",
        str(passes),
        "--rooms",
        str(rooms),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=0)
    parser.add_argument("--passes", type=int, default=200)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--callgrind", action="store_true", help="instructions a message, under valgrind")
    args = parser.parse_args()
    if args.callgrind:
        if shutil.which("valgrind") is None:
            print("--callgrind needs valgrind (apt-get install valgrind)", file=sys.stderr)
            return 2
        short, long = 10, 40
        counts = [_instructions(args.tree, passes, args.rooms) for passes in (short, long)]
        per_message = (counts[1] - counts[0]) / ((long - short) * PER_PASS)
        print(f"{args.tree.name}: rooms={args.rooms}: {per_message:,.0f} instructions a message")
        return 0
    sys.path.insert(0, str(args.tree))
    print(f"{args.tree.name}: rooms={args.rooms}: {run(args.passes, args.rooms):.2f} µs a message (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
