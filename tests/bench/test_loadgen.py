"""Smoke test of the benchmark's C load generator (bench/loadgen): it builds, and it
counts every delivery, against the trivial relay, against the threaded baseline, and,
speaking IRC, against a small IRC server of the test's own (tests/bench/mini_ircd.py).

Not a benchmark: tiny rates, exact counts, no timing asserted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.servers import LOADGEN, PARLA, RELAY_KIND, THREADED, running

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or (shutil.which("cc") is None and shutil.which("gcc") is None),
    reason="needs make and a C compiler",
)


@pytest.fixture(scope="module")
def built() -> None:
    subprocess.run(["make", "-s", "-C", str(ROOT / "bench")], check=True, timeout=120, capture_output=True)


def _loadgen(port: int, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [str(LOADGEN), "--port", str(port), *args], capture_output=True, text=True, timeout=30, check=True
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_counts_every_delivery_through_the_relay(built: None) -> None:
    with running(RELAY_KIND) as server:
        r = _loadgen(
            server.port,
            "--clients",
            "20",
            "--senders",
            "4",
            "--rate",
            "2000",
            "--count",
            "400",
            "--presence",
            "none",
            "--server-pid",
            str(server.pid),
        )
    assert r["status"] == "ok"
    assert r["registered"] == 20
    assert r["sent"] == 400
    assert r["echoes"] == 400  # the relay sends each say back to its sender too
    assert r["deliveries"] == r["expected_deliveries"] == 400 * 20
    assert r["lost_deliveries"] == 0
    assert r["broadcast_ms"]["n"] == 400  # every message reached all 20


def test_counts_presence_and_messages_from_a_protocol_server(built: None) -> None:
    with running(THREADED) as server:
        r = _loadgen(
            server.port,
            "--clients",
            "12",
            "--senders",
            "3",
            "--rate",
            "500",
            "--count",
            "60",
            "--inflight",
            "4",
            "--server-pid",
            str(server.pid),
        )
    assert r["status"] == "ok"
    assert r["joined"] == r["joined_expected"] == 12 * 11 // 2
    assert r["deliveries"] == 60 * 12
    assert r["echoes"] == 60
    assert r["errors"] == 0
    assert r["lost_deliveries"] == 0


def test_speaks_irc_to_an_irc_server(built: None) -> None:
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("mini_ircd.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().rsplit(":", 1)[1])
        r = _loadgen(
            port,
            "--proto",
            "irc",
            "--clients",
            "10",
            "--senders",
            "2",
            "--rate",
            "500",
            "--count",
            "40",
            "--inflight",
            "3",
        )
    finally:
        server.communicate(timeout=10)  # closing its input stops it
    assert r["status"] == "ok"
    assert r["registered"] == 10
    assert r["joined"] == r["joined_expected"] == 10 * 9 // 2  # each hears of those after it
    assert r["receivers"] == 9  # an IRC server does not echo a message to its sender
    assert r["deliveries"] == r["expected_deliveries"] == 40 * 9
    assert r["echoes"] == 0
    assert r["pings"] == 10
    assert r["errors"] == 0  # the 422 (no MOTD) is no error
    assert r["lost_deliveries"] == 0
    assert r["broadcast_ms"]["n"] == 40


def test_spreads_clients_over_the_rooms_of_the_real_server(built: None, tmp_path: Path) -> None:
    """--rooms 3: client i joins room r<i mod 3> after its welcome and says there; only
    the room's members receive it (the sender's echo included), and every member hears of
    the later members' joins of its room as well as of everyone's arrival in general."""
    with running(PARLA, data_dir=tmp_path) as server:
        r = _loadgen(
            server.port,
            "--clients",
            "12",
            "--senders",
            "3",
            "--rooms",
            "3",
            "--rate",
            "500",
            "--count",
            "30",
            "--inflight",
            "4",
            "--server-pid",
            str(server.pid),
        )
    assert r["status"] == "ok"
    assert r["config"]["rooms"] == 3
    assert r["registered"] == 12
    assert r["joined"] == r["joined_expected"] == 12 * 11 // 2 + 3 * (4 * 3 // 2)
    assert r["deliveries"] == r["expected_deliveries"] == 30 * 4  # a room of 4, not the 12
    assert r["echoes"] == 30
    assert r["errors"] == 0
    assert r["broadcast_ms"]["n"] == 30
