"""The chat rules driven directly: clients back to back with the core, in memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chat_server_app.core.posting
from chat_server_app.core import StoreFailed, UserJoined, UserLeft
from chat_server_app.core.session import SessionState
from chat_server_app.store import MemoryStore, StoredMessage, StoreError
from shared.messages import LeftReason
from shared.validation import name_key
from tests.server.core.pair import MemoryPair

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_core_loads_no_pyside() -> None:
    script = "import sys, chat_server_app.core; print(sorted(m for m in sys.modules if 'PySide6' in m))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("byte_by_byte", [False, True])
def test_a_hello_is_welcomed_and_the_others_hear_of_the_join(byte_by_byte: bool) -> None:
    pair = MemoryPair()
    anna = pair.join("anna")
    bruno = pair.connect(byte_by_byte=byte_by_byte)
    bruno.hello("bruno")
    assert bruno.types() == ["welcome"]
    assert bruno.frames[0]["users"] == ["anna", "bruno"]
    assert bruno.frames[0]["server"] == "mem"
    assert anna.of_type("joined") == [
        {"type": "joined", "name": "bruno", "ts": anna.of_type("joined")[0]["ts"]}
    ]
    assert [type(e) for e in pair.events if isinstance(e, UserJoined)] == [UserJoined, UserJoined]


def test_a_say_is_stored_then_sent_to_everyone_and_echoed_with_its_cid_to_the_sender() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna, bruno = pair.join("anna"), pair.join("bruno")
    anna.say("ciao", cid="c1")
    (to_bruno,) = bruno.of_type("message")
    (echo,) = anna.of_type("message")
    assert "cid" not in to_bruno
    assert echo == {**to_bruno, "cid": "c1"}
    assert to_bruno["from"] == "anna"
    assert [m.text for m in store.since(0, None)] == ["ciao"]
    assert pair.core.messages_total == 1


def test_a_say_sent_again_under_its_cid_is_answered_with_the_original_and_not_posted_twice() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna, bruno = pair.join("anna"), pair.join("bruno")
    anna.say("once", cid="same")
    anna.say("once", cid="same")
    assert len(store.since(0, None)) == 1
    assert len(bruno.of_type("message")) == 1
    first, again = anna.of_type("message")
    assert first == again


def test_a_private_message_reaches_only_its_recipient_and_its_sender() -> None:
    pair = MemoryPair()
    anna, bruno, carla = pair.join("anna"), pair.join("bruno"), pair.join("carla")
    anna.say("psst", cid="p", to="Bruno")
    assert [m["text"] for m in bruno.of_type("message")] == ["psst"]
    assert anna.of_type("message")[0]["to"] == "bruno"
    assert carla.of_type("message") == []


def test_a_say_to_no_one_gets_no_such_user_and_the_session_stays() -> None:
    pair = MemoryPair()
    anna = pair.join("anna")
    anna.say("hello?", cid="x", to="nobody")
    (error,) = anna.of_type("error")
    assert (error["code"], error["cid"], error["fatal"]) == ("no_such_user", "x", False)
    assert anna.session.state is SessionState.REGISTERED


def test_a_to_longer_than_a_name_is_no_one_and_costs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key costs a look-up per character: a frame-long ``to`` must not buy that."""
    keyed: list[int] = []

    def spy(name: str) -> str:
        keyed.append(len(name))
        return name_key(name)

    pair = MemoryPair()
    anna = pair.join("anna")
    monkeypatch.setattr(chat_server_app.core.posting, "name_key", spy)
    anna.say("hello?", cid="x", to="m" * 60_000)
    (error,) = anna.of_type("error")
    assert (error["code"], error["cid"]) == ("no_such_user", "x")
    assert keyed == []
    anna.say("hi", to=" Anna ")
    assert keyed == [4]


