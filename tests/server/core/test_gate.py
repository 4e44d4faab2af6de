"""Connections that are not users yet: caps on those waiting for their hello, and the
growing wait after a wrong password (issue 19, item 5). In memory: no socket, no Qt."""

from __future__ import annotations

import pytest

from chat_server_app.core.gate import PENALTY_FIRST, PENALTY_MAX, PENALTY_MEMORY, Gate
from tests.server.core.pair import MemoryPair


def test_the_gate_counts_per_address_and_in_all() -> None:
    gate: Gate[str] = Gate(max_total=3, max_per_address=2)
    assert gate.enter("a") is None
    assert gate.enter("a") is None
    assert gate.enter("a") is not None  # a third from a
    assert gate.enter("b") is None
    assert gate.enter("c") is not None  # four in all
    assert gate.waiting == 3
    gate.leave("a")
    assert gate.enter("c") is None
    assert gate.waiting == 3


def test_wrong_passwords_wait_longer_each_time_then_start_over() -> None:
    gate: Gate[str] = Gate(10, 10)
    waits = [gate.wrong_password("a", 100.0 + i)[1] for i in range(8)]
    assert waits[:3] == [PENALTY_FIRST, 2 * PENALTY_FIRST, 4 * PENALTY_FIRST]
    assert waits == sorted(waits)
    assert waits[-1] == PENALTY_MAX
    assert gate.wrong_password("b", 110.0) == (1, PENALTY_FIRST)  # another address
    assert gate.wrong_password("a", 108.0 + PENALTY_MEMORY + 1) == (1, PENALTY_FIRST)


def test_a_fourth_silent_connection_from_one_address_is_refused_at_once() -> None:
    pair = MemoryPair(max_unregistered_per_address=3)
    silent = [pair.connect(address=f"10.0.0.9:{port}") for port in (1, 2, 3)]
    fourth = pair.connect(address="10.0.0.9:4")
    assert fourth.closed
    assert fourth.of_type("error") == [
        {
            "type": "error",
            "code": "rate_limited",
            "message": "too many connections from your address waiting to say hello",
            "fatal": True,
        }
    ]
    assert not any(c.closed for c in silent)
    other = pair.connect(address="10.0.0.8:1")  # another address is not concerned
    assert not other.closed
    # a hello (and a close) make room
    silent[0].hello("anna")
    assert silent[0].of_type("welcome")
    silent[1].bye()
    assert pair.core.unregistered == 2
    again = [pair.connect(address="10.0.0.9:1") for _ in range(2)]
    assert not any(c.closed for c in again)
    assert pair.connect(address="10.0.0.9:1").closed


def test_connections_past_the_total_are_refused() -> None:
    pair = MemoryPair(max_unregistered=2)
    first, second = pair.connect(), pair.connect()
    third = pair.connect()
    assert third.closed
    assert third.of_type("error")[0]["code"] == "rate_limited"
    assert not first.closed
    assert not second.closed
    first.hello("anna")
    second.hello("bruno")
    assert not pair.connect().closed  # users do not count


def test_a_wrong_password_is_answered_after_a_delay_that_grows() -> None:
    pair = MemoryPair(password="secret")
    waits = []
    for attempt in range(4):
        client = pair.connect(address=f"10.0.0.9:{5000 + attempt}")  # a new port each time
        client.hello("anna", password=f"guess{attempt}")
        assert client.of_type("error") == []  # not yet
        client.hello("anna", password="secret")  # not read while it waits
        waited = 0.0
        while not client.of_type("error"):
            pair.tick(0.05)
            waited += 0.05
        assert client.closed
        assert client.of_type("error") == [
            {"type": "error", "code": "auth_failed", "message": "wrong password", "fatal": True}
        ]
        assert not client.of_type("welcome")
        waits.append(waited)
    assert waits[0] == pytest.approx(PENALTY_FIRST, abs=0.06)
    assert waits == sorted(waits)
    assert waits[-1] == pytest.approx(8 * PENALTY_FIRST, abs=0.06)
    # the right one from there is welcomed at once, and the count starts over
    client = pair.connect(address="10.0.0.9:1")
    client.hello("anna", password="secret")
    assert client.of_type("welcome")
    late = pair.connect(address="10.0.0.9:1")
    late.hello("bruno", password="nope")
    pair.tick(PENALTY_FIRST + 0.01)
    assert late.of_type("error")[0]["code"] == "auth_failed"


def test_the_driver_is_told_when_the_next_answer_is_due() -> None:
    pair = MemoryPair(password="secret")
    assert pair.core.next_deadline is None
    client = pair.connect()
    client.hello("anna", password="no")
    assert pair.core.next_deadline == pytest.approx(pair.clock.now + PENALTY_FIRST)
    client.bye()  # not read while held: the hold stands until its answer
    pair.tick(PENALTY_FIRST)
    assert pair.core.next_deadline is None
    assert pair.core.unregistered == 0
