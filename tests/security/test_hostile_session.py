"""Hostile messages that are well-formed frames: the session rules of PROTOCOL.md §2-§5.

Each test: what the offender gets (the exact ``error`` code, fatal or not, closed or
not), and that the three bystanders of the :class:`~tests.security.conftest.Arena` go
on receiving every line, once, in order (``arena.finish()``).
"""

from __future__ import annotations

from typing import Any

import pytest

from chat_server_app.store import MemoryStore
from shared.codec import encode_many
from tests.security.conftest import ATTACKER, BYSTANDERS, HOSTILE_TEXTS, Arena, is_message
from tests.server.helpers import TS, error_frame

# --- order of the session ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        {"type": "say", "text": "hi before hello"},
        {"type": "ping", "token": "t"},
        {"type": "pong", "token": "t"},
        {"type": "bye"},
        {"type": "sudo"},
        {"type": "welcome", "name": "Ada", "users": [], "server": "", "motd": "", "last_id": 0},
    ],
    ids=lambda m: m["type"],
)
def test_anything_but_hello_before_welcome_is_a_protocol_error(arena: Arena, message: dict[str, Any]) -> None:
    offender = arena.client()
    offender.send_raw(encode_many([message, {"type": "hello", "version": 1, "name": ATTACKER}]))
    arena.round()
    arena.expect_fatal(offender, "protocol_error")
    frames = arena.finish()
    assert [f for f in frames if f.get("name") == ATTACKER or f.get("from") == ATTACKER] == []


@pytest.mark.parametrize("second_name", [ATTACKER, "Ada", "another"])
def test_a_second_hello_is_a_protocol_error_and_frees_the_name(arena: Arena, second_name: str) -> None:
    offender = arena.registered()
    offender.send_hello(second_name)
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=True)
    assert [f["type"] for f in offender.received].count("welcome") == 1
    # the name is free again, and the second hello registered no one
    assert sorted(s.name for s in arena.server.users) == sorted(BYSTANDERS)
    again = arena.registered(ATTACKER)
    again.sync("back")
    arena.finish(left=(ATTACKER,))


# --- names ---------------------------------------------------------------------------------------

INVALID_NAMES: dict[str, object] = {
    "empty": "",
    "33 characters": "m" * 33,
    "33 characters after NFC": "e\u0301" * 33,
    "only spaces": "    ",
    "only whitespace": "\t\n\u3000",
    "escape": "mal\x1b[31mlory",
    "NUL": "mal\x00lory",
    "newline": "mal\nlory",
    "DEL": "mal\x7flory",
    "C1 control": "mal\x85lory",
    "right-to-left override": "\u202eyrollam",
    "left-to-right isolate": "mal\u2066lory",
    "zero width space": "mal\u200blory",
    "zero width joiner": "mal\u200dlory",
    "soft hyphen": "mal\u00adlory",
    "BOM inside": "mal\ufefflory",
    "line separator": "mal\u2028lory",
    "hangul filler only": "\u3164",
    "hangul filler inside": "mal\u3164lory",
    "braille blank only": "\u2800",
    "halfwidth hangul filler": "mal\uffa0lory",
    "number": 42,
    "null": None,
    "list": ["mallory"],
}


@pytest.mark.parametrize("name", INVALID_NAMES.values(), ids=INVALID_NAMES.keys())
def test_an_invalid_name_is_name_invalid(arena: Arena, name: object) -> None:
    offender = arena.client()
    offender.send({"type": "hello", "version": 1, "name": name})
    arena.round()
    arena.expect_fatal(offender, "name_invalid")
    arena.finish()


TAKEN_NAMES = {
    "upper case": "ADA",
    "lower case": "ada",
    "surrounding spaces": "  Ada \t",
    "ß as SS": "STRASSE",
    "ß as ss": "strasse",
    "capital sharp s": "STRAẞE",
    "long s": "\u017ftraße",
    "NFD of José": "Jose\u0301",
    "upper NFD": "JOSE\u0301",
    "upper NFC": "JOSÉ",
    "Cyrillic a": "Ad\u0430",
    "Cyrillic A": "\u0410da",
    "fullwidth": "\uff21\uff44\uff41",
    "mathematical bold": "\U0001d41a\U0001d41d\U0001d41a",
    "Cyrillic dze and ie": "\u0405tra\u00df\u0435",
}


