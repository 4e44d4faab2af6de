"""The session of PROTOCOL.md §2-§4: hello, welcome, history replay, joined and left,
the name, password and version rules, the hello timeout, and what may come before
``welcome``. Real engine, real sockets on 127.0.0.1."""

from __future__ import annotations

import contextlib
import gc
import socket
import time
import unicodedata
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore, SqliteStore
from shared.codec import FrameDecoder, encode, encode_many
from shared.limits import CLIENT_MAX_FRAME
from shared.qt import connection as connection_module
from tests.server.helpers import (
    BASE_SETTINGS,
    TS,
    WAIT_MS,
    ChatClient,
    RawSocket,
    error_frame,
    matches,
    strip_extensions,
)

pytestmark = pytest.mark.usefixtures("read_path")  # every test on both read paths

Join = Callable[..., ChatClient]
MakeClient = Callable[[ChatServer], ChatClient]
MakeServer = Callable[..., ChatServer]
Posted = tuple[ChatServer, list[dict[str, Any]]]


def post(client: ChatClient, *texts: str, **fields: Any) -> list[dict[str, Any]]:
    """Post ``texts`` from ``client`` and return their echoes, in order."""
    for text in texts:
        client.say(text, **fields)
    return [client.wait_for(echo_of(client, text)) for text in texts]


def echo_of(client: ChatClient, text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda f: matches(f, "message", text=text) and f.get("from") == client.name


def assert_closed_after_error(client: ChatClient, code: str) -> None:
    client.wait_closed()
    errors = client.of_type("error")
    assert [strip_extensions(e, "cid") for e in errors] == [error_frame(code, fatal=True)]
    assert client.received[-1]["type"] == "error"


# --- hello and welcome -----------------------------------------------------------


def test_welcome_is_the_first_frame_and_has_every_field(make_server: MakeServer, join: Join) -> None:
    server = make_server(name="Aula 3", motd="Benvenuti!", rate_burst=7, rate_per_sec=3)
    alice = join(server, "alice")
    assert alice.received == [
        {
            "type": "welcome",
            "version": 2,
            "name": "alice",
            "users": ["alice"],
            "server": "Aula 3",
            "motd": "Benvenuti!",
            "last_id": 0,
            "server_id": server.core.server_id,
            "replay_truncated": False,
            "operator_reads_private": False,
            "rate": {"burst": 7, "per_sec": 3.0},
        }
    ]


def test_welcome_motd_is_empty_by_default(server: ChatServer, join: Join) -> None:
    welcome = join(server, "alice").received[0]
    assert welcome["motd"] == ""
    assert welcome["server"] == "Test Server"


def test_welcome_users_are_sorted_and_include_the_joiner(server: ChatServer, join: Join) -> None:
    for name in ("zoe", "mario", "Bea"):
        join(server, name)
    welcome = join(server, "carla").received[0]
    assert welcome["type"] == "welcome"
    assert welcome["name"] == "carla"
    assert welcome["users"] == ["Bea", "carla", "mario", "zoe"]  # code point order


def test_welcome_name_is_the_registered_name_nfc_and_trimmed(
    server: ChatServer, make_client: MakeClient
) -> None:
    client = make_client(server)
    answer = client.hello("  Jose\u0301  ")
    assert answer["type"] == "welcome"
    assert answer["name"] == "Jos\u00e9"
    assert answer["users"] == ["Jos\u00e9"]


def test_welcome_last_id_is_the_newest_stored_id(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    echoes = post(alice, "one", "two", "three")
    bob = join(server, "bob")
    assert bob.received[0]["last_id"] == echoes[-1]["id"]


# --- history replay ---------------------------------------------------------------


def history_of(client: ChatClient) -> list[dict[str, Any]]:
    """The replayed frames, checked to come right after ``welcome``, before anything live."""
    frames = client.received
    assert frames[0]["type"] == "welcome"
    replay = []
    for frame in frames[1:]:
        if frame.get("type") != "message" or not frame.get("history"):
            break
        replay.append(frame)
    assert not any(f.get("history") for f in frames[1 + len(replay) :])
    return replay


def replay_after(server: ChatServer, join: Join, name: str, **hello: Any) -> list[dict[str, Any]]:
    """Join as ``name`` and return the history replayed after ``welcome``.

    A public message posted after the join marks the end of what the server sent."""
    client = join(server, name, **hello)
    client.sync(f"{name} is here")
    return history_of(client)


def test_history_on_join_replays_the_last_messages(make_server: MakeServer, join: Join) -> None:
    server = make_server(history_on_join=3)
    alice = join(server, "alice")
    echoes = post(alice, "m1", "m2", "m3", "m4", "m5")
    replay = replay_after(server, join, "bob")
    assert replay == [
        {"type": "message", "id": e["id"], "ts": e["ts"], "from": "alice", "text": e["text"], "history": True}
        for e in echoes[2:]
    ]


def test_history_on_join_default_is_50(make_server: MakeServer, join: Join) -> None:
    server = make_server(rate_burst=1000)
    alice = join(server, "alice")
    post(alice, *[f"m{i}" for i in range(55)])
    replay = replay_after(server, join, "bob")
    assert [m["text"] for m in replay] == [f"m{i}" for i in range(5, 55)]


@pytest.fixture
def posted(make_server: MakeServer, join: Join) -> Posted:
    """A server with history_on_join=2 and five messages from alice (who has left)."""
    server = make_server(history_on_join=2)
    alice = join(server, "alice")
    echoes = post(alice, "m1", "m2", "m3", "m4", "m5")
    alice.bye()
    alice.wait_closed()
    return server, echoes


def test_since_replays_every_later_message(posted: Posted, join: Join) -> None:
    server, echoes = posted
    replay = replay_after(server, join, "bob", since=echoes[1]["id"])
    assert [m["id"] for m in replay] == [e["id"] for e in echoes[2:]]
    assert [m["text"] for m in replay] == ["m3", "m4", "m5"]
    assert all(m["history"] is True for m in replay)


def test_since_zero_replays_everything_beyond_history_on_join(posted: Posted, join: Join) -> None:
    server, _ = posted
    assert [m["text"] for m in replay_after(server, join, "bob", since=0)] == ["m1", "m2", "m3", "m4", "m5"]


def test_negative_since_replays_everything(posted: Posted, join: Join) -> None:
    server, _ = posted
    assert [m["text"] for m in replay_after(server, join, "bob", since=-7)] == ["m1", "m2", "m3", "m4", "m5"]


def test_since_the_newest_id_replays_nothing(posted: Posted, join: Join) -> None:
    server, echoes = posted
    assert replay_after(server, join, "bob", since=echoes[-1]["id"]) == []


def test_since_one_past_the_newest_id_replays_nothing(posted: Posted, join: Join) -> None:
    server, echoes = posted
    assert replay_after(server, join, "bob", since=echoes[-1]["id"] + 1) == []


@pytest.mark.parametrize("since", [2**63 - 1, 2**63, 2**80, -(2**80)])
def test_extreme_since_values_do_not_break_the_sqlite_history(
    make_server: MakeServer, join: Join, tmp_path: Any, since: int
) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path))
    alice = join(server, "alice")
    post(alice, "m1", "m2")
    bob = join(server, "bob", since=since)
    expected = ["m1", "m2"] if since < 0 else []
    bob.sync("after")
    assert [m["text"] for m in history_of(bob)] == expected


