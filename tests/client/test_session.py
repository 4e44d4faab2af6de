"""The pure client session, driven directly: no Qt, no socket, no clock (h11's ConnectionPair).

The server's side is played with the message objects of :mod:`shared.messages`, sent
through :mod:`shared.codec` so that what the session reads is what a wire carries.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_client_app.backoff import Backoff
from chat_client_app.session import (
    AttemptFailed,
    ClientSession,
    ClientState,
    ConnectRequest,
    Disconnected,
    DisconnectReason,
    HistoryReset,
    MessagesReceived,
    Outbound,
    Output,
    ReconnectScheduled,
    ReplayFinished,
    SendState,
    SendStateChanged,
    ServerError,
    StateChanged,
)
from chat_client_app.session.events import OUTBOUND_TYPES
from shared.codec import FrameDecoder, encode
from shared.messages import (
    Bye,
    ChatMessage,
    Error,
    Hello,
    Kicked,
    Ping,
    Pong,
    Say,
    ServerMessage,
    Shutdown,
    Welcome,
    parse_server_message,
)

ROOT = Path(__file__).resolve().parents[2]
TS = "2026-12-05T10:00:00.000Z"
HERE = ConnectRequest("anna", "chat.example", 7000)


def wire(message: ServerMessage) -> ServerMessage:
    """``message`` as the session gets it after a trip through the codec."""
    decoder = FrameDecoder()
    (obj,) = decoder.feed(encode(message.to_dict()))
    return parse_server_message(obj)


class Pair:
    """A session and the server's side of its connection, in one test's hands."""

    def __init__(self) -> None:
        cids = (f"c{n}" for n in itertools.count(1))
        tokens = (f"t{n}" for n in itertools.count(1))
        self.session = ClientSession(
            backoff=Backoff(1.0, 8.0, rng=random.Random(7)),
            new_cid=lambda: next(cids),
            new_token=lambda: next(tokens),
        )
        self.now = 100.0
        self.outputs: list[Output] = []

    def take(self, outputs: list[Output]) -> list[Output]:
        self.outputs += outputs
        return outputs

    def sent(self) -> list[Outbound]:
        """What the session asked to write since the last call."""
        found: list[Outbound] = [o for o in self.outputs if isinstance(o, OUTBOUND_TYPES)]
        self.outputs = [o for o in self.outputs if o not in found]
        return found

    def events(self) -> list[Output]:
        return [o for o in self.outputs if not isinstance(o, OUTBOUND_TYPES)]

    def open(self) -> Hello:
        """Begin an attempt and bring the socket up: the hello it writes."""
        self.take(self.session.begin_attempt())
        self.take(self.session.connection_made())
        hellos = [o for o in self.sent() if isinstance(o, Hello)]
        assert len(hellos) == 1
        return hellos[0]

    def server(self, *messages: ServerMessage) -> list[Output]:
        out: list[Output] = []
        for message in messages:
            out += self.take(self.session.receive(wire(message), self.now))
        out += self.take(self.session.flush())
        return out

    def welcome(
        self,
        last_id: int = 0,
        *replay: ServerMessage,
        server_id: str = "",
        rate: tuple[int, float] = (0, 0.0),
    ) -> list[Outbound]:
        """Welcome, then the replay and the end of the read: what the session writes then."""
        welcome = Welcome(
            "anna",
            ("anna", "bruno"),
            "srv",
            last_id=last_id,
            server_id=server_id,
            rate_burst=rate[0],
            rate_per_sec=rate[1],
        )
        self.server(welcome, *replay)
        self.take(self.session.caught_up(self.now))
        return self.sent()

    def end_replay(self, sent: list[Outbound]) -> list[Outbound]:
        """The server answers the ping that closes the replay: what the session writes then."""
        ping = next(o for o in sent if isinstance(o, Ping))
        self.server(Pong(ping.token))
        return self.sent()

    def drop(self) -> list[Output]:
        self.session.forget_connection()
        return self.take(self.session.connection_lost(self.now))


def msg(
    id_: int, text: str = "x", sender: str = "bruno", cid: str | None = None, history: bool = False
) -> ChatMessage:
    return ChatMessage(id=id_, ts=TS, sender=sender, text=text, cid=cid, history=history)


def delivered(outputs: list[Output]) -> list[int]:
    return [m.id for o in outputs if isinstance(o, MessagesReceived) for m in o.messages]


def connected_pair() -> Pair:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    pair.open()
    pair.end_replay(pair.welcome(0))
    pair.outputs.clear()
    return pair


def test_welcome_makes_the_session_connected() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    hello = pair.open()
    assert hello == Hello(name="anna", since=None)
    assert pair.session.state is ClientState.REGISTERING
    pair.welcome(5)
    state: ClientState = pair.session.state  # mypy narrowed it to REGISTERING above
    assert state is ClientState.CONNECTED
    assert [e.state for e in pair.events() if isinstance(e, StateChanged)] == [
        ClientState.CONNECTING,
        ClientState.REGISTERING,
        ClientState.CONNECTED,
    ]
    assert pair.session.floor == 5


def test_a_say_while_disconnected_waits_for_the_welcome_and_its_replay() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    out, outputs = pair.session.say("early", now=1.0)
    assert not [o for o in outputs if isinstance(o, Say)]
    pair.open()
    pair.server(Welcome("anna", ("anna",), "srv"))
    assert not [o for o in pair.sent() if isinstance(o, Say)]  # not before the replay is read
    pair.take(pair.session.caught_up(pair.now))
    sent = pair.sent()
    assert not [o for o in sent if isinstance(o, Say)]  # nor before the replay's end
    says = [o for o in pair.end_replay(sent) if isinstance(o, Say)]
    assert says == [Say(text="early", cid=out.cid)]


def test_an_echo_with_our_cid_marks_the_say_sent() -> None:
    pair = connected_pair()
    out, outputs = pair.session.say("ciao", now=1.0)
    assert Say(text="ciao", cid=out.cid) in outputs
    events = pair.server(msg(1, "ciao", sender="anna", cid=out.cid))
    assert delivered(events) == [1]
    assert events[-1] == SendStateChanged(out.cid, SendState.SENT)
    assert pair.session.pending == []


def test_an_echo_from_someone_else_with_the_same_cid_acknowledges_nothing() -> None:
    pair = connected_pair()
    out, _ = pair.session.say("ciao", now=1.0)
    pair.server(msg(1, "ciao", sender="bruno", cid=out.cid))
    assert [o.cid for o in pair.session.pending] == [out.cid]


def test_an_error_with_our_cid_marks_the_say_failed_and_it_can_be_retried() -> None:
    pair = connected_pair()
    out, _ = pair.session.say("x" * 9, to="nobody", now=1.0)
    events = pair.server(Error("no_such_user", "no user nobody", cid=out.cid))
    assert events == [SendStateChanged(out.cid, SendState.FAILED, "no user nobody", "no_such_user")]
    assert pair.session.state is ClientState.CONNECTED
    again = pair.session.retry(out.cid, now=pair.now)
    assert again == [
        SendStateChanged(out.cid, SendState.PENDING),
        Say(text="x" * 9, cid=out.cid, to="nobody"),
    ]
    assert pair.session.retry(out.cid, now=pair.now) == []


def test_an_error_without_cid_fails_the_oldest_say_of_this_connection() -> None:
    """An older server does not echo the cid: its errors come in the order of the says."""
    pair = connected_pair()
    first, _ = pair.session.say("one", now=1.0)
    second, _ = pair.session.say("two", now=2.0)
    events = pair.server(Error("text_invalid", "empty"))
    assert events == [SendStateChanged(first.cid, SendState.FAILED, "empty", "text_invalid")]
    assert [o.cid for o in pair.session.pending] == [second.cid]
    assert pair.server(Error("unknown_type", "what?")) == [ServerError("unknown_type", "what?")]


def test_a_welcome_below_what_was_seen_starts_the_ids_again() -> None:
    """A server whose history was wiped counts from 1 again: nothing new is a duplicate."""
    pair = connected_pair()
    pair.server(msg(7))
    pair.drop()
    pair.open()
    pair.welcome(0)
    pair.outputs.clear()
    assert delivered(pair.server(msg(1))) == [1]


def test_another_server_id_resets_the_history_and_says_so() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left", server_id="first"))
    pair.open()
    pair.welcome(9, server_id="first")
    assert not [e for e in pair.events() if isinstance(e, HistoryReset)]
    pair.server(msg(7), msg(8))
    pair.drop()
    assert pair.open().since == 8
    pair.outputs.clear()
    # The data directory was wiped: a new history whose ids start again (and happen to
    # pass the old ones: the last_id check alone would not notice).
    pair.welcome(12, server_id="second")
    assert HistoryReset("second") in pair.events()
    assert pair.session.last_seen == 0
    assert delivered(pair.server(msg(5), msg(13))) == [5, 13]
    pair.drop()
    assert pair.open().since == 13


def test_a_since_names_the_history_it_counts_in() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left", server_id="first"))
    first = pair.open()
    assert (first.since, first.server_id) == (None, None)  # no since: nothing to name
    pair.welcome(9, server_id="first")
    pair.server(msg(9))
    pair.drop()
    again = pair.open()
    assert (again.since, again.server_id) == (9, "first")
    assert again.to_dict()["server_id"] == "first"
    pair.welcome(9)  # a v1 server names no history
    pair.drop()
    v1 = pair.open()
    assert (v1.since, v1.server_id) == (9, "first")  # the last one named


def test_the_server_id_of_an_earlier_run_counts_and_an_empty_one_resets_nothing() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left", server_id="old"))
    pair.open()
    pair.welcome(3, server_id="new")
    assert HistoryReset("new") in pair.events()
    pair.outputs.clear()
    pair.drop()
    pair.open()
    pair.welcome(3)  # a v1 server says nothing of its history: nothing to conclude
    pair.drop()
    pair.open()
    pair.welcome(3, server_id="new")
    assert not [e for e in pair.events() if isinstance(e, HistoryReset)]


def test_a_replayed_duplicate_is_dropped() -> None:
    pair = connected_pair()
    pair.server(msg(1), msg(2))
    pair.outputs.clear()
    events = pair.server(msg(2, history=True), msg(1, history=True), msg(3))
    assert delivered(events) == [3]
    assert pair.session.last_seen == 3


def test_reconnect_says_hello_with_since_the_last_message_seen() -> None:
    pair = connected_pair()
    pair.server(msg(4), msg(9))
    events = pair.drop()
    assert Disconnected(DisconnectReason.LOST) in events
    assert pair.session.state is ClientState.RECONNECTING
    assert any(isinstance(e, ReconnectScheduled) for e in events)
    assert pair.open() == Hello(name="anna", since=9)


def test_reconnect_with_nothing_seen_asks_since_the_welcome_floor() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    pair.open()
    pair.welcome(42)
    pair.drop()
    assert pair.open() == Hello(name="anna", since=42)


def test_pending_says_are_resent_with_their_cid_after_a_reconnect() -> None:
    pair = connected_pair()
    first, _ = pair.session.say("one", now=1.0)
    second, _ = pair.session.say("two", now=2.0)
    pair.drop()
    pair.open()
    # The replay shows "one" stored: only "two" is written again, with its cid, once
    # the replay is over.
    sent = pair.welcome(0, msg(1, "one", sender="anna", cid=first.cid, history=True))
    assert not [o for o in sent if isinstance(o, Say)]
    assert SendStateChanged(first.cid, SendState.SENT) in pair.events()
    says = [o for o in pair.end_replay(sent) if isinstance(o, Say)]
    assert says == [Say(text="two", cid=second.cid)]
    assert ReplayFinished(0, 1) in pair.events()  # our own message is replayed but not counted


def test_kicked_ends_the_session_without_reconnecting() -> None:
    pair = connected_pair()
    pair.server(Kicked("spam"))
    events = pair.drop()
    assert events == [StateChanged(ClientState.DISCONNECTED), Disconnected(DisconnectReason.KICKED)]


def test_shutdown_is_reported_and_reconnects() -> None:
    pair = connected_pair()
    pair.server(Shutdown("maintenance"))
    events = pair.drop()
    assert events[:2] == [StateChanged(ClientState.RECONNECTING), Disconnected(DisconnectReason.SHUTDOWN)]
    assert isinstance(events[2], ReconnectScheduled)


def test_a_fatal_auth_error_ends_without_reconnecting() -> None:
    pair = connected_pair()
    pair.server(Error("auth_failed", "no", fatal=True))
    events = pair.drop()
    assert events == [StateChanged(ClientState.DISCONNECTED), Disconnected(DisconnectReason.ERROR)]


def test_a_failed_first_attempt_is_not_retried_but_a_failed_reconnect_is() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    pair.open()
    pair.server(Error("name_taken", "taken", fatal=True))
    events = pair.drop()
    assert events == [StateChanged(ClientState.DISCONNECTED), AttemptFailed("name_taken", "taken")]

    pair = connected_pair()
    pair.drop()
    pair.open()
    pair.server(Error("name_taken", "taken", fatal=True))
    events = pair.drop()
    assert AttemptFailed("name_taken", "taken") in events
    assert pair.session.state is ClientState.RECONNECTING
    assert isinstance(events[-1], ReconnectScheduled)


def test_quit_says_bye_and_does_not_reconnect() -> None:
    pair = connected_pair()
    assert pair.session.quit(has_connection=True) == [Bye("quit")]
    events = pair.drop()
    assert events == [StateChanged(ClientState.DISCONNECTED), Disconnected(DisconnectReason.QUIT)]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_interleaving_of_echoes_and_duplicates_acks_once_and_delivers_once(data: st.DataObject) -> None:
    pair = connected_pair()
    count = data.draw(st.integers(min_value=1, max_value=8), label="says")
    cids = [pair.session.say(f"s{n}", now=float(n))[0].cid for n in range(count)]
    # The server stores the says in some order; each echo may come again in a replay.
    order = data.draw(st.permutations(range(count)), label="order")
    echoes = [msg(i + 1, f"s{n}", sender="anna", cid=cids[n]) for i, n in enumerate(order)]
    frames: list[ChatMessage] = []
    for i, echo in enumerate(echoes):
        frames.append(echo)
        replayed = data.draw(st.lists(st.sampled_from(echoes[: i + 1]), max_size=3), label="dups")
        frames += [ChatMessage(e.id, e.ts, e.sender, e.text, cid=e.cid, history=True) for e in replayed]
    drop_at = data.draw(st.integers(min_value=0, max_value=len(frames)), label="drop at")
    events = pair.server(*frames[:drop_at])
    if drop_at < len(frames):
        events += pair.drop()
        pair.open()
        events += pair.server(Welcome("anna", ("anna",), "srv", last_id=count), *frames[drop_at:])
    ids = delivered(pair.outputs)
    assert len(ids) == len(set(ids)) == len({e.id for e in frames})
    sent = [e.cid for e in pair.outputs if isinstance(e, SendStateChanged) and e.state is SendState.SENT]
    assert sorted(sent) == sorted(cids[n] for n in {order[e.id - 1] for e in frames})
    assert len(sent) == len(set(sent))


def test_importing_the_session_loads_no_qt() -> None:
    script = (
        "import sys\n"
        "import chat_client_app.session\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
