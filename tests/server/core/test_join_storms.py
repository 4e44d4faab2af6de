"""Join storms in memory: hellos limited per address, and a name's flapping damped for
the others, with what they are shown always true (PROTOCOL.md §6: presence and
messages in one order; nobody's message while they are shown absent)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.core import UserJoined, UserLeft
from shared.limits import PRESENCE_WINDOW
from tests.server.core.pair import Client, MemoryPair


def unlimited() -> MemoryPair:
    """Rules whose hellos per address are not limited: the damping alone is tested."""
    return MemoryPair(join_burst=1_000_000, join_per_sec=1_000_000.0)


STORM_ADDRESS = "10.9.9.9:5000"


def presence_of(client: Client, name: str) -> list[str]:
    return [str(f["type"]) for f in client.frames if f["type"] in ("joined", "left") and f["name"] == name]


class View:
    """Who one client is shown present, frame by frame; it checks that no message
    comes from someone shown absent, and no ``joined``/``left`` contradicts the view."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.present: set[str] = set()
        self._read = 0

    def update(self) -> None:
        for frame in self.client.frames[self._read :]:
            kind = frame["type"]
            if kind == "welcome":
                users = frame["users"]
                assert isinstance(users, list)
                self.present = {str(n) for n in users}
            elif kind == "joined":
                assert frame["name"] not in self.present, f"joined of someone shown present: {frame}"
                self.present.add(str(frame["name"]))
            elif kind == "left":
                assert frame["name"] in self.present, f"left of someone shown absent: {frame}"
                self.present.discard(str(frame["name"]))
            elif kind == "message" and not frame.get("history"):
                assert frame["from"] in self.present, f"message from someone shown absent: {frame}"
        self._read = len(self.client.frames)


def storm(pair: MemoryPair, name: str, rounds: int, address: str = STORM_ADDRESS) -> list[Client]:
    made = []
    for _ in range(rounds):
        client = pair.connect(address=address)
        client.hello(name)
        client.bye()
        made.append(client)
    return made


# --- (a) hellos per address ------------------------------------------------------------


def test_hellos_from_one_address_past_the_burst_are_refused_before_welcome() -> None:
    pair = MemoryPair(join_burst=3, join_per_sec=1.0)
    clients = storm(pair, "mallory", 5)
    assert [c.types() for c in clients[:3]] == [["welcome"]] * 3
    for client in clients[3:]:
        assert client.types() == ["error"]
        assert client.frames[0]["code"] == "rate_limited"
        assert client.frames[0]["fatal"] is True
        assert client.closed
    # The bucket refills: one more a second.
    pair.tick(1.0)
    assert storm(pair, "mallory", 2)[0].types() == ["welcome"]


def test_another_address_is_not_limited_by_ones_storm() -> None:
    pair = MemoryPair(join_burst=2, join_per_sec=0.5)
    storm(pair, "mallory", 10)
    anna = pair.connect(address="10.0.0.50:4000")
    anna.hello("anna")
    assert anna.types() == ["welcome"]


def test_wrong_passwords_spend_the_addresss_hellos_too() -> None:
    pair = MemoryPair(join_burst=2, join_per_sec=0.5, password="secret")
    clients = []
    for _ in range(4):
        client = pair.connect(address=STORM_ADDRESS)
        client.hello("mallory", password="guess")
        clients.append(client)
    # the wrong passwords are answered after their wait (core/gate.py), the others at once
    assert [c.frames for c in clients[:2]] == [[], []]
    pair.tick(0.8)
    codes = [c.frames[0]["code"] for c in clients]
    assert codes == ["auth_failed", "auth_failed", "rate_limited", "rate_limited"]


def test_the_buckets_of_quiet_addresses_are_forgotten() -> None:
    pair = MemoryPair(join_burst=4, join_per_sec=0.5)
    for n in range(50):
        pair.connect(address=f"10.1.0.{n}:4000").hello(f"u{n}")
    assert len(pair.core._joins) == 50
    pair.tick(1.0)
    assert len(pair.core._joins) == 50  # 3.5 tokens of 4
    pair.tick(1.0)
    assert len(pair.core._joins) == 0


# --- (b) a flapping name, as the others see it ------------------------------------------


def test_a_storm_of_hello_and_bye_is_one_joined_and_one_left_pair_at_most() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    view = View(anna)
    clients = storm(pair, "mallory", 200)
    view.update()
    assert all(c.types()[0] == "welcome" for c in clients)
    assert presence_of(anna, "mallory") == ["joined", "left", "joined"]
    pair.tick(PRESENCE_WINDOW)
    view.update()
    assert presence_of(anna, "mallory") == ["joined", "left", "joined", "left"]
    assert view.present == {"anna"}
    # The dashboard still hears of every real join and leave.
    assert sum(isinstance(e, UserJoined) for e in pair.events) == 201
    assert sum(isinstance(e, UserLeft) for e in pair.events) == 200


