"""Ids and acknowledged messages after a crash of a real server process (PROTOCOL.md §8.2).

A headless server process takes says as fast as a client pipelines them. Then:

- it is killed with SIGKILL right after its acknowledgements, and started again on the
  same data directory: every message it acknowledged (echoed) is in the history under
  the id it was given, the ``server_id`` is the same, and no id handed out after the
  restart repeats one handed out before;
- or, the process still running, its database files are copied right after the
  acknowledgements, as a machine that lost its power would leave them (the database,
  its ``-wal`` and ``-shm``): a server started on the copy has every acknowledged
  message, and goes on with new ids.
"""

from __future__ import annotations

import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.store import SqliteStore
from shared.codec import encode
from tests.security.conftest import ServerProcess
from tests.wire import Frame, WireClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

RATE = ("--rate-burst", "100000", "--rate-per-sec", "100000")
"""The test is about ids, not rate: the says come as fast as the socket takes them."""
TOKEN = "ada's secret token, 32 chars ok"
BATCH = 25
WAIT_S = 10.0


def join(port: int, **fields: object) -> tuple[WireClient, Frame]:
    client = WireClient.to(port, timeout=WAIT_S)
    client.send({"type": "hello", "version": 2, "name": "ada", "token": TOKEN, **fields})
    welcome = client.wait_for(lambda f: f.get("type") in ("welcome", "error"))
    assert welcome["type"] == "welcome", welcome
    return client, welcome


def echoes(client: WireClient) -> dict[str, int]:
    """The says acknowledged so far: cid -> id."""
    return {
        f["cid"]: f["id"]
        for f in client.received
        if f.get("type") == "message" and "cid" in f and not f.get("history")
    }


def send_batch(client: WireClient, first: int, prefix: str) -> None:
    """``BATCH`` says in one write, numbered from ``first``."""
    client.sock.sendall(
        b"".join(
            encode({"type": "say", "text": f"{prefix} {n:04d}", "cid": f"{prefix}-{n}"})
            for n in range(first, first + BATCH)
        )
    )


def replayed(port: int) -> tuple[Frame, dict[str, int], dict[int, str]]:
    """A new session's welcome and full replay: cid -> id of ada's own, id -> text of all."""
    client, welcome = join(port, since=0)
    client.send({"type": "ping", "token": "end"})
    client.expect("pong", token="end")
    history = [f for f in client.received if f.get("type") == "message" and f.get("history")]
    client.close()
    own = {f["cid"]: f["id"] for f in history if "cid" in f}
    return welcome, own, {f["id"]: f["text"] for f in history}


def more_ids(port: int, count: int) -> list[int]:
    """Ids the server hands out to ``count`` new says."""
    client, _ = join(port)
    send_batch(client, 0, "after")
    client.wait_for(lambda f: f.get("cid") == f"after-{BATCH - 1}" and not f.get("history"))
    ids = [echoes(client)[f"after-{n}"] for n in range(count)]
    client.close()
    return ids


def check_nothing_acknowledged_was_lost(
    acked: dict[str, int], own: dict[str, int], texts: dict[int, str], prefix: str
) -> None:
    for cid, message_id in acked.items():
        assert own.get(cid) == message_id, f"{cid} was acknowledged as {message_id}"
        assert texts[message_id] == f"{prefix} {int(cid.split('-')[1]):04d}"
    # what was stored without its echo reaching us is there once, like the rest
    assert len(set(own.values())) == len(own)


@pytest.mark.slow
def test_after_a_sigkill_acknowledged_messages_stay_and_ids_never_repeat(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    data = tmp_path / "data"
    first = server_process(data, *RATE)
    port = first.wait_started(qtbot)
    ada, welcome = join(port)
    for start in range(0, 10 * BATCH, BATCH):
        send_batch(ada, start, "before")
    ada.expect("message", cid=f"before-{10 * BATCH - 1}")
    # Nothing in flight: the kill comes right after the last pass that took says, so an
    # acknowledgement sent before its commit was durable would lose that pass.
    ada.send({"type": "ping", "token": "idle"})
    ada.expect("pong", token="idle")
    first.proc.send_signal(signal.SIGKILL)
    assert first.proc.wait(timeout=10) == -signal.SIGKILL
    acked = echoes(ada)
    ada.close()
    assert len(acked) == 10 * BATCH

    second = server_process(data, *RATE, port=port)
    assert second.wait_started(qtbot) == port
    again, own, texts = replayed(port)
    assert again["server_id"] == welcome["server_id"]
    check_nothing_acknowledged_was_lost(acked, own, texts, "before")
    new_ids = more_ids(port, BATCH)
    assert min(new_ids) > max(texts), "an id handed out after the restart repeats an earlier one"
    assert not set(new_ids) & set(acked.values())


def copy_as_a_power_cut_leaves_it(data: Path, to: Path) -> None:
    """The history's files as they are this instant, the server still running. The log
    first: a checkpoint that copies log pages into the database while we read it copies
    pages that are in our copy of the log too, which recovery puts back over them."""
    to.mkdir()
    name = SqliteStore.FILENAME
    for suffix in ("-wal", "-shm", ""):
        if (data / (name + suffix)).exists():
            shutil.copyfile(data / (name + suffix), to / (name + suffix))


@pytest.mark.slow
def test_a_copy_taken_right_after_the_acks_has_every_acknowledged_message(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    data = tmp_path / "data"
    running = server_process(data, *RATE)
    port = running.wait_started(qtbot)
    ada, welcome = join(port)
    for start in range(0, 8 * BATCH, BATCH):
        send_batch(ada, start, "acked")
    ada.wait_for(lambda f: f.get("cid") == f"acked-{8 * BATCH - 1}")
    acked = echoes(ada)
    copy = tmp_path / "after the power cut"
    copy_as_a_power_cut_leaves_it(data, copy)  # the server still runs
    assert len(acked) == 8 * BATCH

    revived = server_process(copy, *RATE)
    revived_port = revived.wait_started(qtbot)
    again, own, texts = replayed(revived_port)
    assert again["server_id"] == welcome["server_id"]  # the same history
    check_nothing_acknowledged_was_lost(acked, own, texts, "acked")
    assert set(own) == set(acked)
    new_ids = more_ids(revived_port, BATCH)
    assert min(new_ids) > max(acked.values())
    ada.close()