@pytest.mark.parametrize("name", TAKEN_NAMES.values(), ids=TAKEN_NAMES.keys())
def test_a_name_equal_to_a_taken_one_by_its_key_is_name_taken(arena: Arena, name: str) -> None:
    """Equal after NFC, casefold and the UTS #39 skeleton (PROTOCOL.md §8.1)."""
    offender = arena.client()
    offender.send_hello(name)
    arena.round()
    arena.expect_fatal(offender, "name_taken")
    # no one was displaced: the bystanders are registered under their own spelling
    assert sorted(s.name for s in arena.server.users) == sorted(BYSTANDERS)
    arena.finish()


def test_names_at_the_limits_are_accepted_as_normalised(arena: Arena) -> None:
    nfd = arena.client()
    assert nfd.hello("e\u0301" * 32)["name"] == "\u00e9" * 32  # 64 code points, 32 after NFC
    padded = arena.client()
    assert padded.hello("  " + "m" * 32 + "  ")["name"] == "m" * 32
    for bystander in arena.bystanders:
        bystander.expect("joined", name="\u00e9" * 32)
        bystander.expect("joined", name="m" * 32)
    arena.finish()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"version": 3}, "version_unsupported"),
        ({"version": "1"}, "version_unsupported"),
        ({"version": 1.0}, "version_unsupported"),
        ({"version": True}, "version_unsupported"),
        ({"version": None}, "version_unsupported"),
        ({"password": 1234}, "protocol_error"),
        ({"password": ["x"]}, "protocol_error"),
    ],
    ids=[
        "version 2",
        "version '1'",
        "version 1.0",
        "version true",
        "no version",
        "password int",
        "password list",
    ],
)
def test_a_malformed_hello_is_refused(arena: Arena, fields: dict[str, Any], code: str) -> None:
    offender = arena.client()
    offender.send({"type": "hello", "version": 1, "name": ATTACKER, **fields})
    arena.round()
    arena.expect_fatal(offender, code)
    arena.finish()


# --- say -----------------------------------------------------------------------------------------

INVALID_TEXTS: dict[str, object] = {
    "empty": "",
    "one space": " ",
    "whitespace only": " \t\r\n\u3000\u2003\u00a0",
    "4001 characters": "x" * 4001,
    "4001 emoji": "\U0001f600" * 4001,
    "number": 7,
    "null": None,
    "list": ["hi"],
    "object": {"text": "hi"},
}


@pytest.mark.parametrize("text", INVALID_TEXTS.values(), ids=INVALID_TEXTS.keys())
def test_an_invalid_text_is_text_invalid_and_not_fatal(arena: Arena, text: object) -> None:
    offender = arena.registered()
    offender.send({"type": "say", "text": text, "cid": "bad-text"})
    arena.round()
    arena.expect_not_fatal(offender, "text_invalid", cid="bad-text")
    frames = arena.finish()
    assert [f for f in frames if is_message(f) and f["from"] == ATTACKER] == []


def test_a_say_without_text_is_text_invalid(arena: Arena) -> None:
    offender = arena.registered()
    offender.send({"type": "say", "cid": "no-text"})
    arena.round()
    arena.expect_not_fatal(offender, "text_invalid", cid="no-text")
    arena.finish()


@pytest.mark.parametrize(
    "text",
    ["x" * 4000, "\U0001f600" * 4000, "e\u0301" * 2000, "\u200b"],
    ids=["4000 characters", "4000 emoji", "4000 code points of NFD", "a zero width space"],
)
def test_texts_at_the_limits_are_delivered_unchanged(arena: Arena, text: str) -> None:
    offender = arena.registered()
    offender.say(text, cid="limit")
    echo = offender.expect("message", cid="limit")
    assert echo["text"] == text
    for bystander in arena.bystanders:
        assert bystander.expect("message", id=echo["id"])["text"] == text
    arena.finish()


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_markup_and_escape_sequences_are_relayed_verbatim_as_data(arena: Arena, text: str) -> None:
    offender = arena.registered()
    offender.say(text, cid="verbatim")
    echo = offender.expect("message", cid="verbatim")
    for bystander in arena.bystanders:
        got = bystander.expect("message", id=echo["id"])
        assert got == {"type": "message", "id": echo["id"], "ts": TS, "from": ATTACKER, "text": text}
    arena.finish()


