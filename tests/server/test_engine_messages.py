"""Chat traffic (PROTOCOL.md §1, §3-§6): framing violations, unknown types, text rules,
private messages, ``cid`` echo and de-duplication, ``from``, ordering, ping/pong, the
operator's read-only switch and notices, stop, and the history store."""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.core import cid_filter
from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore, StoredMessage
from shared.codec import encode, encode_many, encode_payload
from shared.limits import CID_MEMORY_SECONDS
from tests.server.helpers import TEXT, TS, ChatClient, RawSocket, error_frame, strip_extensions

pytestmark = pytest.mark.usefixtures("read_path")  # every test on both read paths

Join = Callable[..., ChatClient]
MakeClient = Callable[[ChatServer], ChatClient]
MakeServer = Callable[..., ChatServer]


ALICE = "alice-token-" + "a" * 20


def message(id_: int, sender: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "id": id_, "ts": TS, "from": sender, "text": text, **extra}


def errors_of(client: ChatClient) -> list[dict[str, Any]]:
    return [strip_extensions(e, "cid") for e in client.of_type("error")]


@pytest.fixture
def trio(server: ChatServer, join: Join) -> tuple[ChatClient, ChatClient, ChatClient]:
    """alice, bob and carla, registered in that order, each having seen the others join."""
    alice = join(server, "alice")
    bob = join(server, "bob")
    carla = join(server, "carla")
    alice.expect("joined", name="carla")
    bob.expect("joined", name="carla")
    return alice, bob, carla


# --- framing violations (§1) ---------------------------------------------------------------


def header(length: int) -> bytes:
    return struct.pack(">I", length)


VIOLATIONS = [
    pytest.param(header(0), "protocol_error", id="length-0"),
    pytest.param(header(65537), "frame_too_large", id="length-max-frame-plus-1"),
    pytest.param(header(0xFFFFFFFF), "frame_too_large", id="length-4GiB"),
    pytest.param(header(9) + b"not json!", "protocol_error", id="not-json"),
    pytest.param(header(2) + b"\xff\xfe", "protocol_error", id="not-utf8"),
    pytest.param(header(7) + b"[1,2,3]", "protocol_error", id="array"),
    pytest.param(header(2) + b"{}", "protocol_error", id="no-type"),
    pytest.param(header(10) + b'{"type":1}', "protocol_error", id="type-not-string"),
    pytest.param(header(16) + b'\xef\xbb\xbf{"type":"ping"}', "protocol_error", id="bom"),
    pytest.param(header(4) + b"NaN ", "protocol_error", id="nan"),
]


@pytest.mark.parametrize(("data", "code"), VIOLATIONS)
def test_a_framing_violation_after_welcome_is_fatal_and_others_are_unaffected(
    trio: tuple[ChatClient, ChatClient, ChatClient], data: bytes, code: str
) -> None:
    alice, bob, carla = trio
    bob.send_raw(data)
    bob.wait_closed()
    assert errors_of(bob) == [error_frame(code, fatal=True)]
    assert bob.received[-1]["type"] == "error"
    for other in (alice, carla):
        left = other.expect("left", name="bob")
        assert left == {"type": "left", "name": "bob", "ts": TS, "reason": "disconnected"}
    alice.say("still chatting")
    assert carla.expect("message", text="still chatting") == message(1, "alice", "still chatting")
    assert alice.of_type("error") == []
    assert carla.of_type("error") == []


@pytest.mark.parametrize(("data", "code"), VIOLATIONS)
def test_a_framing_violation_before_hello_is_fatal(
    server: ChatServer, make_client: MakeClient, join: Join, data: bytes, code: str
) -> None:
    alice = join(server, "alice")
    client = make_client(server)
    client.send_raw(data)
    client.wait_closed()
    assert client.received == [error_frame(code, fatal=True)]
    alice.sync("unaffected")
    assert [f["type"] for f in alice.received] == ["welcome", "message"]


def test_frame_of_exactly_max_frame_is_accepted(make_server: MakeServer, join: Join) -> None:
    server = make_server(max_frame=2048)
    alice = join(server, "alice")
    base = len(encode_payload({"type": "say", "text": "x", "pad": ""}))
    data = encode({"type": "say", "text": "x", "pad": "p" * (2048 - base)})
    assert len(data) == 4 + 2048
    alice.send_raw(data)
    alice.expect("message", text="x")


