"""Files through the real engine and real sockets (docs/PROTOCOL.md §8.5): upload and
download byte for byte, one blob per content, a resume after a cut, the quota, the
off switches, who may fetch a file, and a reader that never reads."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.store import SqliteStore
from tests.server.file_helpers import PNG, download, file_error, offer, send_chunks, upload
from tests.server.helpers import ChatClient, RawSocket, matches

pytestmark = pytest.mark.usefixtures("read_path")

Join = Callable[..., ChatClient]
MakeServer = Callable[..., ChatServer]
RawSockets = Callable[..., RawSocket]

ANNA = "anna-token-" + "a" * 20
BRUNO = "bruno-token-" + "b" * 20


def blobs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "files" / "blobs"
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_a_file_reaches_the_room_and_comes_back_byte_for_byte(
    server: ChatServer, join: Join, tmp_path: Path
) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    data = PNG * 40  # about 80 KB: three chunks
    echo = upload(anna, data, name="screen.png")
    seen = bruno.wait_for(lambda f: matches(f, "message", text="screen.png") and "file" in f)
    sha = hashlib.sha256(data).hexdigest()
    assert seen["file"] == echo["file"]
    assert seen["file"] == {
        "file_id": echo["file"]["file_id"],
        "name": "screen.png",
        "size": len(data),
        "sha256": sha,
        "mime": "image/png",
    }
    assert "cid" not in seen
    assert download(bruno, seen["file"]["file_id"]) == data
    assert download(bruno, seen["file"]["file_id"], offset=len(data) - 10) == data[-10:]
    assert blobs(tmp_path) == [sha]


def test_the_same_file_twice_is_stored_once_and_replayed_with_its_file(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path / "history"))
    anna = join(server, "anna")
    first = upload(anna, b"same bytes", fid="a")
    second = upload(anna, b"same bytes", fid="b")
    assert first["file"]["file_id"] != second["file"]["file_id"]
    assert first["file"]["mime"] == "application/octet-stream"
    assert len(blobs(tmp_path)) == 1
    late = join(server, "late", since=0)
    replayed = late.wait_count(lambda f: matches(f, "message", history=True) and "file" in f, 2)
    assert [m["file"]["file_id"] for m in replayed] == [first["file"]["file_id"], second["file"]["file_id"]]
    assert download(late, first["file"]["file_id"]) == b"same bytes"


def test_an_upload_cut_half_way_resumes_where_it_stopped(
    server: ChatServer, join: Join, qtbot: QtBot
) -> None:
    data = os.urandom(100_000)
    anna = join(server, "anna", token=ANNA)
    ready = offer(anna, data)
    send_chunks(anna, ready["file_id"], data, 0, 65536)
    qtbot.waitUntil(lambda: any(t.done == 65536 for t in server.transfers), timeout=3000)
    anna.close()
    qtbot.waitUntil(lambda: server.core.user("anna") is None, timeout=3000)
    back = join(server, "anna", token=ANNA)
    again = offer(back, data, fid="f2")
    assert again["offset"] == 65536
    send_chunks(back, again["file_id"], data, again["offset"])
    echo = back.wait_for(lambda f: matches(f, "message", cid="f2"))
    assert download(back, echo["file"]["file_id"]) == data


def test_the_quota_drops_the_oldest_file_and_says_it_is_gone(
    make_server: MakeServer, join: Join, tmp_path: Path
) -> None:
    server = make_server(store=SqliteStore.in_dir(tmp_path / "history"), files_quota=150_000)
    anna = join(server, "anna")
    old = upload(anna, b"o" * 100_000, fid="old")["file"]
    new = upload(anna, b"n" * 100_000, fid="new")["file"]
    anna.send({"type": "file_get", "file_id": old["file_id"]})
    assert file_error(anna, file_id=old["file_id"])["code"] == "no_such_file"
    assert download(anna, new["file_id"]) == b"n" * 100_000
    assert blobs(tmp_path) == [new["sha256"]]
    assert server.files_used == 100_000
    late = join(server, "late", since=0)
    replayed = late.wait_count(lambda f: matches(f, "message", history=True), 2)
    assert [m["file"].get("gone", False) for m in replayed] == [True, False]


def test_files_can_be_off_everywhere_or_in_one_room(make_server: MakeServer, join: Join) -> None:
    off = make_server(no_files=True)
    anna = join(off, "anna")
    assert offer(anna, b"x")["code"] == "file_refused"
    anna.sync("still chatting")
    some = make_server(no_files_in=("giochi",))
    bruno = join(some, "bruno")
    bruno.send({"type": "join", "room": "giochi"})
    bruno.expect("joined", room="giochi")
    assert offer(bruno, b"x", room="giochi")["code"] == "file_refused"
    assert offer(bruno, b"x", fid="g")["type"] == "file_ready"  # general is open
    some.core.set_room_files("giochi", on=True)
    assert offer(bruno, b"y", fid="h", room="giochi")["type"] == "file_ready"


def test_a_private_file_reaches_only_its_two_parties(server: ChatServer, join: Join) -> None:
    anna, bruno = join(server, "anna", token=ANNA), join(server, "bruno", token=BRUNO)
    carla = join(server, "carla")
    echo = upload(anna, b"for bruno only", to="bruno")
    got = bruno.wait_for(lambda f: matches(f, "message", to="bruno") and "file" in f)
    file_id = got["file"]["file_id"]
    assert download(bruno, file_id) == b"for bruno only"
    assert download(anna, echo["file"]["file_id"]) == b"for bruno only"
    carla.send({"type": "file_get", "file_id": file_id})
    refused = file_error(carla, file_id=file_id)
    carla.send({"type": "file_get", "file_id": "no-such-id"})
    unknown = file_error(carla, file_id="no-such-id")
    # The same answer as for an id that does not exist: ids leak nothing.
    assert (
        (refused["code"], refused["message"])
        == (unknown["code"], unknown["message"])
        == (
            "no_such_file",
            "no file with that file_id",
        )
    )
    assert not [f for f in carla.received if f.get("type") in ("file_chunk", "file_end")]
    assert not [m for m in carla.messages() if "file" in m]


def test_a_rooms_file_is_for_its_members_only(server: ChatServer, join: Join) -> None:
    anna, bruno = join(server, "anna"), join(server, "bruno")
    anna.send({"type": "join", "room": "giochi"})
    anna.expect("joined", room="giochi")
    file_id = upload(anna, b"members", room="giochi")["file"]["file_id"]
    bruno.send({"type": "file_get", "file_id": file_id})
    assert file_error(bruno, file_id=file_id)["code"] == "no_such_file"
    bruno.send({"type": "join", "room": "giochi"})
    bruno.expect("joined", room="giochi")
    assert download(bruno, file_id) == b"members"  # later members too: it follows its message


def test_a_reader_that_never_reads_does_not_slow_anyone_down(
    make_server: MakeServer, join: Join, raw_sockets: RawSockets, qtbot: QtBot
) -> None:
    server = make_server(max_file_size=8 * 1024 * 1024, rate_burst=1000)
    anna, bruno = join(server, "anna"), join(server, "bruno")
    data = os.urandom(3 * 1024 * 1024)
    file_id = upload(anna, data, timeout=10_000)["file"]["file_id"]
    sleeper = raw_sockets(server.port, rcvbuf=4096)
    sleeper.send({"type": "hello", "version": 1, "name": "sleeper"})
    bruno.expect("joined", name="sleeper")
    sleeper.send({"type": "file_get", "file_id": file_id})
    qtbot.waitUntil(lambda: any(t.user == "sleeper" and t.done > 0 for t in server.transfers), timeout=3000)
    rtts = []
    for i in range(30):
        started = time.perf_counter()
        bruno.send({"type": "ping", "token": f"p{i}"})
        bruno.expect("pong", token=f"p{i}")
        rtts.append(time.perf_counter() - started)
        anna.sync(f"chat {i}")
    stuck = [t for t in server.transfers if t.user == "sleeper"]
    assert stuck
    assert stuck[0].done < len(data)  # paced by its reader: most of it still on disk
    assert server.core.user("sleeper") is not None  # and not dropped for its send queue
    assert max(rtts) < 0.25, rtts
