"""shared.quoting.quoted: a peer's value in a log line or an error, short whatever it is."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.quoting import QUOTE_MAX_CHARS, quoted


def test_a_short_text_is_quoted_as_repr_writes_it() -> None:
    assert quoted("hello") == "'hello'"
    assert quoted("it's") == '"it\'s"'
    assert quoted("Straße → 🙂") == repr("Straße → 🙂")


def test_a_long_text_is_cut_and_counted() -> None:
    text = "x" * 60_000
    assert quoted(text) == "'" + "x" * QUOTE_MAX_CHARS + "…' (60000 characters)"


def test_control_characters_are_escaped_so_a_line_stays_one_line() -> None:
    shown = quoted("a\nb\r\x1b[2J\u202e")
    for control in "\n\r\x1b\u202e":
        assert control not in shown


def test_escapes_do_not_make_a_quote_long() -> None:
    shown = quoted("\x00" * 60_000)
    assert len(shown) <= 2 * QUOTE_MAX_CHARS + 40
    assert shown.endswith("(60000 characters)")


def test_other_json_values_are_quoted_short() -> None:
    assert quoted(None) == "None"
    assert quoted(2) == "2"
    assert len(quoted(list(range(100_000)))) < 100
    assert len(quoted({"a": [[[["deep"] * 1000]]]})) < 100
    assert len(quoted(10**4000)) <= QUOTE_MAX_CHARS + 1


@given(st.one_of(st.text(max_size=2000), st.lists(st.text(max_size=500), max_size=50), st.integers()))
def test_any_value_gives_one_bounded_line(value: object) -> None:
    shown = quoted(value)
    assert len(shown) <= 2 * QUOTE_MAX_CHARS + 40
    assert "\n" not in shown
