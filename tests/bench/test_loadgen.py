"""Smoke test of the benchmark's C load generator (bench/loadgen): it builds, and it
counts every delivery, against the trivial relay and against the threaded baseline.

Not a benchmark: tiny rates, exact counts, no timing asserted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.servers import LOADGEN, RELAY_KIND, THREADED, running

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
