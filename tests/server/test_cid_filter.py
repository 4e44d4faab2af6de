"""The rotating filter behind cid de-duplication: never forgets within a window."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.cid_filter import RecentCids

WINDOW = 600.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=64)), min_size=1, max_size=50),
       st.floats(min_value=0, max_value=WINDOW))
def test_an_added_cid_is_remembered_for_at_least_a_window(pairs: list[tuple[str, str]], later: float) -> None:
    recent = RecentCids(WINDOW, now=1000.0)
    for key, cid in pairs:
        recent.add(key, cid, now=1000.0 + WINDOW * 0.9)  # just before a rotation
    for key, cid in pairs:
        assert recent.may_contain(key, cid, now=1000.0 + WINDOW * 0.9 + later)


def test_it_forgets_after_two_windows_and_rarely_says_maybe() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    for i in range(10_000):
        recent.add("anna", f"cid-{i}", now=1.0)
    false_positives = sum(recent.may_contain("anna", f"other-{i}", now=2.0) for i in range(10_000))
    assert false_positives < 10
    assert recent.may_contain("anna", "cid-5", now=WINDOW + 1)  # one rotation: still there
    assert not recent.may_contain("anna", "cid-5", now=2 * WINDOW + 2)  # two: gone


def test_check_and_add_says_maybe_for_a_pair_it_has_seen() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    firsts = [recent.check_and_add("anna", f"cid-{i}", now=1.0) for i in range(5_000)]
    assert sum(firsts) < 5  # almost all new pairs are certainly new
    assert all(recent.check_and_add("anna", f"cid-{i}", now=2.0) for i in range(5_000))
    assert all(recent.check_and_add("anna", f"cid-{i}", now=WINDOW + 3) for i in range(5_000))  # rotated once


def test_false_positives_at_the_documented_load_stay_near_two_percent() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    for i in range(800_000):  # 1 300 messages a second for a whole window
        recent.add("anna", f"c{i}", now=1.0)
    false_positives = sum(recent.may_contain("bob", f"c{i}", now=2.0) for i in range(20_000))
    assert false_positives < 20_000 * 0.03
