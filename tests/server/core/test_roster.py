"""The roster keeps the names sorted and its JSON equal to encoding the sorted list."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from chat_server_app.core.roster import BLOCK_SIZE, Roster

_names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8)


@given(st.data(), st.sampled_from([2, 3, 5, BLOCK_SIZE]))
def test_matches_a_sorted_set_after_any_adds_and_removes(data: st.DataObject, block: int) -> None:
    # Small blocks split, empty and refill within a few dozen operations; most removals
    # name someone present (a block's first name, its last), some no one.
    roster = Roster(block_size=block)
    expected: set[str] = set()
    for _ in range(data.draw(st.integers(0, 60))):
        removing: bool = data.draw(st.booleans()) if expected else False
        if removing:
            name = data.draw(st.sampled_from(sorted(expected)) | _names)
            roster.remove(name)
            expected.discard(name)
        else:
            name = data.draw(_names)
            roster.add(name)
            expected.add(name)
        assert roster.names == sorted(expected)
        compact = json.dumps(sorted(expected), ensure_ascii=False, separators=(",", ":"))
        assert roster.json() == compact.encode()
        assert len(roster) == len(expected)
    assert all(name in roster for name in expected)


def test_quotes_and_non_ascii_are_escaped_as_json() -> None:
    roster = Roster()
    for name in ('a"b', "c\\d", "è", "\u2028x"):
        roster.add(name)
    assert json.loads(roster.json()) == sorted(['a"b', "c\\d", "è", "\u2028x"])
    assert "zzz" not in roster
    assert 3 not in roster


def test_a_crowd_keeps_its_order_across_many_blocks() -> None:
    roster = Roster(block_size=4)
    names = [f"user{(i * 7919) % 1000:03d}" for i in range(1000)]  # every name once, shuffled
    for name in names:
        roster.add(name)
        roster.add(name)  # a second add changes nothing
    assert len(roster) == 1000
    assert roster.json() == json.dumps(sorted(names), separators=(",", ":")).encode()
    for name in names[::2]:
        roster.remove(name)
    rest = sorted(names[1::2])
    assert roster.names == rest
    assert roster.json() == json.dumps(rest, separators=(",", ":")).encode()
    assert names[0] not in roster
    assert names[1] in roster
