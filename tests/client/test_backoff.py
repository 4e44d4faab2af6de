"""chat_client_app/backoff.py: reconnect delays, with a seeded generator and no clock."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chat_client_app.backoff import Backoff

bases = st.floats(min_value=0.01, max_value=10.0)
caps_over_base = st.floats(min_value=1.0, max_value=100.0)
jitters = st.floats(min_value=0.0, max_value=0.99)


seeds = st.integers(0, 2**32)


@given(base=bases, ratio=caps_over_base, jitter=jitters, seed=seeds, n=st.integers(1, 80))
def test_every_delay_is_within_zero_and_the_cap(
    base: float, ratio: float, jitter: float, seed: int, n: int
) -> None:
    cap = base * ratio
    backoff = Backoff(base, cap, jitter, rng=random.Random(seed))
    for _ in range(n):
        assert 0 <= backoff.next_delay() <= cap


@given(base=bases, ratio=caps_over_base, n=st.integers(1, 80))
def test_without_jitter_delays_double_then_stay_at_the_cap(base: float, ratio: float, n: int) -> None:
    cap = base * ratio
    backoff = Backoff(base, cap, jitter=0.0)
    delays = [backoff.next_delay() for _ in range(n)]
    assert delays[0] == base
    for before, after in itertools.pairwise(delays):
        assert after == min(cap, before * 2)
    assert backoff.attempts == n


@given(seed=st.integers(0, 2**32), n=st.integers(1, 40))
def test_reset_starts_again_from_base(seed: int, n: int) -> None:
    backoff = Backoff(1.0, 30.0, jitter=0.2, rng=random.Random(seed))
    for _ in range(n):
        backoff.next_delay()
    backoff.reset()
    assert backoff.attempts == 0
    assert 0.8 <= backoff.next_delay() <= 1.2


def test_jitter_spreads_clients_apart() -> None:
    delays = {Backoff(rng=random.Random(seed)).next_delay() for seed in range(20)}
    assert len(delays) > 1
    assert all(0.8 <= d <= 1.2 for d in delays)


def test_days_of_retries_do_not_overflow() -> None:
    backoff = Backoff(1.0, 30.0, jitter=0.0)
    for _ in range(10_000):
        delay = backoff.next_delay()
    assert delay == 30.0


@pytest.mark.parametrize(
    ("base", "cap", "jitter", "problem"),
    [
        (0.0, 1.0, 0.1, "base"),
        (-1.0, 1.0, 0.1, "base"),
        (2.0, 1.0, 0.1, "base"),
        (1.0, 2.0, 1.0, "jitter"),
        (1.0, 2.0, -0.1, "jitter"),
    ],
)
def test_nonsense_settings_are_refused(base: float, cap: float, jitter: float, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Backoff(base, cap, jitter)
