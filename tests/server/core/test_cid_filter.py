"""The cid memory behind de-duplication: never forgets a pair within a window, and
gives back the ids of the messages filed under it, and only those."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.core import cid_filter
from chat_server_app.core.cid_filter import RecentCids, _fingerprint, _Prints

WINDOW = 600.0

PAIRS = st.lists(st.tuples(st.text(max_size=8), st.text(max_size=64)), min_size=1, max_size=50, unique=True)


@settings(max_examples=50, deadline=None)
@given(PAIRS, st.floats(min_value=0, max_value=WINDOW))
def test_an_added_cid_is_remembered_for_at_least_a_window(pairs: list[tuple[str, str]], later: float) -> None:
    recent = RecentCids(WINDOW, now=1000.0)
    for message_id, (key, cid) in enumerate(pairs, start=1):
        recent.add(key, cid, message_id, now=1000.0 + WINDOW * 0.9)  # just before a rotation
    for message_id, (key, cid) in enumerate(pairs, start=1):
        assert recent.may_contain(key, cid, now=1000.0 + WINDOW * 0.9 + later)
        assert list(recent.candidates(key, cid, now=1000.0 + WINDOW * 0.9 + later)) == [message_id]


@settings(max_examples=50, deadline=None)
@given(PAIRS, st.tuples(st.text(max_size=8), st.text(max_size=64)))
def test_a_pair_never_added_has_no_candidates(pairs: list[tuple[str, str]], other: tuple[str, str]) -> None:
    recent = RecentCids(WINDOW, now=0.0)
    for message_id, (key, cid) in enumerate(pairs, start=1):
        if (key, cid) != other:
            recent.add(key, cid, message_id, now=1.0)
    assert list(recent.candidates(*other, now=2.0)) == []


def test_a_pair_accepted_in_two_windows_gives_both_ids_newest_first() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    recent.add("anna", "c1", 7, now=1.0)
    recent.add("anna", "c2", 8, now=2.0)
    recent.add("anna", "c1", 90, now=WINDOW + 5)  # after a rotation: the other generation
    assert list(recent.candidates("anna", "c1", now=WINDOW + 6)) == [90, 7]
    assert list(recent.candidates("anna", "c1", now=2 * WINDOW + 6)) == [90]  # the first generation is gone
    assert list(recent.candidates("bob", "c1", now=WINDOW + 6)) == []


def test_a_fingerprint_is_only_matched_where_an_entry_starts() -> None:
    generation = _Prints()
    first, second = _fingerprint(0x1122334455667788), _fingerprint(0x99AABBCCDDEEFF00)
    for message_id, fingerprint in enumerate([first, second, first], start=1):
        generation.fingerprints += fingerprint
        generation.ids.append(message_id)
    assert list(generation.ids_of(first)) == [3, 1]
    assert list(generation.ids_of(second)) == [2]
    assert list(generation.ids_of(first[4:] + second[:4])) == []  # across two entries
    assert list(generation.ids_of(second[1:] + first[:1])) == []


def test_it_forgets_after_two_windows_and_rarely_says_maybe() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    for i in range(10_000):
        recent.add("anna", f"cid-{i}", i, now=1.0)
    false_positives = sum(recent.may_contain("anna", f"other-{i}", now=2.0) for i in range(10_000))
    assert false_positives < 10
    assert list(recent.candidates("anna", "cid-5", now=WINDOW + 1)) == [5]  # one rotation: still there
    assert not recent.may_contain("anna", "cid-5", now=2 * WINDOW + 2)  # two: gone


def test_false_positives_at_the_documented_load_stay_near_two_percent() -> None:
    recent = RecentCids(WINDOW, now=0.0)
    for i in range(800_000):  # 1 300 messages a second for a whole window
        recent.add("anna", f"c{i}", i, now=1.0)
    false_positives = sum(recent.may_contain("bob", f"c{i}", now=2.0) for i in range(20_000))
    assert false_positives < 20_000 * 0.03
    # A "maybe" searches the sender's own fingerprints: bob has none, anna 800 000.
    assert all(list(recent.candidates("bob", f"c{i}", now=2.0)) == [] for i in range(200))
    assert all(list(recent.candidates("anna", f"other-{i}", now=2.0)) == [] for i in range(20))


def test_a_search_never_leaves_the_senders_own_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cid_filter, "_hash", lambda _key, _cid: 0x5EED)  # every pair collides
    recent = RecentCids(WINDOW, now=0.0)
    recent.add("anna", "c1", 1, now=1.0)
    recent.add("bob", "c1", 2, now=1.0)
    recent.add("anna", "c2", 3, now=1.0)
    assert list(recent.candidates("anna", "c9", now=2.0)) == [3, 1]
    assert list(recent.candidates("bob", "c9", now=2.0)) == [2]
    assert list(recent.candidates("carla", "c1", now=2.0)) == []
