"""Join storms through real sockets: a client looping hello and bye, while a listener
counts what it is sent (issue 19: 1 418 joins and leaves a second reached every
listener). Real engine on 127.0.0.1; each round is a new TCP connection, as the
server closes the connection after ``bye`` or a fatal error."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from shared.codec import encode
from shared.limits import PRESENCE_WINDOW
from tests.server.helpers import WAIT_MS, ChatClient, Frame, Storm

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]

ROUNDS = 100
STORM_MS = 20_000


def presence(client: ChatClient, name: str) -> list[Frame]:
    return [f for f in client.received if f.get("type") in ("joined", "left") and f.get("name") == name]


def test_a_hello_and_bye_loop_reaches_a_listener_as_one_join_and_one_leave(
    qtbot: QtBot, make_server: MakeServer, join: Join
) -> None:
    server = make_server(join_burst=ROUNDS + 1, join_per_sec=1.0)  # the storm is not limited here
    listener = join(server, "listener")
    before = len(listener.received)
    storm = Storm(server.port, "mallory", ROUNDS)
    qtbot.waitUntil(storm.done, timeout=STORM_MS)
    assert len(storm.of_type("welcome")) == ROUNDS
    assert all("listener" in w["users"] for w in storm.of_type("welcome"))

    listener.sync("after the storm")
    assert [f["type"] for f in presence(listener, "mallory")] == ["joined", "left", "joined"]
    # The last leave is shown once the name has been gone for the window.
    qtbot.waitUntil(
        lambda: len(presence(listener, "mallory")) == 4, timeout=int(PRESENCE_WINDOW * 1000) + WAIT_MS
    )
    frames = presence(listener, "mallory")
    assert [f["type"] for f in frames] == ["joined", "left", "joined", "left"]
    assert frames[-1]["reason"] == "quit"
    got = listener.received[before:]
    assert sum(len(encode(f)) for f in got) < 1000
    assert server.core.users == [server.core.user("listener")]

    # Back after the window, the name is shown joining again, before anything it says.
    late = join(server, "mallory")
    late.say("sono tornato")
    message = listener.wait_for(lambda f: f.get("type") == "message" and f.get("from") == "mallory")
    assert listener.received.index(presence(listener, "mallory")[-1]) < listener.received.index(message)
    assert presence(listener, "mallory")[-1]["type"] == "joined"


def test_hellos_past_the_addresss_burst_are_refused_with_rate_limited(
    qtbot: QtBot, make_server: MakeServer, join: Join
) -> None:
    server = make_server(join_burst=10, join_per_sec=1.0)
    listener = join(server, "listener")  # the first of the ten
    storm = Storm(server.port, "mallory", 40)
    qtbot.waitUntil(storm.done, timeout=STORM_MS)
    welcomes = storm.of_type("welcome")
    refusals = storm.of_type("error")
    assert len(welcomes) + len(refusals) == 40
    # Nine left in the burst, and a token a second while the storm lasted.
    assert 9 <= len(welcomes) <= 13
    assert {(e["code"], e["fatal"]) for e in refusals} == {("rate_limited", True)}
    listener.sync("still here")
