"""Names and message text (PROTOCOL.md §5 and its "precise readings")."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import ErrorCode, ProtocolError
from shared.limits import NAME_MAX_CHARS, TEXT_MAX_CHARS
from shared.validation import (
    name_key,
    name_problem,
    normalize_name,
    text_problem,
    validate_name,
    validate_text,
)

PROPERTY = settings(max_examples=200, deadline=None)

E_ACUTE_NFD = "e\u0301"  # two code points, one 'é' after NFC
E_ACUTE_NFC = "\u00e9"
EMOJI = "\U0001f600"  # one astral code point, 4 bytes of UTF-8, 2 UTF-16 units

# --- names: valid ----------------------------------------------------------------------

VALID_NAMES: dict[str, tuple[str, str]] = {
    "ascii": ("Anna", "Anna"),
    "inner space": ("Anna Maria", "Anna Maria"),
    "trimmed spaces": ("  Anna  ", "Anna"),
    "trimmed tab and newline": ("\tAnna\n", "Anna"),
    "trimmed unicode spaces": ("\u3000\u00a0Anna\u2003", "Anna"),
    "nfd becomes nfc": ("Zoe\u0308", "Zo\u00eb"),
    "one character": ("x", "x"),
    "32 ascii": ("a" * 32, "a" * 32),
    "32 precomposed é": (E_ACUTE_NFC * 32, E_ACUTE_NFC * 32),
    "32 é as e + combining accent": (E_ACUTE_NFD * 32, E_ACUTE_NFC * 32),
    "32 after trimming": ("   " + "b" * 32 + "   ", "b" * 32),
    "32 astral": (EMOJI * 32, EMOJI * 32),
    "cjk": ("日本語の名前", "日本語の名前"),
    "right to left script": ("\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"),
    "punctuation": ("o'brien-2.0_(x)", "o'brien-2.0_(x)"),
    "html is just characters": ("<b>bob</b>", "<b>bob</b>"),
}


@pytest.mark.parametrize(("raw", "expected"), list(VALID_NAMES.values()), ids=list(VALID_NAMES))
def test_valid_name(raw: str, expected: str) -> None:
    assert name_problem(raw) is None
    assert normalize_name(raw) == expected
    assert validate_name(raw) == expected
    assert 1 <= len(expected) <= NAME_MAX_CHARS


def test_name_length_counts_code_points_after_nfc() -> None:
    assert len(E_ACUTE_NFD * 32) == 64  # 64 code points before NFC, still a valid name
    assert validate_name(E_ACUTE_NFD * 32) == E_ACUTE_NFC * 32
    assert NAME_MAX_CHARS == 32


# --- names: invalid ----------------------------------------------------------------------

INVALID_NAMES: dict[str, object] = {
    "empty": "",
    "one space": " ",
    "spaces only": "     ",
    "tabs and newlines only": "\t\n\r\n\t",
    "unicode spaces only": "\u00a0\u3000\u2003\u205f",
    "line separator only": "\u2028",
    "33 ascii": "a" * 33,
    "33 precomposed é": E_ACUTE_NFC * 33,
    "33 é as e + combining accent": E_ACUTE_NFD * 33,
    "33 astral": EMOJI * 33,
    "inner tab": "Anna\tMaria",
    "inner newline": "Anna\nMaria",
    "inner carriage return": "Anna\rMaria",
    "nul": "An\x00na",
    "bell": "An\x07na",
    "delete": "An\x7fna",
    "c1 control": "An\x9bna",
    "next line (c1)": "An\x85na",
    "esc": "\x1b",
    "terminal escape": "\x1b[31mAnna\x1b[0m",
    "zero width space": "An\u200bna",
    "zero width space only": "\u200b",
    "zero width non-joiner": "An\u200cna",
    "zero width joiner": "An\u200dna",
    "left-to-right mark": "Anna\u200e",
    "right-to-left mark": "\u200fAnna",
    "arabic letter mark": "Anna\u061c",
    "lre": "\u202aAnna",
    "rle": "\u202bAnna",
    "pdf": "Anna\u202c",
    "lro": "\u202dAnna",
    "rlo": "\u202eanna.exe",
    "lri": "\u2066Anna\u2069",
    "rli": "\u2067Anna",
    "fsi": "\u2068Anna",
    "pdi": "Anna\u2069",
    "word joiner": "An\u2060na",
    "bom / zwnbsp": "\ufeffAnna",
    "soft hyphen": "An\u00adna",
    "inner line separator": "Anna\u2028Maria",
    "inner paragraph separator": "Anna\u2029Maria",
    "lone surrogate": "An\ud800na",
    "none": None,
    "int": 42,
    "bytes": b"Anna",
    "list": ["Anna"],
}


@pytest.mark.parametrize("raw", list(INVALID_NAMES.values()), ids=list(INVALID_NAMES))
def test_invalid_name(raw: object) -> None:
    problem = name_problem(raw)
    assert isinstance(problem, str)
    assert problem
    with pytest.raises(ProtocolError) as info:
        validate_name(raw)
    assert info.value.code == ErrorCode.NAME_INVALID
    assert info.value.fatal
    assert info.value.message == problem


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty"),
        ("a" * 33, "32"),
        ("An\u202ena", "U+202E"),
        ("An\u200bna", "U+200B"),
        ("\ufeffAnna", "U+FEFF"),
        (3, "string"),
    ],
)
def test_name_problem_says_what_is_wrong(raw: object, fragment: str) -> None:
    problem = name_problem(raw)
    assert problem is not None
    assert fragment in problem


@PROPERTY
@given(st.text(max_size=40))
def test_a_valid_name_is_normalised_trimmed_and_stable(raw: str) -> None:
    if name_problem(raw) is not None:
        with pytest.raises(ProtocolError):
            validate_name(raw)
        return
    name = validate_name(raw)
    assert 1 <= len(name) <= NAME_MAX_CHARS
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip()
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for c in name)
    # registering the registered name again gives the same name
    assert name_problem(name) is None
    assert validate_name(name) == name


# --- name keys: case-insensitive uniqueness -------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Straße", "STRASSE"),
        ("Straße", "strasse"),
        ("Anna", "aNNA"),
        ("Anna", "ANNA"),
        ("Zo\u00eb", "Zoe\u0308"),  # NFC and NFD spellings of one name
        ("ZO\u00cb", "zoe\u0308"),  # ... and in another case
        (E_ACUTE_NFC * 32, E_ACUTE_NFD * 32),
        ("\u212bngstr\u00f6m", "\u00c5NGSTRO\u0308M"),  # ANGSTROM SIGN is canonically Å
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),  # final sigma folds like sigma
        ("ﬁsh", "FISH"),  # ligature folds to two letters
    ],
)
def test_name_keys_collide(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna", "Anne"),
        ("Anna", "Anna2"),
        ("Zoe", "Zo\u00eb"),  # an accent makes another name
        ("Ann a", "Anna"),
    ],
)
def test_name_keys_differ(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_name_key_is_idempotent_and_case_free() -> None:
    key = name_key("Straße")
    assert key == "strasse"
    assert name_key(key) == key
    assert name_key(validate_name("  Zoe\u0308 ")) == name_key("ZOË")


# --- text ------------------------------------------------------------------------------------

VALID_TEXTS: dict[str, str] = {
    "one character": "x",
    "hello": "hello world",
    "4000 ascii": "a" * 4000,
    "4000 astral emoji": EMOJI * 4000,
    "surrounding spaces kept": "  hi  ",
    "newlines kept": "line 1\nline 2\n",
    "html kept verbatim": "<script>alert('x')</script> &amp; <b>bold</b>",
    "terminal escapes kept verbatim": "\x1b[31mred\x1b[0m \x1b]0;title\x07 \r\x1b[2J",
    "bidi controls kept verbatim": "\u202eabc\u202c",
    "nfd not normalised": "Zoe\u0308",
    "2000 e + combining accent (4000 code points)": E_ACUTE_NFD * 2000,
    "one letter among spaces": "   \u3000x\u3000   ",
}


@pytest.mark.parametrize("text", list(VALID_TEXTS.values()), ids=list(VALID_TEXTS))
def test_valid_text_is_returned_unchanged(text: str) -> None:
    assert text_problem(text) is None
    assert validate_text(text) is text


INVALID_TEXTS: dict[str, object] = {
    "empty": "",
    "one space": " ",
    "spaces": "     ",
    "tabs and newlines": "\t\n\r\n",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000\u3000",
    "em and thin spaces": "\u2003\u2009\u200a",
    "ogham space": "\u1680",
    "line and paragraph separators": "\u2028\u2029",
    "next line": "\x85",
    "file/group/record/unit separators": "\x1c\x1d\x1e\x1f",
    "vertical tab and form feed": "\x0b\x0c",
    "4001 ascii": "a" * 4001,
    "4001 astral emoji": EMOJI * 4001,
    "2001 e + combining accent (4002 code points)": E_ACUTE_NFD * 2001,
    "none": None,
    "int": 7,
    "bytes": b"hello",
    "list": ["hello"],
}


@pytest.mark.parametrize("text", list(INVALID_TEXTS.values()), ids=list(INVALID_TEXTS))
def test_invalid_text(text: object) -> None:
    problem = text_problem(text)
    assert isinstance(problem, str)
    assert problem
    with pytest.raises(ProtocolError) as info:
        validate_text(text)
    assert info.value.code == ErrorCode.TEXT_INVALID
    assert not info.value.fatal
    assert info.value.message == problem


def test_text_limit_counts_code_points_not_bytes_or_utf16_units() -> None:
    assert TEXT_MAX_CHARS == 4000
    text = EMOJI * 4000
    assert len(text.encode("utf-8")) == 16000
    assert len(text.encode("utf-16-le")) // 2 == 8000
    assert validate_text(text) == text
    assert "4000" in (text_problem(text + "a") or "")


@PROPERTY
@given(st.text(max_size=50))
def test_text_rule_is_length_and_not_only_whitespace(text: str) -> None:
    expected_ok = 1 <= len(text) <= TEXT_MAX_CHARS and not text.isspace()
    assert (text_problem(text) is None) == expected_ok