def test_a_single_leave_is_shown_at_once() -> None:
    pair = MemoryPair()
    anna, bruno = pair.join("anna"), pair.join("bruno")
    bruno.bye()
    assert presence_of(anna, "bruno") == ["joined", "left"]


def test_a_reconnect_after_a_long_session_is_one_pair_and_then_damped() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    bruno = pair.join("bruno")
    pair.tick(60.0)
    bruno.bye()
    bruno = pair.join("bruno")
    assert presence_of(anna, "bruno") == ["joined", "left", "joined"]
    bruno.bye()  # flapping now: held
    assert presence_of(anna, "bruno") == ["joined", "left", "joined"]
    bruno = pair.join("bruno")
    assert presence_of(anna, "bruno") == ["joined", "left", "joined"]
    assert bruno.frames[0]["users"] == ["anna", "bruno"]


def test_who_arrives_while_a_left_is_held_is_shown_the_name_then_its_left() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    storm(pair, "mallory", 3)
    carla = pair.join("carla")
    assert carla.frames[0]["users"] == ["anna", "carla", "mallory"]
    view = View(carla)
    pair.tick(PRESENCE_WINDOW)
    view.update()
    assert presence_of(carla, "mallory") == ["left"]
    assert view.present == {"anna", "carla"}
    assert pair.core.users == [anna.session, carla.session]


def test_a_return_within_the_window_then_a_message_keeps_the_order() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    view = View(anna)
    storm(pair, "bruno", 2)
    bruno = pair.join("bruno")
    bruno.say("eccomi")
    pair.tick(PRESENCE_WINDOW * 3)
    view.update()
    assert "bruno" in view.present
    assert presence_of(anna, "bruno") == ["joined", "left", "joined"]
    assert anna.of_type("message")[-1]["from"] == "bruno"


def test_a_return_spelled_otherwise_shows_the_old_spelling_leaving_first() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    view = View(anna)
    storm(pair, "bruno", 2)
    other = pair.join("BRUNO")
    other.say("ciao")
    view.update()
    assert presence_of(anna, "bruno") == ["joined", "left", "joined", "left"]
    assert presence_of(anna, "BRUNO") == ["joined"]
    assert other.frames[0]["users"] == ["BRUNO", "anna"]
    assert not presence_of(other, "bruno")


def test_a_kick_is_shown_at_once_even_when_flapping() -> None:
    pair = unlimited()
    anna = pair.join("anna")
    storm(pair, "bruno", 2)
    bruno = pair.join("bruno")
    pair.core.kick(bruno.session, "basta")
    pair.pump()
    lefts = [f for f in anna.of_type("left") if f["name"] == "bruno"]
    assert lefts[-1]["reason"] == "kicked"


def test_a_stop_forgets_the_held_names() -> None:
    pair = unlimited()
    pair.join("anna")
    storm(pair, "bruno", 2)
    pair.core.shut_down("bye")
    pair.pump()
    carla = pair.join("carla")
    assert carla.frames[0]["users"] == ["carla"]


NAMES = ("anna", "Anna", "bruno")
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.sampled_from(NAMES)),
        st.tuples(st.just("bye"), st.sampled_from(NAMES)),
        st.tuples(st.just("say"), st.sampled_from(NAMES)),
        st.tuples(st.just("tick"), st.sampled_from((0.1, 0.5, 1.0, PRESENCE_WINDOW))),
        st.tuples(st.just("listener"), st.just("")),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ACTIONS)
def test_what_everyone_is_shown_stays_true_whatever_the_comings_and_goings(
    actions: list[tuple[str, object]],
) -> None:
    pair = unlimited()
    views = [View(pair.join("watcher"))]
    online: dict[str, Client] = {}
    for action, arg in actions:
        if action == "join" and isinstance(arg, str):
            client = pair.connect(address=STORM_ADDRESS)
            client.hello(arg)
            if client.types() == ["welcome"]:
                online[arg] = client
        elif action == "bye" and arg in online:
            online.pop(str(arg)).bye()
        elif action == "say" and arg in online:
            online[str(arg)].say("hi")
        elif action == "tick" and isinstance(arg, float):
            pair.tick(arg)
        elif action == "listener":
            views.append(View(pair.join(f"late{len(views)}")))
        for view in views:
            view.update()
    pair.tick(PRESENCE_WINDOW)
    registered = {s.name for s in pair.core.users}
    for view in views:
        view.update()
        assert view.present == registered