def test_frame_one_over_a_custom_max_frame_is_frame_too_large(make_server: MakeServer, join: Join) -> None:
    server = make_server(max_frame=2048)
    alice = join(server, "alice")
    data = encode({"type": "say", "text": "x", "pad": "p" * 2048})
    alice.send_raw(data)
    alice.wait_closed()
    assert errors_of(alice) == [error_frame("frame_too_large", fatal=True)]


def test_a_header_over_max_frame_is_refused_before_its_payload_arrives(
    server: ChatServer, join: Join
) -> None:
    alice = join(server, "alice")
    alice.send_raw(header(10_000_000))  # none of the 10 MB follows: the server must not wait for it
    alice.wait_closed()
    assert errors_of(alice) == [error_frame("frame_too_large", fatal=True)]


def test_frames_before_a_violation_in_the_same_write_are_handled(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    bob.send_raw(encode({"type": "say", "text": "last words"}) + header(0))
    bob.wait_closed()
    assert alice.expect("message", text="last words")["from"] == "bob"
    assert alice.expect("left", name="bob")["reason"] == "disconnected"


def test_a_frame_split_at_every_byte_is_reassembled(server: ChatServer, join: Join, qtbot: QtBot) -> None:
    alice = join(server, "alice")
    data = encode_many([{"type": "say", "text": "slowly"}, {"type": "ping", "token": "p"}])

    def server_has_read(count: int) -> Callable[[], bool]:
        return lambda: server.bytes_in == count

    for i in range(len(data)):
        wanted = server_has_read(server.bytes_in + 1)
        alice.send_raw(data[i : i + 1])
        qtbot.waitUntil(wanted, timeout=1000)
    alice.expect("message", text="slowly")
    assert alice.expect("pong") == {"type": "pong", "token": "p"}


# --- unknown types and fields ----------------------------------------------------------------


@pytest.mark.parametrize("type_", ["dance", "welcome", "message", "SAY", ""])
def test_unknown_type_is_a_non_fatal_error(server: ChatServer, join: Join, type_: str) -> None:
    alice = join(server, "alice")
    alice.send({"type": type_, "text": "x"})
    error = alice.expect("error")
    assert error == error_frame("unknown_type", fatal=False)
    alice.sync("still here")
    assert alice.conn.is_open
    assert len(alice.of_type("error")) == 1


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"colour": "red"}, id="string"),
        pytest.param({"n": 7, "f": 1.5, "b": True, "z": None}, id="scalars"),
        pytest.param({"nested": {"a": [1, {"b": "c"}]}}, id="nested"),
        pytest.param({"big": 2**64}, id="int-beyond-64-bit"),
        pytest.param({"neg": -(2**63) - 1}, id="int-below-64-bit"),
        pytest.param({"history": True, "id": 99, "ts": "1999-01-01T00:00:00.000Z"}, id="server-fields"),
    ],
)
def test_unknown_fields_of_a_say_are_ignored(
    trio: tuple[ChatClient, ChatClient, ChatClient], extra: dict[str, Any]
) -> None:
    alice, bob, _ = trio
    alice.say("with extras", **extra)
    assert bob.expect("message", text="with extras") == message(1, "alice", "with extras")
    assert alice.of_type("error") == []


def test_unknown_fields_of_a_hello_are_ignored(server: ChatServer, make_client: MakeClient) -> None:
    answer = make_client(server).hello("alice", client="parla-bot/2", features=["x"], big=2**70)
    assert answer["type"] == "welcome"


