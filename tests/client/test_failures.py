"""chat_client_app/failures.py: each failure kind as one sentence, and which are final."""

from __future__ import annotations

import pytest

from chat_client_app.failures import FATAL_FOR_RETRY, FailureKind, describe_failure
from shared.errors import ErrorCode

ADDRESS = "lab.example:5050"


def describe(kind: str, *, password_given: bool = False, detail: str = "") -> str:
    return describe_failure(kind, name="anna", address=ADDRESS, password_given=password_given, detail=detail)


OWN_SENTENCES = [*FailureKind, ErrorCode.NAME_TAKEN, ErrorCode.NAME_INVALID, ErrorCode.AUTH_FAILED]


@pytest.mark.parametrize("kind", OWN_SENTENCES)
def test_every_kind_has_a_sentence_of_its_own(kind: str) -> None:
    text = describe(kind)
    assert text
    assert text != describe("something_else")  # not the fallback


def test_each_kind_says_something_different() -> None:
    kinds = [*FailureKind, ErrorCode.NAME_TAKEN, ErrorCode.NAME_INVALID, ErrorCode.VERSION_UNSUPPORTED]
    sentences = [describe(kind) for kind in kinds]
    assert len(set(sentences)) == len(sentences)


def test_the_sentence_names_the_address_or_the_name() -> None:
    assert ADDRESS in describe(FailureKind.REFUSED)
    assert "anna" in describe(ErrorCode.NAME_TAKEN)


def test_a_missing_password_is_told_apart_from_a_wrong_one() -> None:
    assert describe(ErrorCode.AUTH_FAILED, password_given=False) != describe(
        ErrorCode.AUTH_FAILED, password_given=True
    )


def test_a_plain_string_from_the_wire_reads_like_its_member() -> None:
    assert describe("name_taken") == describe(ErrorCode.NAME_TAKEN)
    assert describe("refused") == describe(FailureKind.REFUSED)


def test_an_unknown_kind_still_gives_a_sentence_with_the_detail() -> None:
    assert "boom" in describe("from_a_newer_server", detail="boom")
    assert "from_a_newer_server" in describe("from_a_newer_server")


def test_only_what_the_user_must_change_stops_the_retries() -> None:
    assert {
        ErrorCode.AUTH_FAILED,
        ErrorCode.NAME_INVALID,
        ErrorCode.VERSION_UNSUPPORTED,
        ErrorCode.NAME_RESERVED,
        ErrorCode.BANNED,
        FailureKind.TLS_UNTRUSTED,
        FailureKind.TLS_CHANGED,
        FailureKind.TLS_EXPECTED,  # only the user can tick or untick the box
        FailureKind.TLS_UNEXPECTED,
    } == FATAL_FOR_RETRY
    assert "auth_failed" in FATAL_FOR_RETRY  # the wire's string finds its member
    assert FailureKind.REFUSED not in FATAL_FOR_RETRY
