"""A hostile or broken server against the pure session (issue 19, item 9): ids that go
backwards, and sessions that end as soon as they are welcomed."""

from __future__ import annotations

from chat_client_app.session import ClientState, Output, ReconnectScheduled
from tests.client.test_session import HERE, Pair, connected_pair, delivered, msg


def _delay(events: list[Output]) -> float:
    (scheduled,) = [e for e in events if isinstance(e, ReconnectScheduled)]
    return scheduled.delay


def test_live_ids_that_go_backwards_are_dropped_and_the_order_kept() -> None:
    pair = connected_pair()
    events = pair.server(msg(5), msg(6), msg(3), msg(6), msg(1), msg(7))
    assert delivered(events) == [5, 6, 7]
    assert pair.session.last_seen == 7
    assert pair.session.state is ClientState.CONNECTED


def test_sessions_dropped_right_after_their_welcome_back_off_further_each_time() -> None:
    pair = Pair()  # Backoff(1.0, 8.0): nominal waits 1, 2, 4, 8, 8; jitter +-20 %
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    delays = []
    for _ in range(5):
        pair.open()
        pair.welcome(0)
        pair.now += 0.5  # welcomed, then dropped half a second later
        delays.append(_delay(pair.drop()))
    assert [round(d) for d in delays[:3]] == [1, 2, 4], delays
    assert min(delays[3:]) >= 8 * 0.8


def test_a_session_that_lasted_as_long_as_the_longest_wait_starts_the_backoff_over() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    for _ in range(3):
        pair.open()
        pair.welcome(0)
        pair.drop()
    pair.open()
    pair.welcome(0)
    pair.now += 8.0  # the cap: a real session
    assert _delay(pair.drop()) <= 1.2