@pytest.mark.parametrize("since", ["3", 1.5, True, [1], {"id": 1}])
def test_since_that_is_not_an_int_is_refused_and_others_are_served(
    posted: Posted, join: Join, make_client: MakeClient, since: object
) -> None:
    server, _ = posted
    carla = join(server, "carla")
    bob = make_client(server)
    answer = bob.hello("bob", since=since)
    assert answer["type"] == "error"
    assert answer["code"] == "protocol_error"  # docs/PROTOCOL.md appendix: malformed field
    assert answer["fatal"] is True
    bob.wait_closed()
    # the server keeps serving: carla still chats, a newcomer still joins
    carla.sync("still here")
    dave = join(server, "dave")
    carla.expect("joined", name="dave")
    assert dave.received[0]["users"] == ["carla", "dave"]


def test_replayed_messages_of_others_carry_no_cid(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    post(alice, "with cid", cid="c-1")
    replay = replay_after(server, join, "bob")
    assert replay == [
        {"type": "message", "id": 1, "ts": TS, "from": "alice", "text": "with cid", "history": True}
    ]


def test_history_comes_before_live_messages(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    post(alice, "old")
    bob = join(server, "bob")
    alice.sync("new")
    bob.expect("message", text="new")
    texts = [(m["text"], m.get("history", False)) for m in bob.of_type("message")]
    assert texts == [("old", True), ("new", False)]


ALICE = "alice-token-" + "a" * 20
BOB = "bob-token-" + "b" * 20


def test_private_messages_are_replayed_only_to_their_two_parties(server: ChatServer, join: Join) -> None:
    """§8.1: by token. Without one, no private message in any replay."""
    alice = join(server, "alice", token=ALICE)
    bob = join(server, "bob", token=BOB)
    alice.say("public one")
    alice.say("for bob only", to="bob")
    bob.expect("message", text="for bob only")
    alice.expect("message", text="for bob only")
    for client in (alice, bob):
        client.bye()
        client.wait_closed()
    alice2 = join(server, "alice", since=0, token=ALICE)
    bob2 = join(server, "BOB", since=0, token=BOB)
    carla = join(server, "carla", since=0)
    alice2.sync("a")
    bob2.sync("b")
    carla.sync("c")
    private = {"type": "message", "id": 2, "ts": TS, "from": "alice", "text": "for bob only", "to": "bob"}
    assert history_of(alice2)[1] == {**private, "history": True}
    assert history_of(bob2)[1] == {**private, "history": True}
    assert [m["text"] for m in history_of(carla)] == ["public one"]
    assert "for bob only" not in carla.texts()


def test_history_on_join_zero_replays_nothing(make_server: MakeServer, join: Join) -> None:
    server = make_server(history_on_join=0)
    alice = join(server, "alice")
    post(alice, "m1")
    assert replay_after(server, join, "bob") == []


def test_a_reconnect_with_since_during_traffic_loses_and_repeats_nothing(
    make_server: MakeServer, join: Join, qtbot: QtBot
) -> None:
    """§6: every stored message after ``since``, in order, before any live one."""
    server = make_server(rate_burst=1000, rate_per_sec=1000)
    alice = join(server, "alice")
    bob = join(server, "bob")
    counter = iter(range(10_000))
    talker = QTimer()
    talker.setInterval(2)
    talker.timeout.connect(lambda: alice.say(f"n{next(counter)}"))
    talker.start()
    try:
        seen = bob.wait_count(lambda f: f["type"] == "message", 20)
        since = seen[-1]["id"]
        bob.conn.abort()
        alice.expect("left", name="bob")
        alice.sync("while bob is away")
        back = join(server, "bob", since=since)
        back.wait_count(lambda f: f["type"] == "message" and not f.get("history"), 20)
    finally:
        talker.stop()
    last = alice.sync("the end")
    back.expect("message", text="the end")
    frames = back.messages()
    flags = [bool(m.get("history")) for m in frames]
    assert flags == sorted(flags, reverse=True), "every replayed frame comes before every live one"
    assert "while bob is away" in [m["text"] for m in frames if m.get("history")]
    ids = [m["id"] for m in frames]
    assert ids == sorted(set(ids)), "in order, no repeats"
    everything = [m["id"] for m in alice.messages() if since < m["id"] <= last["id"]]
    assert ids == everything, "nothing lost"


def test_a_big_replay_is_not_mistaken_for_a_full_send_queue(make_server: MakeServer, join: Join) -> None:
    server = make_server(send_queue=65536, history_on_join=1000, rate_burst=1000, rate_per_sec=1000)
    alice = join(server, "alice")
    text = "r" * 3990
    for batch in range(10):  # 400 KB of history, ten times the send queue
        post(alice, *[f"{batch}-{i} {text}" for i in range(10)])
    bob = join(server, "bob")
    alice.say("live while bob takes his replay")
    bob.expect("message", text="live while bob takes his replay")
    assert len([m for m in bob.messages() if m.get("history")]) == 100
    assert alice.of_type("left") == []
    assert not bob.closed


def test_a_big_replay_reaches_a_slow_reader_whole_and_in_order_before_live_frames(
    qtbot: QtBot, make_server: MakeServer, join: Join, raw_sockets: Callable[..., RawSocket]
) -> None:
    """§8.2: the replay is read in slices as its reader takes them (the driver's poll
    while the socket is full), and what is live waits behind it."""
    server = make_server(send_queue=65536, replay_max=100_000, rate_burst=1000, rate_per_sec=1000)
    alice = join(server, "alice")
    text = "r" * 3990
    for batch in range(100):  # 4 MB of history: more than the kernel's buffers take at once
        post(alice, *[f"{batch}-{i} {text}" for i in range(10)])
    bob = raw_sockets(server.port, rcvbuf=4096)  # reads nothing for now
    bob.send({"type": "hello", "version": 2, "name": "bob", "since": 0})
    bob.send({"type": "ping", "token": "end-of-replay"})
    alice.expect("joined", name="bob")
    post(alice, "live after bob came")
    session = next(s for s in server.users if s.name == "bob")
    qtbot.waitUntil(lambda: session.queued_bytes > 0, timeout=WAIT_MS)
    # Never more than the send queue ahead of the reader, however big the history.
    assert session.queued_bytes <= server.settings.send_queue

    bob.sock.setblocking(False)
    decoder = FrameDecoder(CLIENT_MAX_FRAME)
    frames: list[dict[str, Any]] = []

    def bob_has_read_everything() -> bool:
        with contextlib.suppress(BlockingIOError):
            while data := bob.sock.recv(65536):
                frames.extend(decoder.feed(data))
        return any(f.get("text") == "live after bob came" for f in frames)

    qtbot.waitUntil(bob_has_read_everything, timeout=20_000)
    kinds = [f["type"] for f in frames]
    replayed = [f for f in frames if f.get("history")]
    assert len(replayed) == 1000
    assert [f["id"] for f in replayed] == sorted(f["id"] for f in replayed)
    assert kinds.index("pong") > max(i for i, f in enumerate(frames) if f.get("history"))
    assert frames[-1]["text"] == "live after bob came"


# --- joined and left ---------------------------------------------------------------


def test_joined_goes_to_the_others_not_to_the_joiner(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    carla = join(server, "carla")
    bob = join(server, "bob")
    for client in (alice, carla):
        assert client.expect("joined", name="bob") == {"type": "joined", "name": "bob", "ts": TS}
    bob.sync("hello")
    assert bob.of_type("joined") == []


def test_two_who_register_in_one_pass_learn_of_each_other_once(
    qtbot: QtBot, server: ChatServer, make_client: Callable[[ChatServer], ChatClient]
) -> None:
    """A newcomer's bytes of the pass leave out presence older than itself: the one who
    registered second has the first in its welcome, and gets no ``joined`` for it."""
    anna, bruno = make_client(server), make_client(server)
    qtbot.waitUntil(lambda: server.connection_count == 2, timeout=WAIT_MS)
    anna.send_hello("anna")
    bruno.send_hello("bruno")  # no event loop in between: the server reads both in one pass
    for client in (anna, bruno):
        client.name = client.expect("welcome")["name"]
        client.sync(f"{client.name} is here")
    for client in (anna, bruno):
        welcome = client.of_type("welcome")[0]
        heard_of = welcome["users"] + [f["name"] for f in client.of_type("joined")]
        assert sorted(heard_of) == ["anna", "bruno"], client.received


def test_joined_carries_the_registered_name(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    join(server, " Jose\u0301 ")
    assert alice.expect("joined")["name"] == "Jos\u00e9"


def _left_seen_by(watcher: ChatClient, name: str) -> dict[str, Any]:
    return watcher.expect("left", name=name)


def test_bye_gives_left_quit(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    bob.bye(reason="see you")
    assert _left_seen_by(alice, "bob") == {"type": "left", "name": "bob", "ts": TS, "reason": "quit"}
    bob.wait_closed()
    assert server.connection_count == 1


def test_close_without_bye_gives_left_disconnected(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    bob.conn.close()
    assert _left_seen_by(alice, "bob") == {"type": "left", "name": "bob", "ts": TS, "reason": "disconnected"}


def test_abort_without_bye_gives_left_disconnected(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    bob.conn.abort()
    assert _left_seen_by(alice, "bob")["reason"] == "disconnected"


def test_kick_sends_kicked_then_closes_and_others_get_left_kicked(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    assert server.kick("bob", "spamming") is True
    bob.wait_closed()
    assert bob.received[-1] == {"type": "kicked", "reason": "spamming"}
    assert _left_seen_by(alice, "bob") == {"type": "left", "name": "bob", "ts": TS, "reason": "kicked"}
    # the name is free again
    join(server, "bob")


def test_client_connection_reports_the_servers_close(server: ChatServer, join: Join) -> None:
    """``shared.qt.connection.Connection`` must emit ``disconnected`` when the server closes
    (here after a kick): a client learns that it is offline from that signal."""
    bob = join(server, "bob")
    server.kick("bob", "bye")
    bob.wait_closed()  # the socket state says so
    bob.qtbot.waitUntil(lambda: bob.disconnected_emitted, timeout=2000)


def test_what_was_queued_before_a_kick_reaches_the_kicked_first(server: ChatServer, join: Join) -> None:
    bob = join(server, "bob")
    server.send_notice("behave")
    server.kick("bob", "did not behave")
    bob.wait_closed()
    assert bob.received[1:] == [
        {"type": "notice", "text": "behave", "ts": TS},
        {"type": "kicked", "reason": "did not behave"},
    ]


def test_kick_of_an_unknown_user_returns_false(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    assert server.kick("nobody") is False
    alice.sync("still fine")
    assert alice.of_type("left") == []


def test_a_name_is_free_again_after_its_user_left(server: ChatServer, join: Join) -> None:
    alice = join(server, "alice")
    bob = join(server, "bob")
    bob.bye()
    alice.expect("left", name="bob")
    again = join(server, "BOB")
    assert again.received[0]["users"] == ["BOB", "alice"]


# --- name rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces-only"),
        pytest.param("\u3000\u00a0", id="unicode-spaces-only"),
        pytest.param("a" * 33, id="33-chars"),
        pytest.param(" " + "b" * 33 + " ", id="33-chars-after-trim"),
        pytest.param("bad\x07bell", id="control-bel"),
        pytest.param("tab\there", id="control-tab"),
        pytest.param("line\nbreak", id="control-newline"),
        pytest.param("abc\u202edcb", id="bidi-override-RLO"),
        pytest.param("abc\u2067x", id="bidi-isolate-RLI"),
        pytest.param("ab\u200bc", id="zero-width-space"),
        pytest.param("ab\u200dc", id="zero-width-joiner"),
        pytest.param("\ufeffbom", id="bom"),
        pytest.param("line\u2028sep", id="line-separator"),
        pytest.param(123, id="not-a-string"),
        pytest.param(None, id="null"),
    ],
)
def test_invalid_names_are_refused_and_the_connection_closes(
    server: ChatServer, join: Join, make_client: MakeClient, name: object
) -> None:
    watcher = join(server, "watcher")
    client = make_client(server)
    client.send({"type": "hello", "version": 1, "name": name})
    assert_closed_after_error(client, "name_invalid")
    assert client.of_type("welcome") == []
    watcher.sync("done")
    assert watcher.of_type("joined") == []


def test_missing_name_is_name_invalid(server: ChatServer, make_client: MakeClient) -> None:
    client = make_client(server)
    client.send({"type": "hello", "version": 1})
    assert_closed_after_error(client, "name_invalid")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a" * 32, id="32-ascii"),
        pytest.param("\u00e9" * 32, id="32-precomposed"),
        pytest.param("e\u0301" * 32, id="32-decomposed-is-32-after-NFC"),
        pytest.param("\U0001f600" * 32, id="32-astral"),
        pytest.param("x", id="one-char"),
        pytest.param("Anna Maria", id="inner-space"),
    ],
)
def test_valid_names_are_accepted(server: ChatServer, make_client: MakeClient, name: str) -> None:
    answer = make_client(server).hello(name)
    assert answer["type"] == "welcome"
    assert answer["name"] == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("alice", "alice", id="same"),
        pytest.param("Alice", "aLICE", id="case"),
        pytest.param("Stra\u00dfe", "STRASSE", id="sharp-s-casefold"),
        pytest.param("Jos\u00e9", "JOSE\u0301", id="nfc-then-casefold"),
        pytest.param("bob", "  bob ", id="after-trim"),
    ],
)
def test_taken_names_are_refused_case_insensitively(
    server: ChatServer, join: Join, make_client: MakeClient, first: str, second: str
) -> None:
    owner = join(server, first)
    client = make_client(server)
    client.send_hello(second)
    assert_closed_after_error(client, "name_taken")
    # the owner keeps the name and is not disturbed
    owner.sync("mine")
    assert owner.of_type("left") == []
    assert owner.of_type("joined") == []


def test_dual_stack_host_accepts_ipv4_and_ipv6(make_server: MakeServer, qtbot: QtBot) -> None:
    server = make_server(host="::")
    v4 = ChatClient(qtbot, server.port, host="127.0.0.1")
    v6 = ChatClient(qtbot, server.port, host="::1")
    try:
        assert v4.hello("four")["type"] == "welcome"
        assert v6.hello("six")["users"] == ["four", "six"]
    finally:
        v4.close()
        v6.close()


# --- password and version ----------------------------------------------------------------


def test_right_password_is_welcomed(make_server: MakeServer, make_client: MakeClient) -> None:
    server = make_server(password="s3cret")
    assert make_client(server).hello("alice", password="s3cret")["type"] == "welcome"


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"password": "wrong"}, id="wrong"),
        pytest.param({}, id="missing"),
        pytest.param({"password": ""}, id="empty"),
        pytest.param({"password": "S3CRET"}, id="case"),
        pytest.param({"password": "s3cret "}, id="trailing-space"),
    ],
)
def test_wrong_or_missing_password_is_auth_failed(
    make_server: MakeServer, make_client: MakeClient, join: Join, fields: dict[str, Any]
) -> None:
    server = make_server(password="s3cret")
    watcher = join(server, "watcher", password="s3cret")
    client = make_client(server)
    client.send_hello("alice", **fields)
    assert_closed_after_error(client, "auth_failed")
    watcher.sync("done")
    assert watcher.of_type("joined") == []


