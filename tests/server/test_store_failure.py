"""When the history cannot be written, nothing unstored is shown to anyone (§6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.store import MemoryStore, StoredMessage, StoreError
from shared.codec import encode_many
from tests.server.helpers import ChatClient


class FlakyStore(MemoryStore):
    """A store whose disk fails while ``failing`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False

    def append(self, messages: Sequence[StoredMessage]) -> None:
        if self.failing:
            raise StoreError("disk full")
        super().append(messages)


def test_a_failed_write_is_reported_to_the_sender_and_shown_to_no_one(
    qtbot: QtBot, make_server: Callable[..., ChatServer], join: Callable[..., ChatClient]
) -> None:
    store = FlakyStore()
    server = make_server(store=store)
    failures: list[str] = []
    server.store_failed.connect(failures.append)
    anna, bruno = join(server, "anna"), join(server, "bruno")

    store.failing = True
    anna.say("lost to a full disk", cid="c-1")
    error = anna.expect("error", code="server_error")
    assert error["cid"] == "c-1"
    assert error["fatal"] is False
    assert failures == ["disk full"]

    store.failing = False
    anna.say("after the disk was cleaned", cid="c-1")  # the same cid may be sent again
    echo = anna.expect("message", text="after the disk was cleaned")
    assert echo["cid"] == "c-1"
    bruno.expect("message", text="after the disk was cleaned")
    assert "lost to a full disk" not in bruno.texts()
    assert "lost to a full disk" not in anna.texts()
    assert [m.text for m in store.since(0, None)] == ["after the disk was cleaned"]
    assert server.messages_total == 1


def test_a_resent_cid_in_the_same_failed_pass_is_not_answered_with_the_unstored_original(
    make_server: Callable[..., ChatServer], join: Callable[..., ChatClient]
) -> None:
    store = FlakyStore()
    server = make_server(store=store)
    anna, bruno = join(server, "anna"), join(server, "bruno")
    store.failing = True
    say = {"type": "say", "text": "twice in one pass", "cid": "c1"}
    anna.send_raw(encode_many([say, say]))  # one read: one pass
    anna.expect("error", code="server_error", cid="c1")
    store.failing = False
    anna.sync("after")
    bruno.expect("message", text="after")
    assert [m for m in anna.messages() if m.get("cid") == "c1"] == []
    assert [m.text for m in store.since(0, None)] == ["after"]
