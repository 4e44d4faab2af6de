"""A hypothesis state machine against a real server: several clients send random sequences
of valid and invalid frames, and the server's invariants hold after every step.

Invariants: registered names are valid, normalised and unique case-insensitively; every
client sees message ids strictly increasing, and every id means the same message to every
client; the echo of a ``say`` (``cid``) always carries the sender's registered name; no
exception escapes a slot (pytest-qt's capture). At the end the server still answers a ping.

Each step waits until the server has read everything the acting client wrote (or has
closed it), so a step's effect on the server is settled before the invariants are checked.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer, Session, SessionState
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from shared.validation import name_key, name_problem, normalize_name
from tests.security.conftest import WAIT_MS
from tests.server.helpers import BASE_SETTINGS, ChatClient


def header(length: int) -> bytes:
    return struct.pack(">I", length)


def framed(payload: bytes) -> bytes:
    return header(len(payload)) + payload


VALID_NAMES = ["anna", "ANNA", " Anna ", "Straße", "STRASSE", "José", "Jose\u0301", "bob", "Bob", "cleo"]
"""Few enough that collisions (case, NFC, ß) are frequent."""
NAMES: list[Any] = [*VALID_NAMES, "", "   ", "x" * 33, "a\u200bb", "\u202ebob", "bo\x1bb", 42, None]

TEXTS = st.one_of(
    st.text(max_size=12),  # sometimes empty or whitespace only
    st.sampled_from(["", " ", "\t\n", "x" * 4001, "<b>hi</b>", "\x1b[2J", "\u202eevil"]),
    st.sampled_from([7, None, ["x"]]),
)
CIDS = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]), st.just("c" * 65), st.just(5))
TOS = st.one_of(st.none(), st.sampled_from([n for n in NAMES if isinstance(n, str)] + ["nobody"]), st.just(3))
SINCES = st.one_of(st.none(), st.integers(-3, 40), st.sampled_from([2**63, 2**80, -(2**70), "3", 1.5, True]))
GARBAGE = st.one_of(
    st.sampled_from(
        [
            header(0),
            header(0xFFFF_FFFF),
            header(70_000),
            framed(b"[1]"),
            framed(b"42"),
            framed(b'"say"'),
            framed(b"\xff\xfe"),
            framed(b'{"type":1}'),
            framed(b'{"text":"no type"}'),
            framed(b"{"),
            framed(b'\xef\xbb\xbf{"type":"ping"}'),
            framed(b'{"type":"say","text":"\\ud800"}'),
            header(12) + b'{"type"',  # an unfinished frame: what follows completes it
        ]
    ),
    st.binary(min_size=1, max_size=12),
)
OTHER = st.sampled_from(
    [
        {"type": "ping", "token": "t"},
        {"type": "ping"},
        {"type": "pong", "token": "x"},
        {"type": "bye"},
        {"type": "sudo"},
        {"type": "hello", "version": 1, "name": "late"},
        {"type": "say", "text": "spoof", "from": "anna", "id": 1},
    ]
)

CLOSED = SessionState.CLOSED


def wait_until(qtbot: QtBot, condition: Callable[[], bool], timeout_ms: int = WAIT_MS) -> None:
    """``qtbot.waitUntil`` with a 1 ms step: a step of the machine is a few event-loop
    passes, and there are hundreds of steps."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        qtbot.wait(1)


