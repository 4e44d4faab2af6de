"""Names that are identities and private that is private (PROTOCOL.md §8.1), driven in memory."""

from __future__ import annotations

from chat_server_app.bans import BanSpec
from chat_server_app.core import UserKicked
from chat_server_app.store import BanKind, MemoryStore
from tests.server.core.pair import Client, MemoryPair

ANNA = "a" * 22 + "-anna-token"
BRUNO = "b" * 22 + "-bruno-token"
OTHER = "o" * 22 + "-someone-else"


def error_codes(client: Client) -> list[object]:
    return [f["code"] for f in client.of_type("error")]


def test_a_token_reserves_the_name_for_its_owner_only() -> None:
    pair = MemoryPair()
    anna = pair.join("anna", token=ANNA)
    assert anna.of_type("welcome")
    anna.bye()
    for name, fields in [("anna", {"token": OTHER}), ("Anna", {}), ("ANNA", {"token": BRUNO})]:
        thief = pair.join(name, **fields)
        assert error_codes(thief) == ["name_reserved"], name
        assert thief.of_type("error")[0]["fatal"] is True
        assert thief.closed
        assert not thief.of_type("welcome")
    back = pair.join("Anna", token=ANNA)
    assert back.of_type("welcome")[0]["name"] == "Anna"


def test_confusable_names_are_one_name() -> None:
    pair = MemoryPair()
    pair.join("anna", token=ANNA).bye()
    for lookalike in ["\u0410nna", "\uff41\uff4e\uff4e\uff41"]:  # Cyrillic A; fullwidth
        assert error_codes(pair.join(lookalike)) == ["name_reserved"], lookalike
    online = pair.join("bruno")
    assert error_codes(pair.join("brun\u03bf")) == ["name_taken"]  # Greek omicron
    assert online.of_type("welcome")


def test_invisible_fillers_are_not_names() -> None:
    pair = MemoryPair()
    for filler in ["\u3164", "\u2800", "\u115f", "\u1160", "\uffa0", "a\u3164"]:
        assert error_codes(pair.join(filler)) == ["name_invalid"], hex(ord(filler[-1]))


def test_a_hello_without_token_reserves_nothing() -> None:
    pair = MemoryPair()
    pair.join("bot").bye()
    assert pair.join("bot", token=OTHER).of_type("welcome")  # free: now it is OTHER's
    assert pair.core.reservations[0].name == "bot"


def test_the_operator_releases_a_name() -> None:
    pair = MemoryPair()
    pair.join("anna", token=ANNA).bye()
    assert pair.core.release_name("ANNA")
    assert not pair.core.release_name("anna")
    assert pair.join("anna", token=OTHER).of_type("welcome")


def test_released_names_on_the_command_line_are_free_at_start() -> None:
    store = MemoryStore()
    MemoryPair(store).join("anna", token=ANNA).bye()
    pair = MemoryPair(store, release_name=("anna",))
    assert pair.join("anna", token=OTHER).of_type("welcome")


def test_private_messages_are_replayed_to_their_owners_only() -> None:
    pair = MemoryPair()
    anna = pair.join("anna", token=ANNA)
    bruno = pair.join("bruno", token=BRUNO)
    bruno.say("for anna only", cid="c1", to="anna")
    anna.say("public", cid="c2")
    anna.bye()
    bruno.bye()
    # Without a token nobody gets a private message replayed, whatever the name.
    stranger = pair.join("carla", since=0)
    assert [f["text"] for f in stranger.of_type("message")] == ["public"]
    assert all("cid" not in f for f in stranger.of_type("message"))
    back = pair.join("anna", token=ANNA, since=0)
    replay = back.of_type("message")
    assert [f["text"] for f in replay] == ["for anna only", "public"]
    assert "cid" not in replay[0]  # bruno's cid is bruno's
    assert replay[1]["cid"] == "c2"  # her own: she can match it to what she holds


def test_a_free_name_taken_later_does_not_see_its_earlier_holders_cids_or_privates() -> None:
    pair = MemoryPair()
    first = pair.join("zoe")  # no token: the name stays free
    pair.join("bruno", token=BRUNO)
    first.say("mine", cid="z1")
    pair.clients[1].say("psst", to="zoe")
    first.bye()
    later = pair.join("zoe", token=OTHER, since=0)
    assert [f["text"] for f in later.of_type("message")] == ["mine"]
    assert "cid" not in later.of_type("message")[0]


