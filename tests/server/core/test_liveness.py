"""The liveness queues give every tick exactly what the old scan of every session gave."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.core.liveness import Liveness

HELLO, PING_AFTER, PING_TIMEOUT = 3.0, 5.0, 2.0


@dataclass
class _Reference:
    """The rule as the engine's tick applied it to each session in turn."""

    greeting: dict[int, float] = field(default_factory=dict)  # opened
    registered: dict[int, float] = field(default_factory=dict)  # last heard
    pinged: dict[int, float] = field(default_factory=dict)  # ping sent at, while awaiting

    def tick(self, now: float) -> tuple[set[int], set[int], set[int]]:
        hello = {s for s, opened in self.greeting.items() if now - opened > HELLO}
        pong = {s for s, sent in self.pinged.items() if now - sent > PING_TIMEOUT}
        ping = {
            s for s, heard in self.registered.items() if s not in self.pinged and now - heard > PING_AFTER
        }
        for s in hello:
            del self.greeting[s]
        for s in pong:
            del self.registered[s]
            del self.pinged[s]
        for s in ping:
            self.pinged[s] = now
        return hello, pong, ping


_steps = st.lists(
    st.tuples(
        st.sampled_from(["open", "register", "hear", "hear", "tick", "tick", "close"]),
        st.integers(min_value=0, max_value=3),
        st.sampled_from([0.0, 0.5, 1.0, 2.0, 2.5, 4.0]),
    ),
    max_size=80,
)


@settings(max_examples=1000, deadline=None)
@given(_steps)
def test_every_tick_finds_what_a_scan_of_every_session_finds(steps: list[tuple[str, int, float]]) -> None:
    live: Liveness[int] = Liveness(HELLO, PING_AFTER, PING_TIMEOUT)
    ref = _Reference()
    now = 100.0
    for op, s, dt in steps:
        now += dt
        known = s in ref.greeting or s in ref.registered
        if op == "register" and not known:  # registered sessions are where it gets interesting
            live.opened(s, now)
            ref.greeting[s] = now
            known = True
        if op == "open" and not known:
            live.opened(s, now)
            ref.greeting[s] = now
        elif op == "register" and s in ref.greeting:
            live.registered(s, now)
            del ref.greeting[s]
            ref.registered[s] = now
        elif op == "hear":
            # The engine tells it of every batch, greeting and closing sessions too:
            # only the registered count.
            live.heard(s, now)
            if s in ref.registered:
                ref.registered[s] = now
                ref.pinged.pop(s, None)
        elif op == "close" and known:
            live.forget(s)
            ref.greeting.pop(s, None)
            ref.registered.pop(s, None)
            ref.pinged.pop(s, None)
        elif op == "tick":
            hello, pong, ping = ref.tick(now)
            assert set(live.hello_overdue(now)) == hello
            assert set(live.pong_overdue(now)) == pong
            assert set(live.to_ping(now)) == ping
        assert len(live) == len(ref.greeting) + len(ref.registered)


def test_a_tick_takes_the_due_heads_in_order_of_silence() -> None:
    """10 000 quiet sessions, a few due: a tick takes those, in order of silence."""
    live: Liveness[int] = Liveness(HELLO, PING_AFTER, PING_TIMEOUT)
    for s in range(10_000):
        live.registered(s, 10.0 + s)
    live.heard(0, 20_000.0)  # the oldest spoke: it goes to the back
    assert live.to_ping(16.5) == [1]  # heard at 11: silent for 5.5 s
    assert live.to_ping(18.5) == [2, 3]
    assert live.pong_overdue(18.5) == []  # 1 was pinged 2 s ago: not past 2 s yet
    assert live.pong_overdue(18.75) == [1]
    assert live.pong_overdue(20.75) == [2, 3]
    live.heard(4, 20.75)
    assert live.to_ping(20.75) == [5]  # heard at 15; 4 has just spoken
    assert len(live) == 10_000 - 3