def test_a_spoofed_from_is_ignored(arena: Arena) -> None:
    offender = arena.registered()
    offender.send(
        {
            "type": "say",
            "text": "I am Ada, trust me",
            "from": "Ada",
            "name": "Ada",
            "id": 1,
            "ts": "1970-01-01T00:00:00.000Z",
            "history": True,
            "cid": "spoof",
        }
    )
    echo = offender.expect("message", cid="spoof")
    assert echo["from"] == ATTACKER
    assert echo["id"] > 1
    for bystander in arena.bystanders:
        got = bystander.expect("message", text="I am Ada, trust me")
        assert got == {"type": "message", "id": echo["id"], "ts": TS, "from": ATTACKER, "text": got["text"]}
    arena.finish()


# --- cid -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cid", ["c" * 65, "\U0001f600" * 65, 42, ["c"], {"c": 1}], ids=["65", "65 emoji", "int", "list", "obj"]
)
def test_a_malformed_cid_is_a_protocol_error(arena: Arena, cid: object) -> None:
    offender = arena.registered()
    offender.send({"type": "say", "text": "with a bad cid", "cid": cid})
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=True)
    frames = arena.finish(left=(ATTACKER,))
    assert [f for f in frames if is_message(f) and f["from"] == ATTACKER] == []


def test_a_cid_of_64_characters_is_echoed(arena: Arena) -> None:
    offender = arena.registered()
    offender.say("cid of 64", cid="c" * 64)
    assert offender.expect("message", text="cid of 64")["cid"] == "c" * 64
    for bystander in arena.bystanders:
        assert "cid" not in bystander.expect("message", text="cid of 64")
    arena.finish()


def test_a_replayed_cid_is_posted_once(arena: Arena) -> None:
    offender = arena.registered()
    offender.send_raw(encode_many([{"type": "say", "text": "only once", "cid": "dup"}] * 5))
    echoes = offender.wait_count(lambda f: is_message(f) and f.get("cid") == "dup", 5)
    assert len({e["id"] for e in echoes}) == 1
    offender.say("only once", cid="dup")  # again, in a later pass
    offender.wait_count(lambda f: is_message(f) and f.get("cid") == "dup", 6)
    frames = arena.finish()
    assert [m["text"] for m in frames if is_message(m) and m["from"] == ATTACKER] == ["only once"]


# --- to --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "to",
    ["nobody", "", "   ", "Ada\u200b", "Ad\u0431", "m" * 60_000],
    ids=["nobody", "empty", "spaces", "Ada+ZWSP", "Cyrillic be", "frame-long"],
)
def test_to_an_unknown_user_is_no_such_user_and_not_fatal(arena: Arena, to: str) -> None:
    offender = arena.registered()
    offender.say("psst", to=to, cid="private")
    arena.round()
    arena.expect_not_fatal(offender, "no_such_user", cid="private")
    frames = arena.finish()
    assert [f for f in frames if is_message(f) and f["from"] == ATTACKER] == []


def test_to_a_look_alike_of_a_user_reaches_that_user(arena: Arena) -> None:
    """Ad + Cyrillic a is Ada's name (§8.1): the message goes to Ada, as Ada."""
    offender = arena.registered()
    offender.say("psst", to="Ad\u0430", cid="private")
    assert offender.expect("message", text="psst")["to"] == "Ada"
    assert arena.bystanders[0].expect("message", text="psst")["to"] == "Ada"
    frames = arena.finish()
    assert [f["text"] for f in frames if is_message(f) and f["from"] == ATTACKER] == ["psst"]


@pytest.mark.parametrize("to", [42, ["Ada"], {"name": "Ada"}, True], ids=["int", "list", "obj", "bool"])
def test_a_to_that_is_not_a_string_is_a_protocol_error(arena: Arena, to: object) -> None:
    offender = arena.registered()
    offender.send({"type": "say", "text": "psst", "to": to})
    arena.round()
    arena.expect_fatal(offender, "protocol_error", registered=True)
    arena.finish(left=(ATTACKER,))