def test_past_the_burst_says_are_rate_limited_with_their_cid() -> None:
    pair = MemoryPair(rate_burst=3, rate_per_sec=1)
    anna = pair.join("anna")
    for i in range(5):
        anna.say(f"m{i}", cid=f"c{i}")
    assert [m["cid"] for m in anna.of_type("message")] == ["c0", "c1", "c2"]
    assert [(e["code"], e["cid"]) for e in anna.of_type("error")] == [
        ("rate_limited", "c3"),
        ("rate_limited", "c4"),
    ]
    pair.tick(1.0)
    anna.say("later", cid="c5")
    assert anna.of_type("message")[-1]["cid"] == "c5"


def test_read_only_refuses_says_and_a_notice_tells_everyone() -> None:
    pair = MemoryPair()
    anna, bruno = pair.join("anna"), pair.join("bruno")
    pair.core.set_read_only(True)
    pair.pump()
    anna.say("may I?", cid="r")
    assert anna.of_type("error")[0]["code"] == "read_only"
    assert [n["text"] for n in bruno.of_type("notice")] == [
        "The chat is now read-only: only the operator can write."
    ]
    assert pair.core.read_only


def test_a_kick_sends_kicked_then_closes_and_the_others_hear_left_kicked() -> None:
    pair = MemoryPair()
    anna, bruno = pair.join("anna"), pair.join("bruno")
    session = pair.core.user("bruno")
    assert session is bruno.session
    pair.core.kick(session, "spam")
    pair.pump()
    assert bruno.types()[-1] == "kicked"
    assert bruno.closed
    assert [(f["name"], f["reason"]) for f in anna.of_type("left")] == [("bruno", "kicked")]
    assert [e.reason for e in pair.events if isinstance(e, UserLeft)] == [LeftReason.KICKED]


def test_a_name_taken_case_insensitively_is_refused_and_closed() -> None:
    pair = MemoryPair()
    pair.join("Anna")
    other = pair.join("ANNA")
    assert other.of_type("error")[0]["code"] == "name_taken"
    assert other.closed


@pytest.mark.parametrize("look_alike", ["\u0410nna", "\uff41\uff4e\uff4e\uff41", "\u0430\u0578\u0578\u0430"])
def test_a_name_that_looks_like_a_taken_one_is_taken(look_alike: str) -> None:
    """PROTOCOL.md §8.1: Cyrillic, fullwidth and Armenian letters that look like anna."""
    pair = MemoryPair()
    pair.join("anna")
    other = pair.join(look_alike)
    assert other.of_type("error")[0]["code"] == "name_taken"
    assert other.closed


def test_a_private_message_to_a_look_alike_reaches_the_user_it_looks_like() -> None:
    pair = MemoryPair()
    anna, mario = pair.join("anna"), pair.join("mario")
    anna.say("psst", cid="p", to="rnario")
    assert [m["text"] for m in mario.of_type("message")] == ["psst"]
    assert anna.of_type("message")[0]["to"] == "mario"


def test_the_users_are_sorted_by_name_not_by_key() -> None:
    pair = MemoryPair()
    for name in ["Quentin", "mario", "Anna"]:
        pair.join(name)
    assert [s.name for s in pair.core.users] == ["Anna", "mario", "Quentin"]


def test_frames_before_hello_and_a_second_hello_are_protocol_errors() -> None:
    pair = MemoryPair()
    early = pair.connect()
    early.say("too soon")
    assert early.of_type("error")[0]["code"] == "protocol_error"
    assert early.closed
    twice = pair.join("twice")
    twice.hello("twice")
    assert twice.of_type("error")[0]["code"] == "protocol_error"
    assert twice.closed


def test_the_deadlines_close_the_silent_and_ping_the_quiet() -> None:
    pair = MemoryPair(hello_timeout=10, ping_after=30, ping_timeout=60)
    mute = pair.connect()
    anna, bruno = pair.join("anna"), pair.join("bruno")
    pair.tick(11)
    assert mute.closed
    assert not anna.closed
    pair.tick(20)
    (ping,) = anna.of_type("ping")
    anna.pong(str(ping["token"]))
    assert anna.session.rtt == 0.0
    pair.tick(61)
    assert bruno.closed
    assert bruno.aborted
    assert [(f["name"], f["reason"]) for f in anna.of_type("left")] == [("bruno", "timeout")]