def test_a_password_on_a_server_without_one_is_ignored(server: ChatServer, make_client: MakeClient) -> None:
    assert make_client(server).hello("alice", password="anything")["type"] == "welcome"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        pytest.param(123, "protocol_error", id="number"),  # docs/PROTOCOL.md appendix: malformed field
        pytest.param(["pw"], "protocol_error", id="list"),
        pytest.param(None, "auth_failed", id="null-is-missing"),
    ],
)
def test_a_password_that_is_not_a_string_is_refused(
    make_server: MakeServer, make_client: MakeClient, password: object, code: str
) -> None:
    server = make_server(password="pw")
    client = make_client(server)
    client.send({"type": "hello", "version": 1, "name": "alice", "password": password})
    assert_closed_after_error(client, code)
    assert client.of_type("welcome") == []


@pytest.mark.parametrize("version", [0, 3, "1", 1.0, True, None])
def test_unsupported_version_is_refused(server: ChatServer, make_client: MakeClient, version: object) -> None:
    client = make_client(server)
    client.send({"type": "hello", "version": version, "name": "alice"})
    assert_closed_after_error(client, "version_unsupported")


def test_missing_version_is_refused(server: ChatServer, make_client: MakeClient) -> None:
    client = make_client(server)
    client.send({"type": "hello", "name": "alice"})
    assert_closed_after_error(client, "version_unsupported")