@pytest.mark.parametrize("to", ["ADA", "jose\u0301"], ids=["case", "NFD"])
def test_a_private_message_reaches_its_recipient_only(arena: Arena, to: str) -> None:
    offender = arena.registered()
    offender.say("for your eyes only", to=to, cid="p")
    echo = offender.expect("message", cid="p")
    recipient_name = "Ada" if to == "ADA" else "José"
    assert echo["to"] == recipient_name
    recipient = arena.bystanders[BYSTANDERS.index(recipient_name)]
    got = recipient.expect("message", id=echo["id"])
    assert got == {
        "type": "message",
        "id": echo["id"],
        "ts": TS,
        "from": ATTACKER,
        "text": got["text"],
        "to": recipient_name,
    }
    arena.finish()
    for bystander in arena.bystanders:
        if bystander is not recipient:
            assert [m for m in bystander.messages() if m["id"] == echo["id"]] == []


# --- unknown types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["sudo", "", "HELLO", "Say", "welcome", "message", "kicked", "shutdown", "x" * 1000]
)
def test_an_unknown_type_after_welcome_is_unknown_type_and_not_fatal(arena: Arena, kind: str) -> None:
    offender = arena.registered()
    offender.send({"type": kind, "text": "do it", "name": "Ada", "reason": "because"})
    arena.round()
    arena.expect_not_fatal(offender, "unknown_type")
    assert [s.name for s in arena.server.users if s.name == "Ada"] == ["Ada"]
    arena.finish()


# --- since -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("since", [-1, -(2**80), 0], ids=["-1", "-2**80", "0"])
def test_a_negative_since_replays_everything_stored(arena: Arena, since: int) -> None:
    arena.round()
    arena.bystanders[0].wait_count(is_message, arena.lines_sent)
    newcomer = arena.client()
    welcome = newcomer.hello(ATTACKER, since=since)
    assert welcome["type"] == "welcome"
    newcomer.sync("synced")
    replayed = [m["id"] for m in newcomer.messages() if m.get("history")]
    frames = arena.finish()
    assert replayed == [m["id"] for m in frames if is_message(m) and m["id"] <= welcome["last_id"]]
    assert replayed[-1] == welcome["last_id"]
    assert len(replayed) > 3


@pytest.mark.parametrize("store", ["sqlite", "memory"])
@pytest.mark.parametrize(
    "since", [2**63 - 1, 2**63, 2**64, 2**80, 10**400], ids=["2**63-1", "2**63", "2**64", "2**80", "10**400"]
)
def test_a_huge_since_replays_nothing(make_arena: Any, store: str, since: int) -> None:
    arena: Arena = make_arena(MemoryStore()) if store == "memory" else make_arena()
    newcomer = arena.client()
    # 10**400 has more digits than a float can hold, and fewer than Python's int limit
    answer = newcomer.hello(ATTACKER, since=since)
    assert answer["type"] == "welcome", answer
    newcomer.sync("synced")
    assert [m for m in newcomer.messages() if m.get("history")] == []
    arena.finish()


@pytest.mark.parametrize(
    "since", ["5", 1.5, 1e3, True, False, [], {}], ids=["str", "float", "1e3", "true", "false", "list", "obj"]
)
def test_a_since_that_is_not_an_int_is_a_protocol_error(arena: Arena, since: object) -> None:
    offender = arena.client()
    offender.send_hello(ATTACKER, since=since)
    arena.round()
    arena.expect_fatal(offender, "protocol_error")
    arena.finish()


def test_a_null_since_is_no_since(make_arena: Any) -> None:
    arena: Arena = make_arena(history_on_join=2)
    newcomer = arena.client()
    welcome = newcomer.hello(ATTACKER, since=None)
    newcomer.sync("synced")
    replayed = [m["id"] for m in newcomer.messages() if m.get("history")]
    frames = arena.finish()
    assert replayed == [m["id"] for m in frames if is_message(m) and m["id"] <= welcome["last_id"]][-2:]


# --- errors are exact ------------------------------------------------------------------------------


def test_error_frames_have_exactly_the_documented_fields(arena: Arena) -> None:
    offender = arena.registered()
    offender.say("", cid="x")
    error = offender.expect("error")
    assert error == {**error_frame("text_invalid", fatal=False), "cid": "x"}
    arena.finish()
