"""What a pass costs the server's rules when the load is spread over rooms.

The pure core alone, in memory (no sockets: the figure is the rules' work per pass):
``--clients`` registered sessions; each pass, ``--per-pass`` says from random senders.
Three shapes, measured alike: everyone in general only; ``--rooms`` rooms, each client
in one of them and the says in rooms; the same with every client in two rooms. Prints
µs per pass and per message for each, and the ratios to the general-only shape.

    .venv/bin/python bench/rooms_bench.py [--clients 100] [--rooms 10] [--per-pass 50]
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field

from chat_server_app.core import ServerCore
from chat_server_app.core.session import Link, Session
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from shared.codec import encode

SECONDS = 2.0


@dataclass(eq=False)
class Sink:
    """A session's connection as the rules see it: nothing waits to be written."""

    bytes_to_write: int = 0
    received: int = field(default=0)


def build(clients: int, rooms: int, rooms_each: int) -> tuple[ServerCore, list[Session[Link]]]:
    settings = Settings(name="bench", rate_burst=10**9, rate_per_sec=10**9, history_on_join=0)
    core = ServerCore(settings, MemoryStore())
    sessions: list[Session[Link]] = []
    for i in range(clients):
        sink = Sink()
        session = core.open(sink, sink, f"10.0.{i // 250}.{i % 250}:1", 0.0)
        core.receive(session, [{"type": "hello", "version": 2, "name": f"user{i}"}], 0.0)
        for k in range(rooms_each):
            core.receive(session, [{"type": "join", "room": f"room{(i + k * 7) % rooms}"}], 0.0)
        sessions.append(session)
    core.flush()
    core.take_outputs()
    return core, sessions


def run(clients: int, rooms: int, rooms_each: int, per_pass: int) -> tuple[float, int]:
    core, sessions = build(clients, rooms, rooms_each)
    rng = random.Random(1)
    passes = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for _ in range(per_pass):
            session = rng.choice(sessions)
            frame: dict[str, object] = {"type": "say", "text": "hello there, how is it going"}
            if rooms_each:
                frame["room"] = rng.choice(list(session.rooms.values())).name
            core.receive(session, [frame], 0.0)
        delivery = core.flush()
        assert delivery is not None
        core.take_outputs()
        passes += 1
    elapsed = time.perf_counter() - started
    return elapsed / passes * 1e6, passes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--per-pass", type=int, default=50)
    args = parser.parse_args()
    assert encode({"type": "ping"})  # the codec loads before the clock starts
    shapes = [("general only", 0), ("one room each", 1), ("two rooms each", 2)]
    base = None
    for label, rooms_each in shapes:
        per_pass_us, passes = run(args.clients, args.rooms, rooms_each, args.per_pass)
        base = base or per_pass_us
        print(
            f"{label:16s} {per_pass_us:9.1f} µs/pass  {per_pass_us / args.per_pass:6.1f} µs/msg"
            f"  x{per_pass_us / base:4.2f}  ({passes} passes)"
        )


if __name__ == "__main__":
    main()
