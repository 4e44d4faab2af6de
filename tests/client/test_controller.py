"""The client controller against a real server engine on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from chat_client_app.controller import ClientController, ClientState, ConnectRequest, SendState
from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from shared.limits import TEXT_MAX_CHARS
from shared.messages import ChatMessage, Welcome
from tests.client.conftest import WAIT_MS, Recorder
from tests.client.fake_server import FakeServer

Join = Callable[..., ClientController]
MakeRecorder = Callable[[ClientController], Recorder]


def cut_link(server: ChatServer, name: str) -> None:
    """Drop ``name``'s connection on the server's side, as a broken network would."""
    session = next(s for s in server.users if s.name == name)
    session.conn.abort()


def test_connect_gets_welcome_and_states_in_order(
    qtbot: QtBot, server: ChatServer, make_controller: Callable[..., ClientController]
) -> None:
    controller = make_controller()
    states: list[str] = []
    controller.state_changed.connect(states.append)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS) as blocker:
        controller.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    welcome = blocker.args[0]
    assert isinstance(welcome, Welcome)
    assert welcome.name == "anna"
    assert welcome.server == "Test Server"
    assert states == ["connecting", "registering", "connected"]
    assert controller.state is ClientState.CONNECTED


def test_messages_both_ways_and_pending_then_sent(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna = join(server, "anna")
    bruno = join(server, "bruno")
    seen_anna, seen_bruno = recorder(anna), recorder(bruno)
    with qtbot.waitSignal(anna.message_queued, timeout=WAIT_MS) as queued:
        cid = anna.say("ciao Bruno")
    assert queued.args[0].state is SendState.PENDING
    assert [o.cid for o in anna.pending] == [cid]
    qtbot.waitUntil(lambda: seen_anna.state_of(cid) == "sent", timeout=WAIT_MS)
    assert anna.pending == []
    qtbot.waitUntil(lambda: seen_bruno.texts() == ["ciao Bruno"], timeout=WAIT_MS)
    echo = seen_anna.messages[-1]
    assert echo.cid == cid
    assert echo.sender == "anna"
    assert seen_bruno.messages[0].cid is None  # only the sender gets its cid back

    bruno.say("ciao Anna")
    qtbot.waitUntil(lambda: seen_anna.texts() == ["ciao Bruno", "ciao Anna"], timeout=WAIT_MS)
    assert seen_anna.messages[1].id > seen_anna.messages[0].id


def test_user_list_and_presence(qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder) -> None:
    anna = join(server, "anna")
    seen = recorder(anna)
    users: list[list[str]] = []
    controller = join(server, "bruno")
    controller.users_reset.connect(users.append)
    qtbot.waitUntil(lambda: ("joined", "bruno") in seen.events, timeout=WAIT_MS)
    controller.quit()
    qtbot.waitUntil(lambda: ("left", "bruno", "quit") in seen.events, timeout=WAIT_MS)


def test_private_message_reaches_only_its_party(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna, bruno, carla = join(server, "anna"), join(server, "bruno"), join(server, "carla")
    seen_anna, seen_bruno, seen_carla = recorder(anna), recorder(bruno), recorder(carla)
    cid = anna.say("solo per te", to="bruno")
    qtbot.waitUntil(lambda: seen_anna.state_of(cid) == "sent", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: seen_bruno.texts() == ["solo per te"], timeout=WAIT_MS)
    assert seen_bruno.messages[0].to == "bruno"
    assert seen_anna.messages[0].to == "bruno"
    carla.say("public")
    qtbot.waitUntil(lambda: seen_bruno.texts() == ["solo per te", "public"], timeout=WAIT_MS)
    assert seen_carla.texts() == ["public"]


def test_no_such_user_marks_the_say_failed(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna = join(server, "anna")
    seen = recorder(anna)
    cid = anna.say("hello?", to="nobody")
    qtbot.waitUntil(lambda: seen.state_of(cid) == "failed", timeout=WAIT_MS)
    reason = [r for c, s, r in seen.send_states if c == cid][-1]
    assert "nobody" in reason


def test_text_invalid_marks_the_say_failed_and_the_session_goes_on(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna = join(server, "anna")
    seen = recorder(anna)
    bad = anna.say("x" * (TEXT_MAX_CHARS + 1))
    good = anna.say("short")
    qtbot.waitUntil(lambda: seen.state_of(good) == "sent", timeout=WAIT_MS)
    assert seen.state_of(bad) == "failed"
    assert anna.state is ClientState.CONNECTED
    assert seen.texts() == ["short"]


def test_rate_limited_says_wait_their_turn_and_are_all_sent_in_order(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join, recorder: MakeRecorder
) -> None:
    # A server stricter than the client's pace: what it refuses is sent again later.
    server = make_server(rate_burst=3, rate_per_sec=4)
    anna = join(server, "anna")
    seen = recorder(anna)
    cids = [anna.say(f"m{i}") for i in range(6)]
    qtbot.waitUntil(lambda: all(seen.state_of(c) == "sent" for c in cids), timeout=10_000)
    assert "failed" not in [s for c, s, r in seen.send_states]
    assert [m.text for m in server.store.since(0, "anna")] == [f"m{i}" for i in range(6)]
    assert anna.pending == []


def test_failed_say_can_be_retried_with_its_cid(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join, recorder: MakeRecorder
) -> None:
    server = make_server()
    anna = join(server, "anna")
    seen = recorder(anna)
    cid = anna.say("to nobody yet", to="bruno")
    qtbot.waitUntil(lambda: seen.state_of(cid) == "failed", timeout=WAIT_MS)
    join(server, "bruno")
    assert anna.retry(cid)
    qtbot.waitUntil(lambda: seen.state_of(cid) == "sent", timeout=WAIT_MS)
    assert not anna.retry(cid)


def test_said_before_connecting_is_sent_after_the_welcome(
    qtbot: QtBot,
    server: ChatServer,
    make_controller: Callable[..., ClientController],
    recorder: MakeRecorder,
) -> None:
    anna = make_controller()
    seen = recorder(anna)
    cid = anna.say("typed before connecting")
    assert [o.cid for o in anna.pending] == [cid]
    anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: seen.state_of(cid) == "sent", timeout=WAIT_MS)
    assert seen.texts() == ["typed before connecting"]


def test_connecting_elsewhere_fails_what_was_pending_and_the_same_place_keeps_it(
    qtbot: QtBot,
    make_server: Callable[..., ChatServer],
    join: Join,
    recorder: MakeRecorder,
) -> None:
    first, second = make_server(), make_server()
    anna = join(first, "anna", backoff_base=30.0, backoff_cap=30.0)
    seen = recorder(anna)
    cut_link(first, "anna")
    qtbot.waitUntil(lambda: anna.state is ClientState.RECONNECTING, timeout=WAIT_MS)
    kept = anna.say("for the first server")
    # The same server and name again (the dialog's "Connect" after a drop): a reconnect.
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("ANNA", "127.0.0.1", first.port))
    qtbot.waitUntil(lambda: seen.state_of(kept) == "sent", timeout=WAIT_MS)
    cut_link(first, "ANNA")
    qtbot.waitUntil(lambda: anna.state is ClientState.RECONNECTING, timeout=WAIT_MS)
    lost = anna.say("also for the first server")
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", second.port))
    assert seen.state_of(lost) == "failed"
    assert "left that server" in [r for c, s, r in seen.send_states if c == lost][-1]
    assert [m.text for m in second.store.since(0, "anna")] == []


def test_history_on_join_is_delivered_as_one_burst(
    qtbot: QtBot, server: ChatServer, join: Join, make_controller: Callable[..., ClientController]
) -> None:
    anna = join(server, "anna")
    for i in range(5):
        anna.say(f"old {i}")
    qtbot.waitUntil(lambda: not anna.pending, timeout=WAIT_MS)
    bruno = make_controller()
    bursts: list[list[ChatMessage]] = []
    bruno.messages_received.connect(bursts.append)
    with qtbot.waitSignal(bruno.connected, timeout=WAIT_MS):
        bruno.connect_to(ConnectRequest("bruno", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: sum(len(b) for b in bursts) == 5, timeout=WAIT_MS)
    assert len(bursts) == 1
    assert all(m.history for m in bursts[0])


def test_server_restart_mid_conversation_loses_nothing(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join, recorder: MakeRecorder, tmp_path: Path
) -> None:
    data = tmp_path / "restart"
    server = make_server(store=SqliteStore.in_dir(data))
    port = server.port
    anna, bruno = join(server, "anna"), join(server, "bruno")
    seen_anna, seen_bruno = recorder(anna), recorder(bruno)
    anna.say("before 1")
    bruno.say("before 2")
    qtbot.waitUntil(lambda: len(seen_anna.texts()) == 2 and len(seen_bruno.texts()) == 2, timeout=WAIT_MS)

    with qtbot.waitSignals([anna.shutdown_received, bruno.shutdown_received], timeout=WAIT_MS):
        server.close()  # stop, and let go of the SQLite file
    qtbot.waitUntil(
        lambda: anna.state is not ClientState.CONNECTED and bruno.state is not ClientState.CONNECTED,
        timeout=WAIT_MS,
    )
    typed = [anna.say("while down 1"), anna.say("while down 2")]
    typed_bruno = bruno.say("bruno while down")
    assert {o.state for o in anna.pending} == {SendState.PENDING}
    # The clients keep trying (refused) while the server is away.
    qtbot.waitUntil(
        lambda: ("attempt_failed", "refused") in [e[:2] for e in seen_anna.events], timeout=WAIT_MS
    )

    restarted = make_server(store=SqliteStore.in_dir(data), port=port)
    assert restarted.port == port
    qtbot.waitUntil(lambda: anna.state is ClientState.CONNECTED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bruno.state is ClientState.CONNECTED, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            all(seen_anna.state_of(c) == "sent" for c in typed) and seen_bruno.state_of(typed_bruno) == "sent"
        ),
        timeout=WAIT_MS,
    )
    anna.say("after")
    expected = {"before 1", "before 2", "while down 1", "while down 2", "bruno while down", "after"}
    for seen in (seen_anna, seen_bruno):

        def all_shown(seen: Recorder = seen) -> bool:
            return set(seen.texts()) == expected

        qtbot.waitUntil(all_shown, timeout=WAIT_MS)
    # Exactly once, in the server's order, the same order on both clients.
    for seen in (seen_anna, seen_bruno):
        ids = [m.id for m in seen.messages]
        assert ids == sorted(set(ids)), ids
        assert len(seen.texts()) == len(expected)
    assert seen_anna.texts() == seen_bruno.texts()
    assert seen_anna.texts().index("while down 1") < seen_anna.texts().index("while down 2")
    assert anna.pending == []
    assert ("disconnected", "shutdown") in seen_anna.events


def test_a_say_stored_but_unacknowledged_is_not_posted_twice(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    seen_anna, seen_bruno = recorder(anna), recorder(bruno)
    # The server stores the say, then anna's link breaks before the echo is written.
    server.messages_posted.connect(lambda batch: cut_link(server, "anna"))
    cid = anna.say("exactly once")
    qtbot.waitUntil(lambda: anna.state is not ClientState.CONNECTED, timeout=WAIT_MS)
    server.messages_posted.disconnect()
    assert [o.cid for o in anna.pending] == [cid]
    qtbot.waitUntil(lambda: seen_anna.state_of(cid) == "sent", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: seen_bruno.texts() == ["exactly once"], timeout=WAIT_MS)
    anna.say("next")
    qtbot.waitUntil(lambda: seen_bruno.texts() == ["exactly once", "next"], timeout=WAIT_MS)
    assert seen_anna.texts() == ["exactly once", "next"]
    assert [m.text for m in server.store.since(0, "anna")] == ["exactly once", "next"]


def test_missed_messages_are_replayed_once_with_a_count(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    # A long backoff keeps anna away while bruno talks; retry_now brings her back.
    anna = join(server, "anna", backoff_base=30.0, backoff_cap=30.0)
    bruno = join(server, "bruno")
    seen_anna = recorder(anna)
    bruno.say("seen live")
    qtbot.waitUntil(lambda: seen_anna.texts() == ["seen live"], timeout=WAIT_MS)
    finished: list[tuple[int, int]] = []
    anna.replay_finished.connect(lambda n, first: finished.append((n, first)))
    with qtbot.waitSignal(anna.reconnect_scheduled, timeout=WAIT_MS):
        cut_link(server, "anna")
    bruno.say("missed 1")
    bruno.say("missed 2")
    qtbot.waitUntil(lambda: not bruno.pending, timeout=WAIT_MS)
    with qtbot.waitSignal(anna.replay_started, timeout=WAIT_MS):
        anna.retry_now()
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT_MS)
    assert seen_anna.texts() == ["seen live", "missed 1", "missed 2"]
    count, first = finished[0]
    assert count == 2
    assert first == seen_anna.messages[1].id


def test_kicked_client_does_not_reconnect(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna = join(server, "anna")
    seen = recorder(anna)
    with qtbot.waitSignal(anna.kicked, timeout=WAIT_MS) as blocker:
        server.kick("anna", "be nice")
    assert blocker.args == ["be nice"]
    qtbot.waitUntil(lambda: anna.state is ClientState.DISCONNECTED, timeout=WAIT_MS)
    with qtbot.assertNotEmitted(anna.reconnect_scheduled, wait=400):
        pass
    assert anna.state is ClientState.DISCONNECTED
    assert ("disconnected", "kicked") in seen.events
    assert "reconnecting" not in seen.states


def test_shutdown_is_reported_and_reconnect_attempted(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join, recorder: MakeRecorder
) -> None:
    server = make_server()
    anna = join(server, "anna")
    seen = recorder(anna)
    with qtbot.waitSignals([anna.shutdown_received, anna.reconnect_scheduled], timeout=WAIT_MS):
        server.stop("maintenance at noon")
    assert ("shutdown", "maintenance at noon") in seen.events
    # Nobody listens: the attempt fails as refused and another one is scheduled.
    with qtbot.waitSignal(anna.attempt_failed, timeout=WAIT_MS) as failed:
        pass
    assert failed.args[0] == "refused"
    assert anna.state is ClientState.RECONNECTING
    with qtbot.waitSignal(anna.reconnect_scheduled, timeout=WAIT_MS):
        pass


def test_quit_sends_bye_and_never_reconnects(
    qtbot: QtBot, server: ChatServer, join: Join, recorder: MakeRecorder
) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    seen_bruno = recorder(bruno)
    with qtbot.waitSignal(anna.disconnected, timeout=WAIT_MS) as blocker:
        anna.quit()
    assert blocker.args == ["quit"]
    qtbot.waitUntil(lambda: ("left", "anna", "quit") in seen_bruno.events, timeout=WAIT_MS)
    with qtbot.assertNotEmitted(anna.reconnect_scheduled, wait=300):
        pass
    assert anna.state is ClientState.DISCONNECTED


def test_first_attempt_failures_are_reported_and_not_retried(
    qtbot: QtBot,
    make_server: Callable[..., ChatServer],
    join: Join,
    make_controller: Callable[..., ClientController],
) -> None:
    server = make_server(password="segreto")
    join(server, "anna", password="segreto")
    cases = [
        (ConnectRequest("ANNA", "127.0.0.1", server.port, "segreto"), "name_taken", "ANNA"),
        (ConnectRequest("bruno", "127.0.0.1", server.port, "wrong"), "auth_failed", "Wrong password"),
        (ConnectRequest("bruno", "127.0.0.1", server.port), "auth_failed", "needs a password"),
    ]
    for request, kind, words in cases:
        controller = make_controller()
        with qtbot.waitSignal(controller.attempt_failed, timeout=WAIT_MS) as blocker:
            controller.connect_to(request)
        assert blocker.args[0] == kind
        assert words in blocker.args[1]
        assert controller.state is ClientState.DISCONNECTED
        with qtbot.assertNotEmitted(controller.reconnect_scheduled, wait=100):
            pass


def test_refused_port_is_reported(
    qtbot: QtBot, make_server: Callable[..., ChatServer], make_controller: Callable[..., ClientController]
) -> None:
    server = make_server()
    port = server.port
    server.close()
    controller = make_controller()
    with qtbot.waitSignal(controller.attempt_failed, timeout=WAIT_MS) as blocker:
        controller.connect_to(ConnectRequest("anna", "127.0.0.1", port))
    assert blocker.args[0] == "refused"
    assert f"127.0.0.1:{port}" in blocker.args[1]
    assert controller.state is ClientState.DISCONNECTED


def test_answers_server_ping_and_measures_rtt(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join, recorder: MakeRecorder
) -> None:
    server = make_server(ping_after=0.2, ping_timeout=0.5)
    anna = join(server, "anna", idle_ping=30.0)
    # The server pings after 0.2 s of silence; its session records the time to our pong.
    qtbot.waitUntil(lambda: bool(server.users) and server.users[0].rtt is not None, timeout=WAIT_MS)
    assert anna.state is ClientState.CONNECTED
    assert [s.name for s in server.users] == ["anna"]


def test_idle_ping_measures_rtt(qtbot: QtBot, server: ChatServer, join: Join) -> None:
    anna = join(server, "anna", idle_ping=0.1)
    with qtbot.waitSignal(anna.rtt_measured, timeout=WAIT_MS) as blocker:
        pass
    assert 0 <= blocker.args[0] < 1.0
    assert anna.rtt is not None


def test_no_answer_to_our_ping_counts_as_a_drop(
    qtbot: QtBot, make_controller: Callable[..., ClientController], recorder: MakeRecorder
) -> None:
    """A peer that answers the hello, then says nothing at all (a dead link TCP has not noticed)."""
    mute = FakeServer(answer_pings=False)
    anna = make_controller(idle_ping=0.1, ping_timeout=0.2, backoff_base=5.0, backoff_cap=5.0)
    seen = recorder(anna)
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", mute.port))
    with qtbot.waitSignal(anna.reconnect_scheduled, timeout=WAIT_MS):
        pass
    assert ("disconnected", "lost") in seen.events
    assert [f["type"] for f in mute.frames] == ["hello", "ping", "ping"]  # ours, after welcome and idle
    mute.close()


def test_retry_now_skips_the_countdown(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Join
) -> None:
    server = make_server()
    anna = join(server, "anna", backoff_base=20.0, backoff_cap=30.0)
    countdown: list[int] = []
    anna.reconnect_countdown.connect(countdown.append)
    with qtbot.waitSignal(anna.reconnect_scheduled, timeout=WAIT_MS) as blocker:
        cut_link(server, "anna")
    assert 16 <= blocker.args[0] <= 24
    assert countdown
    assert countdown[0] >= 16
    assert anna.reconnect_remaining > 10
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.retry_now()
    assert anna.reconnect_remaining == 0


def test_quit_while_registering_still_says_bye(
    qtbot: QtBot, server: ChatServer, make_controller: Callable[..., ClientController]
) -> None:
    """Closing the window right after connecting: the server reads hello, then bye."""
    anna = make_controller()
    left: list[str] = []
    server.user_left.connect(lambda session, reason: left.append(f"{session.name}:{reason}"))
    anna.state_changed.connect(lambda state: anna.quit() if state == "registering" else None)
    anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    qtbot.waitUntil(lambda: left == ["anna:quit"], timeout=WAIT_MS)
    assert anna.state is ClientState.DISCONNECTED


def test_name_taken_on_a_reconnect_is_our_old_connection_and_retried(
    qtbot: QtBot, make_controller: Callable[..., ClientController], recorder: MakeRecorder
) -> None:
    taken = {"type": "error", "code": "name_taken", "message": "the name 'anna' is taken", "fatal": True}
    server = FakeServer(refuse={1: taken})
    anna = make_controller()
    seen = recorder(anna)
    with qtbot.waitSignal(anna.connected, timeout=WAIT_MS):
        anna.connect_to(ConnectRequest("anna", "127.0.0.1", server.port))
    server.sockets[0].abort()  # the link breaks; the server has not noticed yet
    qtbot.waitUntil(lambda: server.hellos == 3 and anna.state is ClientState.CONNECTED, timeout=WAIT_MS)
    assert ("attempt_failed", "name_taken") in [e[:2] for e in seen.events]
    assert seen.states[-3:] == ["connecting", "registering", "connected"]
    assert "disconnected" not in seen.states[seen.states.index("reconnecting") :]
    server.close()