def test_a_reader_too_far_behind_is_dropped_and_no_one_else_waits() -> None:
    pair = MemoryPair(send_queue=1000)
    anna, slow, carla = pair.join("anna"), pair.join("slow"), pair.join("carla")
    slow.bytes_to_write = 1001
    anna.say("hello")
    assert slow.closed
    assert slow.aborted
    assert [m["text"] for m in carla.of_type("message")] == ["hello"]
    anna.say("again")
    assert [(f["name"], f["reason"]) for f in carla.of_type("left")] == [("slow", "send_queue")]


class FailingStore(MemoryStore):
    def append(self, messages: object) -> None:
        raise StoreError("disk full")


def test_a_pass_that_cannot_be_stored_is_shown_to_no_one_and_its_senders_are_told() -> None:
    pair = MemoryPair(FailingStore())
    anna, bruno = pair.join("anna"), pair.join("bruno")
    anna.say("lost?", cid="s")
    assert bruno.of_type("message") == []
    assert anna.of_type("message") == []
    (error,) = anna.of_type("error")
    assert (error["code"], error["cid"]) == ("server_error", "s")
    assert [e.reason for e in pair.events if isinstance(e, StoreFailed)] == ["disk full"]
    assert pair.core.messages_total == 0


def test_a_reconnect_with_since_replays_what_was_missed_with_the_senders_cid() -> None:
    store = MemoryStore()
    pair = MemoryPair(store)
    anna, bruno = pair.join("anna"), pair.join("bruno")
    anna.say("one", cid="a1")
    seen = bruno.of_type("message")[0]["id"]
    bruno.bye()
    anna.say("two", cid="a2")
    back = pair.join("bruno", since=seen)
    replay = back.of_type("message")
    assert [(m["text"], m.get("history"), "cid" in m) for m in replay] == [("two", True, False)]
    again = pair.join("anna2", since=0)
    assert [m["text"] for m in again.of_type("message")] == ["one", "two"]
    assert store.last_id() == 2


names = st.sampled_from(["anna", "bruno", "carla"])
actions = st.lists(
    st.tuples(names, st.sampled_from(["say", "say_cid", "private", "resend"])), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(actions, st.booleans())
def test_everyone_sees_public_messages_in_id_order_and_each_cid_is_posted_once(
    script: list[tuple[str, str]], byte_by_byte: bool
) -> None:
    store = MemoryStore()
    pair = MemoryPair(store, rate_burst=1000)
    clients = {}
    for name in ("anna", "bruno", "carla"):
        clients[name] = pair.connect(byte_by_byte=byte_by_byte)
        clients[name].hello(name)
    last_cid: dict[str, str] = {}
    for step, (name, action) in enumerate(script):
        client = clients[name]
        if action == "say":
            client.say(f"{step}")
        elif action == "say_cid":
            last_cid[name] = f"c{step}"
            client.say(f"{step}", cid=last_cid[name])
        elif action == "private":
            client.say(f"{step}", cid=f"p{step}", to="bruno" if name != "bruno" else "carla")
        elif name in last_cid:
            client.say("again", cid=last_cid[name])
    stored: list[StoredMessage] = store.since(0, None)
    public_ids = [m.id for m in stored]
    for client in clients.values():
        ids = [m["id"] for m in client.of_type("message") if "to" not in m]
        # A re-sent say's echo repeats the original (its old id) to its sender only;
        # first sightings are every public message, in id order.
        assert list(dict.fromkeys(ids)) == public_ids
    # A (sender, cid) is posted once, however often it was sent.
    # Every row, private ones included (no viewer sees them all).
    rows = {i: m for i in range(1, store.last_id() + 1) if (m := store.message(i)) is not None}
    keyed = [(m.sender_key, m.cid) for m in rows.values() if m.cid is not None]
    assert len(keyed) == len(set(keyed))