# --- before welcome ------------------------------------------------------------------------


def test_hello_timeout_closes_a_silent_connection(make_server: MakeServer, make_client: MakeClient) -> None:
    server = make_server(hello_timeout=0.3)
    opened = time.monotonic()
    client = make_client(server)
    client.wait_closed(timeout=3000)
    elapsed = time.monotonic() - opened
    assert elapsed >= 0.25, f"closed after {elapsed:.2f} s, before the hello timeout"
    assert client.received == []  # docs/PROTOCOL.md appendix: no error frame
    assert server.connection_count == 0


def test_hello_timeout_does_not_touch_registered_users(
    make_server: MakeServer, make_client: MakeClient, join: Join
) -> None:
    server = make_server(hello_timeout=0.3)
    alice = join(server, "alice")
    silent = make_client(server)
    silent.wait_closed(timeout=3000)
    alice.sync("still here")
    assert alice.conn.is_open


def test_half_a_hello_then_silence_is_closed_by_the_hello_timeout(
    make_server: MakeServer, make_client: MakeClient
) -> None:
    server = make_server(hello_timeout=0.3)
    client = make_client(server)
    client.send_raw(b'\x00\x00\x00\x10{"type"')
    client.wait_closed(timeout=3000)
    assert client.received == []


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"type": "say", "text": "hi"}, id="say"),
        pytest.param({"type": "ping", "token": "t"}, id="ping"),
        pytest.param({"type": "pong", "token": "t"}, id="pong"),
        pytest.param({"type": "bye"}, id="bye"),
        pytest.param({"type": "dance"}, id="unknown-type"),
        pytest.param({"type": "welcome", "name": "x", "users": []}, id="server-type"),
    ],
)
def test_any_frame_but_hello_before_welcome_is_a_protocol_error(
    server: ChatServer, join: Join, make_client: MakeClient, message: dict[str, Any]
) -> None:
    watcher = join(server, "watcher")
    client = make_client(server)
    client.send(message)
    assert_closed_after_error(client, "protocol_error")
    watcher.sync("done")
    assert [f["type"] for f in watcher.received] == ["welcome", "message"]


