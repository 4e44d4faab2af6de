"""Files in the rules (docs/PROTOCOL.md §8.5), clients back to back with the core in
memory: every hostile upload or download gets its error, writes nothing outside the
files folder, and leaves everyone else's chat alone."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from chat_server_app.store.file_vault import FileVault
from shared.limits import FILE_CHUNK_MAX
from tests.server.core.pair import Client, MemoryPair

DATA = bytes(range(256)) * 300  # 76 800 bytes: three chunks
SHA = hashlib.sha256(DATA).hexdigest()


def files_pair(tmp_path: Path, **overrides: object) -> MemoryPair:
    pair = MemoryPair(None, **overrides)
    pair.core.vault = FileVault(tmp_path / "files", pair.core.settings.files_quota)
    return pair


def offer(client: Client, data: bytes = DATA, **fields: Any) -> dict[str, object]:
    sent = {
        "type": "file_offer",
        "fid": "f1",
        "name": "data.bin",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        **fields,
    }
    client.send(sent)
    return client.frames[-1]


def chunk(client: Client, file_id: object, offset: object, data: object) -> dict[str, object]:
    client.send({"type": "file_chunk", "file_id": file_id, "offset": offset, "data": data})
    return client.frames[-1]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def send_all(client: Client, file_id: str, data: bytes, start: int = 0) -> None:
    for at in range(start, len(data), FILE_CHUNK_MAX):
        chunk(client, file_id, at, b64(data[at : at + FILE_CHUNK_MAX]))


def everything_in(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def pair(tmp_path: Path) -> MemoryPair:
    return files_pair(tmp_path)


def test_an_upload_posts_a_message_and_a_download_returns_the_bytes(pair: MemoryPair) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna)
    assert ready == {"type": "file_ready", "fid": "f1", "file_id": ready["file_id"], "offset": 0}
    send_all(anna, str(ready["file_id"]), DATA)
    (message,) = bruno.of_type("message")
    assert message["text"] == "data.bin"
    assert message["file"] == {
        "file_id": ready["file_id"],
        "name": "data.bin",
        "size": len(DATA),
        "sha256": SHA,
        "mime": "application/octet-stream",
    }
    bruno.send({"type": "file_get", "file_id": ready["file_id"]})
    chunks = bruno.of_type("file_chunk")
    assert b"".join(base64.b64decode(str(c["data"])) for c in chunks) == DATA
    assert bruno.frames[-1] == {"type": "file_end", "file_id": ready["file_id"]}


def test_a_download_waits_for_its_reader(pair: MemoryPair) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna, DATA * 20)
    send_all(anna, str(ready["file_id"]), DATA * 20)
    bruno.bytes_to_write = pair.core.settings.send_queue  # a reader that stopped reading
    bruno.send({"type": "file_get", "file_id": ready["file_id"]})
    assert bruno.of_type("file_chunk") == []
    anna.say("chat goes on")
    assert bruno.of_type("message")[-1]["text"] == "chat goes on"
    bruno.bytes_to_write = 0
    pair.pump()
    sent = sum(len(base64.b64decode(str(c["data"]))) for c in bruno.of_type("file_chunk"))
    assert sent == len(DATA) * 20


def test_the_bytes_go_only_into_the_files_folder_by_their_hash(pair: MemoryPair, tmp_path: Path) -> None:
    anna = pair.join("anna")
    ready = offer(anna, name="../../../etc/passwd")
    send_all(anna, str(ready["file_id"]), DATA)
    assert anna.of_type("message")[-1]["text"] == "passwd"
    assert everything_in(tmp_path) == [
        "files",
        "files/blobs",
        f"files/blobs/{SHA}",
        "files/catalog.sqlite3",
        "files/catalog.sqlite3-shm",
        "files/catalog.sqlite3-wal",
        "files/partial",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        ("a\x00b.txt", "ab.txt"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("line\nbreak.txt", "line break.txt"),
        ("..", "file"),
        ("/", "file"),
        ("x" * 300 + ".png", "x" * 251 + ".png"),
    ],
)
def test_a_files_name_is_shown_safe(pair: MemoryPair, raw: str, shown: str) -> None:
    anna = pair.join("anna")
    ready = offer(anna, name=raw)
    send_all(anna, str(ready["file_id"]), DATA)
    assert anna.of_type("message")[-1]["text"] == shown


HOSTILE_CHUNKS = {
    "wrong offset": (4096, b64(DATA[:100]), "file_invalid"),
    "negative offset": (-1, b64(DATA[:100]), "file_invalid"),
    "bad base64": (0, "not base64!", "file_invalid"),
    "empty data": (0, "", "file_invalid"),
    "data not a string": (0, 5, "file_invalid"),
    "too big": (0, b64(bytes(FILE_CHUNK_MAX + 1)), "file_invalid"),
}


@pytest.mark.parametrize(("offset", "data", "code"), HOSTILE_CHUNKS.values(), ids=list(HOSTILE_CHUNKS))
def test_a_bad_chunk_is_refused_and_the_upload_goes_on(
    pair: MemoryPair, offset: object, data: object, code: str
) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna)
    error = chunk(anna, ready["file_id"], offset, data)
    assert (error["type"], error["code"], error["fatal"], error["file_id"]) == (
        "error",
        code,
        False,
        ready["file_id"],
    )
    bruno.say("not disturbed")
    assert anna.of_type("message")[-1]["text"] == "not disturbed"
    send_all(anna, str(ready["file_id"]), DATA)
    assert anna.of_type("message")[-1]["text"] == "data.bin"


def test_a_chunk_past_the_announced_size_is_refused(pair: MemoryPair) -> None:
    anna = pair.join("anna")
    ready = offer(anna, DATA[:10])
    error = chunk(anna, ready["file_id"], 0, b64(DATA[:11]))
    assert (error["code"], error["fatal"]) == ("file_invalid", False)


def test_bytes_that_do_not_match_the_sha256_are_dropped(pair: MemoryPair, tmp_path: Path) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna, DATA[:100])
    error = chunk(anna, ready["file_id"], 0, b64(b"y" * 100))
    assert (error["code"], error["file_id"]) == ("file_invalid", ready["file_id"])
    assert "sha256" in str(error["message"])
    assert bruno.of_type("message") == []
    assert list((tmp_path / "files" / "blobs").iterdir()) == []
    assert list((tmp_path / "files" / "partial").iterdir()) == []


HOSTILE_OFFERS: dict[str, tuple[dict[str, object], str]] = {
    "negative size": ({"size": -5}, "file_invalid"),
    "size not a number": ({"size": "12"}, "file_invalid"),
    "sha256 not hex": ({"sha256": "z" * 64}, "file_invalid"),
    "sha256 short": ({"sha256": "ab"}, "file_invalid"),
    "empty name": ({"name": ""}, "file_invalid"),
    "no fid": ({"fid": None}, "file_invalid"),
    "empty file": ({"size": 0, "sha256": hashlib.sha256(b"").hexdigest()}, "file_refused"),
    "too large": ({"size": 100 * 1024 * 1024 + 1}, "file_too_large"),
    "room and user": ({"room": "giochi", "to": "bruno"}, "room_invalid"),
    "no such user": ({"to": "nobody"}, "no_such_user"),
    "not in room": ({"room": "giochi"}, "not_in_room"),
}


@pytest.mark.parametrize(("fields", "code"), HOSTILE_OFFERS.values(), ids=list(HOSTILE_OFFERS))
def test_a_bad_offer_gets_its_error_and_nothing_more(
    pair: MemoryPair, tmp_path: Path, fields: dict[str, Any], code: str
) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    error = offer(anna, **fields)
    assert (error["type"], error["code"], error["fatal"]) == ("error", code, False)
    bruno.say("not disturbed")
    assert anna.of_type("message")[-1]["text"] == "not disturbed"
    assert not (tmp_path / "files" / "partial").exists() or not list(
        (tmp_path / "files" / "partial").iterdir()
    )


def test_a_refused_extension_is_refused_whatever_its_case(tmp_path: Path) -> None:
    pair = files_pair(tmp_path, refuse_extensions=frozenset({"exe"}))
    anna = pair.join("anna")
    error = offer(anna, name="setup.EXE.")
    assert (error["code"], error["cid"]) == ("file_refused", "f1")
    assert offer(anna, name="setup.exe.txt", fid="f2")["type"] == "file_ready"


def test_someone_elses_upload_and_an_unknown_file_are_no_such_file(pair: MemoryPair) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna)
    error = chunk(bruno, ready["file_id"], 0, b64(DATA[:100]))
    assert (error["code"], error["fatal"]) == ("no_such_file", False)
    bruno.send({"type": "file_get", "file_id": "nope"})
    assert bruno.frames[-1]["code"] == "no_such_file"
    bruno.send({"type": "file_get", "file_id": ready["file_id"]})  # not complete: not a file yet
    assert bruno.frames[-1]["code"] == "no_such_file"
    send_all(anna, str(ready["file_id"]), DATA)
    assert anna.of_type("message")[-1]["text"] == "data.bin"


def test_the_same_file_from_someone_else_meanwhile_waits(pair: MemoryPair) -> None:
    anna, bruno = pair.join("anna"), pair.join("bruno")
    ready = offer(anna)
    chunk(anna, ready["file_id"], 0, b64(DATA[:1000]))
    assert offer(bruno)["code"] == "file_refused"
    anna.bye()
    resumed = offer(bruno)  # its sender went away: anyone may finish it, the sha256 decides
    assert resumed["offset"] == 1000


def test_a_download_past_the_end_is_refused(pair: MemoryPair) -> None:
    anna = pair.join("anna")
    ready = offer(anna)
    send_all(anna, str(ready["file_id"]), DATA)
    anna.send({"type": "file_get", "file_id": ready["file_id"], "offset": len(DATA) + 1})
    assert anna.frames[-1]["code"] == "file_invalid"
    anna.send({"type": "file_get", "file_id": ready["file_id"], "offset": len(DATA)})
    assert anna.frames[-1] == {"type": "file_end", "file_id": ready["file_id"]}


def test_files_off_refuses_every_offer(tmp_path: Path) -> None:
    pair = files_pair(tmp_path, no_files=True)
    anna = pair.join("anna")
    assert offer(anna)["code"] == "file_refused"
    pair.core.vault = None  # a server without a data directory takes none either
    anna.send({"type": "file_offer", "fid": "x", "name": "a", "size": 1, "sha256": "a" * 64})
    assert anna.frames[-1]["code"] == "file_refused"