# --- text rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "say",
    [
        pytest.param({"text": ""}, id="empty"),
        pytest.param({"text": "   "}, id="spaces"),
        pytest.param({"text": "\n\t \r\n"}, id="whitespace-mix"),
        pytest.param({"text": "\u3000\u2003"}, id="unicode-whitespace"),
        pytest.param({"text": "x" * 4001}, id="4001-chars"),
        pytest.param({"text": "\U0001f600" * 4001}, id="4001-astral"),
        pytest.param({}, id="missing"),
        pytest.param({"text": 42}, id="not-a-string"),
        pytest.param({"text": None}, id="null"),
    ],
)
def test_invalid_text_is_a_non_fatal_error_and_the_message_is_dropped(
    trio: tuple[ChatClient, ChatClient, ChatClient], say: dict[str, Any]
) -> None:
    alice, bob, _ = trio
    alice.send({"type": "say", **say})
    assert alice.expect("error") == error_frame("text_invalid", fatal=False)
    alice.say("valid one")
    assert bob.expect("message", text="valid one")
    assert [m["text"] for m in bob.messages()] == ["valid one"]
    assert alice.conn.is_open


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x" * 4000, id="4000-ascii"),
        pytest.param("\U0001f600" * 4000, id="4000-astral-code-points"),
        pytest.param("e\u0301" * 2000, id="combining-counted-as-code-points"),
        pytest.param(" padded ", id="surrounding-spaces-kept"),
        pytest.param("line one\nline two", id="newline"),
        pytest.param("<b>not html</b> \x1b[31m", id="markup-and-escapes"),
        pytest.param("\u202eevil", id="bidi"),
        pytest.param("\ufeffleading BOM", id="leading-bom"),
        pytest.param("\ufffeleading U+FFFE", id="leading-u-fffe"),
        pytest.param("nul\x00inside", id="nul"),
    ],
)
def test_valid_text_is_relayed_unchanged(trio: tuple[ChatClient, ChatClient, ChatClient], text: str) -> None:
    alice, bob, _ = trio
    alice.say(text, cid="t")
    assert alice.expect("message", cid="t") == message(1, "alice", text, cid="t")
    assert bob.wait_for(lambda f: f["type"] == "message") == message(1, "alice", text)


# --- private messages --------------------------------------------------------------------------