def test_a_frame_after_a_refused_hello_is_not_answered(server: ChatServer, make_client: MakeClient) -> None:
    client = make_client(server)
    client.send({"type": "hello", "version": 1, "name": ""})
    client.send({"type": "hello", "version": 1, "name": "alice"})
    assert_closed_after_error(client, "name_invalid")
    assert client.of_type("welcome") == []


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"name": "alice"}, id="same-name"),
        pytest.param({"name": "other"}, id="other-name"),
        pytest.param({"name": ""}, id="invalid-name"),
        pytest.param({"name": "other", "version": 2}, id="bad-version"),
    ],
)
def test_a_second_hello_is_a_fatal_protocol_error(
    server: ChatServer, join: Join, second: dict[str, Any]
) -> None:
    watcher = join(server, "watcher")
    alice = join(server, "alice")
    alice.send({"type": "hello", "version": 1, **second})
    assert_closed_after_error(alice, "protocol_error")
    assert watcher.expect("left", name="alice")["reason"] == "disconnected"
    watcher.sync("done")
    assert watcher.of_type("joined") == [{"type": "joined", "name": "alice", "ts": TS}]


def test_hello_in_the_same_write_as_a_say_is_welcomed_first(
    server: ChatServer, make_client: MakeClient
) -> None:
    client = make_client(server)
    client.send_raw(
        encode_many(
            [
                {"type": "hello", "version": 1, "name": "quick"},
                {"type": "say", "text": "first words", "cid": "q1"},
            ]
        )
    )
    echo = client.expect("message", text="first words")
    assert client.received[0]["type"] == "welcome"
    assert echo == {"type": "message", "id": 1, "ts": TS, "from": "quick", "text": "first words", "cid": "q1"}