def test_a_private_message_to_an_offline_owner_waits_for_their_return() -> None:
    pair = MemoryPair()
    pair.join("anna", token=ANNA).bye()
    bruno = pair.join("bruno", token=BRUNO)
    bruno.say("see you tomorrow", cid="b1", to="ANNA")
    (echo,) = bruno.of_type("message")
    assert echo["offline"] is True
    assert echo["cid"] == "b1"
    assert echo["to"] == "anna"
    assert not error_codes(bruno)
    bruno.say("hello?", cid="b2", to="nobody")
    assert error_codes(bruno) == ["no_such_user"]
    anna = pair.join("anna", token=ANNA)
    assert [f["text"] for f in anna.of_type("message")] == ["see you tomorrow"]


def test_operator_reads_private_is_told_in_the_welcome() -> None:
    assert MemoryPair().join("a").of_type("welcome")[0]["operator_reads_private"] is False
    pair = MemoryPair(operator_reads_private=True)
    assert pair.join("a").of_type("welcome")[0]["operator_reads_private"] is True


def test_the_server_id_names_the_history() -> None:
    store = MemoryStore()
    first = MemoryPair(store).join("a").of_type("welcome")[0]["server_id"]
    again = MemoryPair(store).join("a").of_type("welcome")[0]["server_id"]
    other = MemoryPair(MemoryStore()).join("a").of_type("welcome")[0]["server_id"]
    assert isinstance(first, str)
    assert first
    assert first == again != other


# --- bans -------------------------------------------------------------------------------


def test_a_name_ban_kicks_the_owner_and_shuts_out_their_token_under_any_name() -> None:
    pair = MemoryPair()
    anna = pair.join("anna", token=ANNA)
    witness = pair.join("bruno")
    pair.core.ban(BanKind.NAME, "Anna", 3600, "spam")
    pair.pump()
    assert anna.of_type("kicked")
    assert anna.closed
    assert any(isinstance(e, UserKicked) for e in pair.events)
    assert witness.of_type("left")[-1]["reason"] == "kicked"
    again = pair.join("anna", token=ANNA)
    (error,) = again.of_type("error")
    assert error["code"] == "banned"
    assert error["fatal"] is True
    assert isinstance(error["until"], str)
    assert "1 h" in str(error["message"])
    assert error_codes(pair.join("annie", token=ANNA)) == ["banned"]
    assert pair.join("annie", token=OTHER).of_type("welcome")


def test_a_ban_ends_on_time_and_can_be_lifted() -> None:
    pair = MemoryPair()
    pair.core.ban(BanKind.NAME, "anna", 60)
    assert error_codes(pair.join("anna")) == ["banned"]
    pair.tick(61)
    assert pair.join("anna").of_type("welcome")
    pair.core.ban(BanKind.NAME, "bruno", None)
    assert "until" not in pair.join("bruno").of_type("error")[0]
    assert pair.core.unban(BanKind.NAME, "BRUNO")
    assert pair.join("bruno").of_type("welcome")


def test_an_address_ban_shuts_out_every_name_from_there() -> None:
    pair = MemoryPair()
    pair.core.ban(BanKind.ADDRESS, "192.168.1.7", 600)
    blocked = pair.connect(address="192.168.1.7:5555")
    blocked.hello("anyone")
    assert error_codes(blocked) == ["banned"]
    elsewhere = pair.connect(address="192.168.1.8:5555")
    elsewhere.hello("anyone")
    assert elsewhere.of_type("welcome")


def test_bans_from_the_config_hold_and_are_not_stored() -> None:
    store = MemoryStore()
    pair = MemoryPair(store, ban=(BanSpec(BanKind.NAME, "Mallory", 120.0),))
    assert error_codes(pair.join("mallory")) == ["banned"]
    assert store.bans() == []
    assert [b.value for b in pair.core.bans()] == [pair.core.bans()[0].value]
    pair.tick(121)
    assert pair.join("mallory").of_type("welcome")


def test_dashboard_bans_survive_a_restart() -> None:
    store = MemoryStore()
    MemoryPair(store).core.ban(BanKind.NAME, "anna", None, "rude")
    assert error_codes(MemoryPair(store).join("anna")) == ["banned"]
