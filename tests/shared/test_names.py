"""Names compared by their UTS #39 skeleton, and the invisible fillers (PROTOCOL.md §8.1)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shared.confusables
import shared.validation as validation
from shared.confusables import ConfusablesError, data, read, skeleton
from shared.errors import ErrorCode, ProtocolError
from shared.resources import confusables_file
from shared.validation import name_key, name_problem, normalize_name, validate_name

PROPERTY = settings(max_examples=300, deadline=None)

CYRILLIC_A = "\u0410"  # CYRILLIC CAPITAL LETTER A: looks like Latin A

# --- one name however it is spelt -------------------------------------------------------------

ONE_NAME = {
    "latin": "anna",
    "capitals": "ANNA",
    "capital first": "Anna",
    "cyrillic A": f"{CYRILLIC_A}nna",
    "cyrillic a, armenian vo": "\u0430\u0578\u0578\u0430",
    "fullwidth": "\uff41\uff4e\uff4e\uff41",
    "fullwidth capitals": "\uff21\uff2e\uff2e\uff21",
    "mathematical bold": "\U0001d41a\U0001d427\U0001d427\U0001d41a",
}


def test_the_spellings_of_anna_are_one_name() -> None:
    keys = {label: name_key(name) for label, name in ONE_NAME.items()}
    assert set(keys.values()) == {name_key("anna")}, keys


def test_a_cyrillic_pe_is_not_an_n() -> None:
    """The table maps what looks alike, not what transliterates: Cyrillic pe (U+043F)
    looks like Greek pi, not like n."""
    assert name_key("\u0430\u043f\u043f\u0430") != name_key("anna")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Straße", "STRASSE"),  # casefold still comes first
        ("Straße", "strasse"),
        ("rn", "m"),  # by the table: two letters that make one
        ("Tom", "Torn"),
        ("Anna", f"{CYRILLIC_A}NNA"),
        ("paypal", "\u0440\u0430\u0443\u0440\u0430l"),  # Cyrillic er, a, u
        ("bob", "\uff42\uff4f\uff42"),
        ("l", "1"),  # digit one and small L
        ("Zo\u00eb", "Zoe\u0308"),  # NFC and NFD spellings
        ("Anna Maria", "Anna\u2002Maria"),  # EN SPACE is a space
    ],
)
def test_look_alikes_collide(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("anna", "anne"),
        ("anna", "annas"),
        ("Zoe", "Zo\u00eb"),  # an accent still makes another name
        ("Ann a", "Anna"),
        ("rn", "rnn"),
    ],
)
def test_distinct_names_stay_distinct(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_look_alikes_of_capitals_meet_their_lower_case() -> None:
    """Case is folded before the skeleton (§8.1's order), and some skeletons are capitals
    (digit zero's is O, mathematical bold A's is A): the key takes a second round, so
    that they meet the lower case a name is folded to."""
    assert name_key("0") == name_key("O") == name_key("o")
    assert name_key("b0b") == name_key("bob")
    assert name_key("\U0001d400nna") == name_key("anna")  # MATHEMATICAL BOLD CAPITAL A
    assert name_key(name_key("0")) == name_key("0")


@given(st.text(max_size=20))
def test_the_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


def test_only_name_sized_keys_are_remembered() -> None:
    """A whole /msg line or a hostile ``to`` goes through name_key too: not into the cache."""
    long_text = "m" * 10_000
    before = validation._name_key.cache_info().currsize
    assert name_key(long_text) == "rn" * 10_000
    assert validation._name_key.cache_info().currsize == before


# --- properties --------------------------------------------------------------------------------


@PROPERTY
@given(st.text(max_size=40))
def test_the_skeleton_is_idempotent(text: str) -> None:
    once = skeleton(text)
    assert skeleton(once) == once
    assert unicodedata.is_normalized("NFD", once)


@PROPERTY
@given(st.text(max_size=40))
def test_a_key_is_its_own_skeleton(text: str) -> None:
    key = name_key(text)
    assert skeleton(key) == key


@PROPERTY
@given(st.text(max_size=40))
def test_a_valid_name_has_the_key_of_its_registered_form(raw: str) -> None:
    name = raw.strip()
    if name_problem(name) is not None:
        return
    assert name_key(name) == name_key(normalize_name(name))
    assert name_key(unicodedata.normalize("NFD", name)) == name_key(name)


@PROPERTY
@given(st.lists(st.sampled_from(sorted(chr(cp) for cp in data().mappings)), min_size=1, max_size=8))
def test_the_skeleton_of_confusables_is_idempotent(letters: list[str]) -> None:
    """Text made only of mapped characters, which random text seldom hits."""
    once = skeleton("".join(letters))
    assert skeleton(once) == once


# --- invisible fillers -------------------------------------------------------------------------

FILLERS = {
    "hangul choseong filler": "\u115f",
    "hangul jungseong filler": "\u1160",
    "braille pattern blank": "\u2800",
    "hangul filler": "\u3164",
    "halfwidth hangul filler": "\uffa0",
}
OTHER_IGNORABLES = {
    "combining grapheme joiner": "\u034f",
    "khmer inherent aq": "\u17b4",
    "mongolian fvs1": "\u180b",
    "variation selector 16": "\ufe0f",
    "variation selector 17": "\U000e0100",
}


@pytest.mark.parametrize(
    "filler", [*FILLERS.values(), *OTHER_IGNORABLES.values()], ids=[*FILLERS, *OTHER_IGNORABLES]
)
@pytest.mark.parametrize("where", ["alone", "inside", "around"])
def test_an_invisible_filler_makes_a_name_invalid(filler: str, where: str) -> None:
    raw = {"alone": filler, "inside": f"An{filler}na", "around": f"{filler}Anna{filler}"}[where]
    problem = name_problem(raw)
    assert problem == f"the name contains the invisible or control character U+{ord(filler):04X}"
    with pytest.raises(ProtocolError) as info:
        validate_name(raw)
    assert info.value.code == ErrorCode.NAME_INVALID


def test_fillers_are_letters_and_symbols_not_format_characters() -> None:
    """Why they need a list of their own: no category rule catches them."""
    assert {unicodedata.category(ch) for ch in FILLERS.values()} == {"Lo", "So"}


# --- the table ----------------------------------------------------------------------------------


def test_the_shipped_table_is_loaded() -> None:
    table = data()
    assert len(table.mappings) > 6000
    assert table.version.split(".")[0].isdigit()
    assert table.mappings[ord(CYRILLIC_A)] == "A"
    assert table.mappings[ord("m")] == "rn"
    assert confusables_file().is_file()


def test_the_shipped_file_keeps_unicodes_header_and_licence() -> None:
    header = [line for line in confusables_file().read_text(encoding="utf-8").splitlines() if line[:1] == "#"]
    assert header[0] == "# confusables.txt"
    assert any(line.startswith("# Date:") for line in header)
    assert any("Unicode" in line and "©" in line for line in header)
    assert "# UNICODE LICENSE V3" in header
    assert any("make_confusables.py" in line for line in header)


def test_a_missing_table_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shared.confusables, "confusables_file", lambda: tmp_path / "none.txt")
    data.cache_clear()
    try:
        with pytest.raises(ConfusablesError, match=r"none\.txt"):
            skeleton("anna")
    finally:
        monkeypatch.undo()
        data.cache_clear()
    assert skeleton("m") == "rn"  # the real table again


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# Version: 18.0.0\n",  # no mapping
        "0041\t0061\n",  # no version
        "# Version: 18.0.0\n0041 0061\n",  # a space for the tab
        "# Version: 18.0.0\nZZZZ\t0061\n",
        "# Version: 18.0.0\n0041\t110000\n",  # beyond Unicode
        "# Version: 18.0.0\n0041\t0061\n\n",  # a blank line: not what the generator writes
    ],
)
def test_a_damaged_table_fails_loudly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "confusables.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfusablesError):
        read(path)


def test_a_table_in_the_generators_format_is_read(tmp_path: Path) -> None:
    path = tmp_path / "confusables.txt"
    path.write_text("# c\n# Version: 99.0.0\n#\n0031\t006C\n006D\t0072 006E\n", encoding="utf-8")
    assert read(path) == ("99.0.0", {0x31: "l", 0x6D: "rn"})