def test_sqlite_and_memory_stores_give_the_same_session(
    make_server: MakeServer, join: Join, tmp_path: Any
) -> None:
    frames = []
    for store in (MemoryStore(), SqliteStore.in_dir(tmp_path)):
        server = make_server(store=store, history_on_join=2)
        alice = join(server, "alice")
        post(alice, "a", "b", "c")
        bob = join(server, "bob")
        bob.sync("x")
        frames.append([(f["type"], f.get("text"), f.get("history")) for f in bob.received])
        server.close()
    assert frames[0] == frames[1]


def test_a_server_let_go_is_freed_at_once_with_its_connections(
    qtbot: QtBot, tmp_path: Path, make_client: MakeClient
) -> None:
    # Reference cycles would leave it to the garbage collector, which clears the Python
    # halves of Qt objects whose C++ halves still live: their sockets then signal into
    # emptied objects.
    server = ChatServer(Settings(**{**BASE_SETTINGS, "data_dir": tmp_path}), MemoryStore())
    server.start()
    client = make_client(server)
    assert client.hello("Ada")["type"] == "welcome"
    (session,) = server.users
    conn = weakref.ref(session.conn)
    gone = weakref.ref(server)
    del session
    server.close()
    gc.disable()
    try:
        del server
        assert gone() is None
        assert conn() is None
    finally:
        gc.enable()
    client.wait_closed()


def test_a_user_whose_client_shuts_its_side_and_stops_reading_leaves_within_the_grace(
    qtbot: QtBot, make_server: MakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server holds bytes for it; it sent its last and shut its sending side
    # (shutdown(SHUT_WR)), and never reads again: it must not stay online until the ping.
    monkeypatch.setattr(connection_module, "CLOSE_GRACE_MS", 300)
    server = make_server()
    watcher_left: list[str] = []
    server.user_left.connect(lambda session, reason: watcher_left.append(f"{session.name} {reason}"))
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    raw.sendall(encode({"type": "hello", "version": 1, "name": "half"}))
    qtbot.waitUntil(lambda: [s.name for s in server.users] == ["half"], timeout=3000)
    session = server.users[0]
    while session.conn.bytes_to_write == 0:
        server.send_notice("n" * 20000)
        server.flush()
    raw.shutdown(socket.SHUT_WR)
    try:
        qtbot.waitUntil(lambda: server.users == [], timeout=3000)
        assert watcher_left == ["half disconnected"]
    finally:
        raw.close()