def test_private_message_goes_to_recipient_and_sender_only(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, carla = trio
    alice.say("psst", to="bob", cid="p1")
    received = bob.expect("message", text="psst")
    echo = alice.expect("message", text="psst")
    assert received == message(received["id"], "alice", "psst", to="bob")
    assert echo == message(received["id"], "alice", "psst", to="bob", cid="p1")
    assert echo["ts"] == received["ts"]
    alice.say("public after")
    carla.expect("message", text="public after")
    assert carla.texts() == ["public after"]
    assert bob.texts() == ["psst", "public after"]


def test_private_message_to_a_name_in_other_case_reaches_that_user(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    alice.say("hey", to="BOB")
    assert bob.expect("message", text="hey")["to"] == "bob"


def test_private_message_to_an_unknown_user_is_no_such_user(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, carla = trio
    alice.say("hello?", to="dave", cid="n1")
    assert strip_extensions(alice.expect("error"), "cid") == error_frame("no_such_user", fatal=False)
    alice.sync("after")
    for client in (alice, bob, carla):
        assert "hello?" not in client.texts()
    assert alice.conn.is_open


@pytest.mark.parametrize("to", [5, ["bob"], {"name": "bob"}, True])
def test_a_to_that_is_not_a_string_is_a_fatal_protocol_error(
    trio: tuple[ChatClient, ChatClient, ChatClient], to: object
) -> None:
    alice, bob, _ = trio
    alice.send({"type": "say", "text": "odd", "to": to})
    alice.wait_closed()
    assert errors_of(alice) == [error_frame("protocol_error", fatal=True)]  # docs/PROTOCOL.md appendix
    assert bob.expect("left", name="alice")["reason"] == "disconnected"
    assert "odd" not in bob.texts()


def test_private_message_to_someone_who_left_is_no_such_user(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    bob.bye()
    alice.expect("left", name="bob")
    alice.say("still there?", to="bob")
    assert strip_extensions(alice.expect("error"), "cid") == error_frame("no_such_user", fatal=False)


# --- cid ------------------------------------------------------------------------------------------


def test_cid_is_echoed_only_to_the_sender(trio: tuple[ChatClient, ChatClient, ChatClient]) -> None:
    alice, bob, carla = trio
    alice.say("tracked", cid="abc-123")
    assert alice.expect("message", text="tracked") == message(1, "alice", "tracked", cid="abc-123")
    assert bob.expect("message", text="tracked") == message(1, "alice", "tracked")
    assert carla.expect("message", text="tracked") == message(1, "alice", "tracked")


def test_cid_of_64_chars_is_fine_and_65_is_refused(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.say("long cid", cid="c" * 64)
    assert alice.expect("message", text="long cid")["cid"] == "c" * 64
    alice.say("too long", cid="c" * 65)
    error = alice.expect("error")
    assert error["code"] == "protocol_error"  # docs/PROTOCOL.md appendix: a malformed field
    alice.wait_closed()


def test_a_resent_cid_is_answered_with_the_original_and_not_posted_twice(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    alice.say("once", cid="dup")
    original = alice.expect("message", cid="dup")
    alice.say("once", cid="dup")
    alice.say("a different text", cid="dup")
    alice.wait_count(lambda f: f.get("cid") == "dup", 3)
    alice.sync("marker")
    bob.expect("message", text="marker")
    assert [m for m in alice.messages() if m.get("cid") == "dup"] == [original] * 3
    assert bob.texts() == ["once", "marker"]
    assert original == message(1, "alice", "once", cid="dup")


def test_cid_de_duplication_holds_across_a_reconnect(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    alice.say("before the drop", cid="k1")
    original = alice.expect("message", cid="k1")
    alice.conn.abort()
    bob.expect("left", name="alice")
    again = join(server, "alice", since=original["id"])
    again.say("before the drop", cid="k1")
    assert again.expect("message", cid="k1") == original
    again.sync("back")
    bob.expect("message", text="back")
    assert bob.texts() == ["before the drop", "back"]


@pytest.mark.parametrize("later", [CID_MEMORY_SECONDS - 5, CID_MEMORY_SECONDS + 5, 3 * 3600, -3600])
def test_a_wall_clock_step_does_not_make_the_server_forget_a_cid(
    make_server: MakeServer,
    join: Join,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    later: float,
) -> None:
    """Ages count on the monotonic clock (issue 18): NTP or an operator setting the
    time must not let a re-send post twice. Expiry itself: tests/server/core."""
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(server, "alice")
    alice.say("first", cid="k1")
    alice.say("unrelated", cid="k2")
    original = alice.expect("message", cid="k1")
    alice.expect("message", cid="k2")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + later)  # the engine reads the clock here
    alice.say("first", cid="k1")
    echo = alice.wait_count(lambda f: f.get("cid") == "k1", 2)[1]
    assert echo == original


def test_colliding_fingerprints_are_told_apart_by_the_message_itself(
    make_server: MakeServer, join: Join, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every pair a "maybe" with one fingerprint: only the stored message can say which it is.
    monkeypatch.setattr(cid_filter, "_hash", lambda _key, _cid: 0x5EED)
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send_raw(
        encode_many([{"type": "say", "text": t, "cid": c} for t, c in [("a1", "c1"), ("a2", "c2")]])
    )
    first = anna.wait_count(lambda f: f.get("type") == "message", 2)
    bruno.say("b1", cid="c1")  # another name's cid: new
    bruno.say("private", cid="p", to="anna")
    bruno.sync("m1")
    anna.say("a1 again", cid="c1")
    anna.say("a3", cid="c3")
    bruno.say("private again", cid="p", to="anna")
    bruno.sync("m2")
    anna.sync("m3")
    assert [(m["text"], m.get("cid")) for m in anna.messages()] == [
        ("a1", "c1"), ("a2", "c2"), ("b1", None), ("private", None), ("m1", None),
        ("a1", "c1"), ("a3", "c3"), ("m2", None), ("m3", None),
    ]  # fmt: skip
    assert anna.messages()[5] == first[0]
    assert [m["text"] for m in bruno.messages() if m.get("cid") == "p"] == ["private", "private"]
    assert server.store.last_id() == 8  # a1 a2 b1 private m1 a3 m2 m3


def test_a_clock_that_ran_ahead_does_not_make_the_restart_forget_cids(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    now = time.time()
    store = SqliteStore.in_dir(tmp_path)
    ts = "2026-12-04T10:00:00.000Z"
    store.append([
        StoredMessage(1, ts, "anna", "anna", "before the crash", "x", epoch=now - 60),
        StoredMessage(2, ts, "anna", "anna", "while the clock ran ahead", "y", epoch=now + 30 * 60),
    ])  # fmt: skip
    store.close()
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    anna = join(server, "anna", since=2)
    anna.say("before the crash", cid="x")
    echo = anna.expect("message", cid="x")
    assert echo["id"] == 1
    assert server.store.last_id() == 2


def test_cid_is_per_name_so_another_user_may_use_the_same_cid(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, carla = trio
    alice.say("from alice", cid="same")
    alice.expect("message", cid="same")
    bob.say("from bob", cid="same")
    assert bob.expect("message", cid="same") == message(2, "bob", "from bob", cid="same")
    carla.expect("message", text="from bob")
    assert carla.texts() == ["from alice", "from bob"]


def test_a_say_refused_for_its_text_does_not_burn_its_cid(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.say("", cid="retry")
    alice.expect("error")
    alice.say("now with text", cid="retry")
    assert alice.expect("message", cid="retry") == message(1, "alice", "now with text", cid="retry")


def test_a_resent_private_cid_returns_the_private_original(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    alice.say("secret", to="bob", cid="pv")
    original = alice.expect("message", cid="pv")
    bob.expect("message", text="secret")
    alice.say("secret", to="bob", cid="pv")
    alice.wait_count(lambda f: f.get("cid") == "pv", 2)
    bob.sync("marker")
    assert bob.texts() == ["secret", "marker"]
    assert [m for m in alice.messages() if m.get("cid") == "pv"] == [original, original]


@pytest.mark.parametrize(
    ("say", "code", "setup"),
    [
        pytest.param({"text": "   "}, "text_invalid", None, id="text_invalid"),
        pytest.param({"text": "x", "to": "nobody"}, "no_such_user", None, id="no_such_user"),
        pytest.param({"text": "x"}, "read_only", "read_only", id="read_only"),
        pytest.param({"text": "x"}, "rate_limited", "rate", id="rate_limited"),
    ],
)
def test_an_error_answering_a_say_carries_its_cid(
    make_server: MakeServer, join: Join, say: dict[str, Any], code: str, setup: str | None
) -> None:
    """docs/PROTOCOL.md appendix: ``error.cid`` names the ``say`` that failed."""
    server = make_server(rate_burst=1, rate_per_sec=0.001)
    alice = join(server, "alice")
    if setup == "read_only":
        server.set_read_only(True)
    if setup == "rate":
        alice.say("spends the only token")
        alice.expect("message")
    alice.send({"type": "say", "cid": "the-cid", **say})
    error = alice.expect("error")
    assert error == {**error_frame(code, fatal=False), "cid": "the-cid"}


def test_replayed_own_messages_carry_their_cid(server: ChatServer, join: Join) -> None:
    """docs/PROTOCOL.md appendix: a reconnecting client matches its pending says."""
    alice = join(server, "alice", token=ALICE)
    join(server, "bob")
    alice.say("public", cid="c-pub")
    alice.say("private", cid="c-priv", to="bob")
    alice.wait_count(lambda f: f["type"] == "message", 2)
    alice.bye()
    alice.wait_closed()
    again = join(server, "alice", since=0, token=ALICE)
    again.sync("sync")
    replay = [m for m in again.messages() if m.get("history")]
    assert replay == [
        message(1, "alice", "public", cid="c-pub", history=True),
        message(2, "alice", "private", cid="c-priv", to="bob", history=True),
    ]


# --- from --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spoof", ["bob", "Server", "", 42])
def test_from_is_always_the_registered_name(
    trio: tuple[ChatClient, ChatClient, ChatClient], spoof: object
) -> None:
    alice, bob, carla = trio
    alice.send({"type": "say", "text": "it was me", "from": spoof, "cid": "f"})
    for client in (alice, bob, carla):
        assert client.expect("message", text="it was me")["from"] == "alice"


def test_from_is_the_registered_spelling_for_a_private_message(
    trio: tuple[ChatClient, ChatClient, ChatClient],
) -> None:
    alice, bob, _ = trio
    alice.send({"type": "say", "text": "pm", "to": "bob", "from": "carla"})
    assert bob.expect("message", text="pm")["from"] == "alice"


# --- ids and ordering (§6) ----------------------------------------------------------------------------


def test_ids_increase_and_every_client_sees_the_same_order(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=1000, rate_per_sec=1000)
    names = [f"user{i}" for i in range(5)]
    clients = [join(server, name) for name in names]
    clients[0].wait_count(lambda f: f["type"] == "joined", 4)
    for round_ in range(20):
        for client in clients:
            client.say(f"{client.name} #{round_}")
    streams = [c.wait_count(lambda f: f["type"] == "message", 100) for c in clients]
    first = [(m["id"], m["from"], m["text"]) for m in streams[0]]
    ids = [m[0] for m in first]
    assert ids == sorted(set(ids)), "ids must be strictly increasing"
    for stream in streams[1:]:
        assert [(m["id"], m["from"], m["text"]) for m in stream] == first
    # every sender's own messages are in the order it sent them
    for name in names:
        assert [t for _, f, t in first if f == name] == [f"{name} #{r}" for r in range(20)]


def test_ids_skip_private_messages_but_only_increase(trio: tuple[ChatClient, ChatClient, ChatClient]) -> None:
    alice, bob, carla = trio
    alice.say("one")
    alice.say("private", to="bob")
    alice.say("two")
    ids = [m["id"] for m in carla.wait_count(lambda f: f["type"] == "message", 2)]
    assert carla.texts() == ["one", "two"]
    assert ids[0] < ids[1]
    bob_ids = [m["id"] for m in bob.wait_count(lambda f: f["type"] == "message", 3)]
    assert bob_ids == sorted(set(bob_ids))


# --- ping and pong --------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["abc", "", "\u00e9\U0001f600", "x" * 200])
def test_ping_gets_pong_with_the_same_token(server: ChatServer, join: Join, token: str) -> None:
    alice = join(server, "alice")
    alice.send({"type": "ping", "token": token})
    assert alice.expect("pong") == {"type": "pong", "token": token}


def test_ping_without_token_gets_pong_without_token(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.send({"type": "ping"})
    assert alice.expect("pong") == {"type": "pong"}


def test_pings_do_not_spend_rate_tokens(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=3, rate_per_sec=0.001)
    alice = join(server, "alice")
    alice.send_raw(encode_many([{"type": "ping", "token": str(i)} for i in range(30)]))
    alice.wait_count(lambda f: f["type"] == "pong", 30)
    for text in ("a", "b", "c"):
        alice.say(text)
    alice.wait_count(lambda f: f["type"] == "message", 3)
    assert alice.of_type("error") == []


def test_an_unsolicited_pong_is_ignored(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.send({"type": "pong", "token": "nobody asked"})
    alice.sync("fine")
    assert alice.of_type("error") == []


# --- operator: read-only, notices, stop ---------------------------------------------------------------------


def test_read_only_refuses_say_and_announces_itself(
    server: ChatServer, trio: tuple[ChatClient, ChatClient, ChatClient]
) -> None:
    alice, bob, carla = trio
    server.set_read_only(True)
    for client in (alice, bob, carla):
        assert client.expect("notice") == {"type": "notice", "text": TEXT, "ts": TS, "read_only": True}
    alice.say("can I talk?", cid="ro")
    assert strip_extensions(alice.expect("error"), "cid") == error_frame("read_only", fatal=False)
    assert alice.conn.is_open
    server.set_read_only(False)
    for client in (alice, bob, carla):
        client.wait_count(lambda f: f["type"] == "notice", 2)
    alice.say("open again")
    assert bob.expect("message", text="open again") == message(1, "alice", "open again")
    assert bob.texts() == ["open again"]


def test_read_only_drops_private_messages_too(
    server: ChatServer, trio: tuple[ChatClient, ChatClient, ChatClient]
) -> None:
    alice, bob, _ = trio
    server.set_read_only(True)
    alice.say("psst", to="bob")
    assert strip_extensions(alice.expect("error"), "cid") == error_frame("read_only", fatal=False)
    server.set_read_only(False)
    bob.wait_count(lambda f: f["type"] == "notice", 2)
    assert bob.texts() == []


def test_read_only_messages_are_not_stored(make_server: MakeServer, join: Join, tmp_path: Path) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(server, "alice")
    server.set_read_only(True)
    alice.say("nope")
    alice.expect("error", code="read_only")
    assert server.store.last_id() == 0
    assert alice.conn.is_open


def test_send_notice_reaches_every_registered_user(
    server: ChatServer, trio: tuple[ChatClient, ChatClient, ChatClient], make_client: MakeClient
) -> None:
    pending = make_client(server)  # connected, not registered: gets nothing
    server.send_notice("Lesson starts in 5 minutes")
    for client in trio:
        assert client.expect("notice") == {"type": "notice", "text": "Lesson starts in 5 minutes", "ts": TS}
    trio[0].sync("sync")
    assert pending.received == []


def test_stop_sends_shutdown_to_everyone_then_closes(
    server: ChatServer, trio: tuple[ChatClient, ChatClient, ChatClient], make_client: MakeClient
) -> None:
    pending = make_client(server)
    server.send_notice("last notice")
    server.stop("maintenance")
    for client in (*trio, pending):
        client.wait_closed()
    for client in trio:
        assert client.received[-2:] == [
            {"type": "notice", "text": "last notice", "ts": TS},
            {"type": "shutdown", "reason": "maintenance"},
        ]
        assert client.of_type("left") == []
    assert pending.received == [{"type": "shutdown", "reason": "maintenance"}]
    assert not server.is_listening


def test_stop_default_reason_is_text(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    server.stop()
    alice.wait_closed()
    shutdown = alice.received[-1]
    assert shutdown["type"] == "shutdown"
    assert isinstance(shutdown["reason"], str)
    assert shutdown["reason"]


def test_a_stopped_server_can_start_again(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    alice.sync("before")
    server.stop()
    alice.wait_closed()
    server.start()
    again = join(server, "alice", since=0)
    again.sync("after")
    assert [(m["text"], m.get("history", False)) for m in again.messages()] == [
        ("before", True),
        ("after", False),
    ]


# --- the history store (§6) ----------------------------------------------------------------------


def test_a_message_is_stored_before_anyone_receives_it(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(server, "alice")
    bob = join(server, "bob")
    path = tmp_path / SqliteStore.FILENAME
    for i in range(5):
        alice.say(f"durable {i}", cid=f"d{i}")
        got = bob.expect("message", text=f"durable {i}")
        fresh = SqliteStore(path)  # another connection to the file: sees committed rows only
        try:
            stored = fresh.since(got["id"] - 1, "bob")
        finally:
            fresh.close()
        assert [(m.id, m.sender, m.text, m.ts) for m in stored] == [
            (got["id"], "alice", got["text"], got["ts"])
        ]


def test_a_restarted_server_continues_ids_and_keeps_history(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    first = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(first, "alice", token=ALICE)
    alice.say("before restart", cid="r1")
    alice.say("secret", to="alice")
    before = alice.wait_count(lambda f: f["type"] == "message", 2)
    first.close()
    alice.wait_closed()

    second = make_server(store=SqliteStore.in_dir(tmp_path))
    bob = join(second, "bob")
    assert bob.received[0]["last_id"] == before[-1]["id"]
    assert bob.of_type("message") == [message(before[0]["id"], "alice", "before restart", history=True)]
    bob.say("after restart")
    after = bob.expect("message", text="after restart")
    assert after["id"] > before[-1]["id"]

    again = join(second, "alice", since=0, token=ALICE)
    again.sync("sync")
    replay = [m for m in again.messages() if m.get("history")]
    assert [(m["id"], m["text"]) for m in replay] == [
        (before[0]["id"], "before restart"),
        (before[1]["id"], "secret"),
        (after["id"], "after restart"),
    ]


def test_cid_de_duplication_survives_a_restart(make_server: MakeServer, join: Join, tmp_path: Path) -> None:
    first = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(first, "alice")
    alice.say("maybe lost", cid="crash-1")
    original = alice.expect("message", cid="crash-1")
    first.close()
    second = make_server(store=SqliteStore.in_dir(tmp_path))
    bob = join(second, "bob")
    again = join(second, "alice", since=original["id"])
    again.say("maybe lost", cid="crash-1")
    assert again.expect("message", cid="crash-1") == original
    again.sync("sync")
    bob.expect("message", text="sync")
    assert [m["text"] for m in bob.messages(live_only=True)] == ["sync"]
    assert second.store.last_id() == original["id"] + 1


def test_raw_socket_client_can_chat(
    server: ChatServer, join: Join, raw_sockets: Callable[..., RawSocket]
) -> None:
    alice = join(server, "alice")
    raw = raw_sockets(server.port)
    raw.send({"type": "hello", "version": 1, "name": "raw"})
    alice.expect("joined", name="raw")
    raw.send({"type": "say", "text": "plain socket"})
    assert alice.expect("message", text="plain socket")["from"] == "raw"