class ServerMachine(RuleBasedStateMachine):
    qtbot: QtBot
    data_dir: Path

    clients = Bundle("clients")

    def __init__(self) -> None:
        super().__init__()
        qtbot = self.qtbot
        self._capture = qtbot.captureExceptions()
        self.exceptions = self._capture.__enter__()
        settings = Settings(**{**BASE_SETTINGS, "data_dir": self.data_dir})
        self.server = ChatServer(settings, MemoryStore())
        self.server.start()
        self.all: list[ChatClient] = []
        self.sessions: dict[int, Session] = {}

    # --- plumbing ---

    def session(self, client: ChatClient) -> Session:
        return self.sessions[id(client)]

    def settle(self, client: ChatClient) -> None:
        """Until the server has read every byte ``client`` wrote, or dropped it; then one
        more pass, for the server's flush of that pass."""
        session = self.session(client)
        wait_until(
            self.qtbot,
            lambda: session.state is CLOSED or session.conn.bytes_received >= client.conn.bytes_sent,
        )
        self.qtbot.wait(1)

    # --- rules ---

    @rule(target=clients)
    def bare_connection(self) -> ChatClient:
        return self.connect()

    def connect(self) -> ChatClient:
        client = ChatClient(self.qtbot, self.server.port)
        self.all.append(client)
        address = f"127.0.0.1:{client.conn.socket.localPort()}"
        found: list[Session] = []

        def accepted() -> bool:
            found[:] = [s for s in self.server.sessions if s.address == address]
            return bool(found)

        wait_until(self.qtbot, accepted)
        self.sessions[id(client)] = found[0]
        return client

    @rule(target=clients, name=st.sampled_from(VALID_NAMES), since=st.none() | st.integers(-1, 30))
    def join(self, name: str, since: int | None) -> ChatClient:
        """Connect and say a valid hello (the name may be taken)."""
        client = self.connect()
        self.hello(client, name, since)
        return client

    @rule(client=clients, text=st.text(min_size=1, max_size=12), cid=st.none() | st.sampled_from(["a", "b"]))
    def chat(self, client: ChatClient, text: str, cid: str | None) -> None:
        """A say that is usually valid."""
        client.send({"type": "say", "text": text, **({} if cid is None else {"cid": cid})})
        self.settle(client)

    @rule(client=clients, name=st.sampled_from(NAMES), since=SINCES)
    def hello(self, client: ChatClient, name: Any, since: Any) -> None:
        fields: dict[str, Any] = {} if since is None else {"since": since}
        client.send({"type": "hello", "version": 1, "name": name, **fields})
        self.settle(client)

    @rule(client=clients, text=TEXTS, cid=CIDS, to=TOS)
    def say(self, client: ChatClient, text: Any, cid: Any, to: Any) -> None:
        message: dict[str, Any] = {"type": "say", "text": text}
        if cid is not None:
            message["cid"] = cid
        if to is not None:
            message["to"] = to
        client.send(message)
        self.settle(client)

    @rule(client=clients, data=GARBAGE)
    def garbage(self, client: ChatClient, data: bytes) -> None:
        client.send_raw(data)
        self.settle(client)

    @rule(client=clients, message=OTHER)
    def other(self, client: ChatClient, message: dict[str, Any]) -> None:
        client.send(message)
        self.settle(client)

    @rule(client=clients)
    def vanish(self, client: ChatClient) -> None:
        client.close()  # abort: no bye
        session = self.session(client)
        wait_until(self.qtbot, lambda: session.state is CLOSED)

    # --- invariants ---

    @invariant()
    def registered_names_are_valid_and_unique(self) -> None:
        names = [s.name for s in self.server.users]
        for name in names:
            assert name_problem(name) is None, name
            assert normalize_name(name) == name
        keys = [name_key(n) for n in names]
        assert len(keys) == len(set(keys)), names

    @invariant()
    def every_client_sees_increasing_ids_and_the_same_messages(self) -> None:
        stored = {m.id: m for m in self.server.store.since(-1, None)}
        meaning: dict[int, tuple[str, str]] = {}
        for client in self.all:
            welcome = client.of_type("welcome")
            last = 0
            for m in client.of_type("message"):
                assert meaning.setdefault(m["id"], (m["from"], m["text"])) == (m["from"], m["text"])
                if "cid" in m:
                    # only the sender's own copies carry its cid (history replays too,
                    # under whatever spelling of the name it registered then)
                    assert welcome, m
                    assert name_key(m["from"]) == name_key(welcome[0]["name"]), m
                if m["id"] > last:
                    last = m["id"]
                    continue
                # an id again, or an older one: only as the answer to a say whose cid the
                # server already accepted (PROTOCOL.md §3), i.e. that very message again
                assert "cid" in m, (m, last)
                assert not m.get("history"), (m, last)
                original = stored.get(m["id"])
                if original is None:  # private: not in the public listing
                    original = self.server.store.message(m["id"])
                    assert original is not None, m
                assert (original.cid, original.sender_key) == (m["cid"], name_key(m["from"])), (m, original)

    @invariant()
    def no_exception_escaped(self) -> None:
        assert self.exceptions == []

    def teardown(self) -> None:
        try:
            for client in self.all:
                session = self.session(client)
                if session.state is not CLOSED:
                    self.settle(client)
            probe = ChatClient(self.qtbot, self.server.port)
            self.all.append(probe)
            answer = probe.hello("probe")
            assert answer["type"] == "welcome", answer
            probe.send({"type": "ping", "token": "still alive"})
            probe.expect("pong", token="still alive")
            assert probe.of_type("error") == []
            self.every_client_sees_increasing_ids_and_the_same_messages()
            assert self.exceptions == []
        finally:
            for client in self.all:
                client.close()
            self.server.close()
            self._capture.__exit__(None, None, None)


def test_random_sessions_keep_the_server_invariants(qtbot: QtBot, tmp_path: Path) -> None:
    ServerMachine.qtbot = qtbot
    ServerMachine.data_dir = tmp_path
    run_state_machine_as_test(
        ServerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # No shrinking: it replays hundreds of sessions and would outlast the test's
            # timeout; a failure prints its (at most 20) steps as they were generated.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
