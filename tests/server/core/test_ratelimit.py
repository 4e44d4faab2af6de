"""chat_server_app.core.ratelimit.TokenBucket on its own, with a clock the test turns.

The engine's tests (test_engine_limits.py) check that a session is limited; these check
the bucket's arithmetic for any burst, rate and timing hypothesis picks.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from chat_server_app.core.ratelimit import TokenBucket

bursts = st.integers(min_value=1, max_value=1000)
rates = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)
# Steps of the clock between two takes: zero (a burst of takes at once) up to minutes.
steps = st.lists(
    st.one_of(st.just(0.0), st.floats(min_value=0, max_value=300, allow_nan=False)), max_size=200
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tokens_of(bucket: TokenBucket) -> float:
    return bucket._tokens


def test_a_new_bucket_allows_burst_at_once_and_no_more() -> None:
    clock = Clock()
    bucket = TokenBucket(5, 1.0, clock)
    assert [bucket.take() for _ in range(7)] == [True] * 5 + [False] * 2


@given(burst=bursts, per_sec=rates, idle=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_never_more_than_burst_at_once_however_long_it_was_idle(
    burst: int, per_sec: float, idle: float
) -> None:
    clock = Clock()
    bucket = TokenBucket(burst, per_sec, clock)
    clock.now += idle
    taken = 0
    while bucket.take():
        taken += 1
        assert taken <= burst
    assert taken == burst


@given(burst=bursts, per_sec=rates, steps=steps)
def test_tokens_stay_between_zero_and_burst(burst: int, per_sec: float, steps: list[float]) -> None:
    clock = Clock()
    bucket = TokenBucket(burst, per_sec, clock)
    for step in steps:
        clock.now += step
        bucket.take()
        assert 0.0 <= tokens_of(bucket) <= burst


@given(burst=bursts, per_sec=rates, steps=steps)
def test_takes_over_time_never_exceed_burst_plus_what_the_rate_refilled(
    burst: int, per_sec: float, steps: list[float]
) -> None:
    clock = Clock()
    start = clock.now
    bucket = TokenBucket(burst, per_sec, clock)
    taken = 0
    for step in steps:
        clock.now += step
        taken += bucket.take()
        # A small margin for the float sums: never a whole token more.
        assert taken <= burst + (clock.now - start) * per_sec + 1e-6


@given(
    burst=bursts,
    per_sec=st.floats(min_value=0.1, max_value=1000, allow_nan=False),
    seconds=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_an_emptied_bucket_refills_at_per_sec(burst: int, per_sec: float, seconds: float) -> None:
    clock = Clock()
    bucket = TokenBucket(burst, per_sec, clock)
    while bucket.take():
        pass
    clock.now += seconds
    taken = 0
    while bucket.take():
        taken += 1
    # Whole tokens only, and never past the burst. The sum in the bucket may land a
    # hair under a whole token: one fewer is allowed, never one more.
    expected = min(burst, math.floor(seconds * per_sec + 1e-9))
    assert expected - 1 <= taken <= expected


def test_a_refused_take_spends_nothing() -> None:
    clock = Clock()
    bucket = TokenBucket(1, 2.0, clock)
    assert bucket.take()
    clock.now += 0.25  # half a token
    assert not bucket.take()
    clock.now += 0.25  # the other half: one whole token, the refused take cost none
    assert bucket.take()
    assert not bucket.take()


def test_the_clock_defaults_to_a_monotonic_one() -> None:
    bucket = TokenBucket(2, 0.001)
    assert bucket.take()
    assert bucket.take()
    assert not bucket.take()  # a token takes 1000 s to come back
