"""What the client keeps per server between runs: token, server_id, outbox; owner-only files."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from chat_client_app.server_memory import (
    FILE_MODE,
    FOLDER_MODE,
    SavedSay,
    ServerMemory,
    server_key,
    write_private,
)
from chat_client_app.session.state import ConnectRequest, Outgoing
from shared.handshake import token_problem

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_token_is_made_once_per_server_and_kept_across_runs(tmp_path: Path) -> None:
    memory = ServerMemory(tmp_path / "servers")
    token = memory.token("chat.example", 5001)
    assert token_problem(token) is None
    assert len(token) >= 40  # 32 random bytes
    assert memory.token("chat.example", 5001) == token
    # The user typed it another way: the same server, the same token.
    assert memory.token(" CHAT.example. ", 5001) == token
    # A new run reads it back from the file.
    assert ServerMemory(tmp_path / "servers").token("chat.example", 5001) == token
    # Another server, or another port, gets its own secret.
    assert memory.token("chat.example", 5002) != token
    assert memory.token("other.example", 5001) != token


def test_server_key_normalises_what_the_user_typed() -> None:
    assert server_key("[::1]", 7) == server_key("::1", 7) == "::1:7"
    assert server_key(" Host.Lan. ", 5001) == "host.lan:5001"


@posix_only
def test_files_are_owner_only_from_the_first_byte(tmp_path: Path) -> None:
    old = os.umask(0o022)  # what most desktops use: new files readable by all
    try:
        memory = ServerMemory(tmp_path / "servers")
        memory.token("chat.example", 5001)
        memory.save_outbox("chat.example", 5001, "anna", [SavedSay("c1", "secret", "bruno", 1.0)])
    finally:
        os.umask(old)
    path = memory.path("chat.example", 5001)
    assert mode(path) == FILE_MODE == 0o600
    assert mode(memory.folder) == FOLDER_MODE == 0o700
    # No temporary file is left behind by the atomic writes.
    assert [p.name for p in memory.folder.iterdir()] == [path.name]


@posix_only
def test_a_folder_opened_to_others_is_closed_again(tmp_path: Path) -> None:
    folder = tmp_path / "servers"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    write_private(folder / "x.json", "{}")
    assert mode(folder) == 0o700
    assert mode(folder / "x.json") == 0o600


def test_the_outbox_round_trips_and_belongs_to_its_name(tmp_path: Path) -> None:
    memory = ServerMemory(tmp_path)
    says = [SavedSay("c1", "hello", None, 10.5), SavedSay("c2", "psst", "bruno", 11.0)]
    memory.save_outbox("h", 1, "Anna", says)
    again = ServerMemory(tmp_path)
    assert again.outbox("h", 1, "anna") == says  # names compare as the server does
    assert again.outbox("h", 1, "bruno") == []
    assert again.outbox("h", 2, "anna") == []
    memory.save_outbox("h", 1, "Anna", [])
    assert ServerMemory(tmp_path).outbox("h", 1, "anna") == []


def test_server_id_is_remembered(tmp_path: Path) -> None:
    memory = ServerMemory(tmp_path)
    assert memory.server_id("h", 1) == ""
    memory.remember_server_id("h", 1, "abc")
    assert ServerMemory(tmp_path).server_id("h", 1) == "abc"


def test_an_unreadable_file_is_set_aside_not_overwritten(tmp_path: Path) -> None:
    memory = ServerMemory(tmp_path)
    path = memory.path("h", 1)
    path.write_text("{not json")
    token = memory.token("h", 1)
    assert json.loads(path.read_text())["token"] == token
    assert path.with_suffix(".unreadable").read_text() == "{not json"


def test_a_saved_say_keeps_its_room_and_an_older_file_reads_as_general(tmp_path: Path) -> None:
    memory = ServerMemory(tmp_path / "servers")
    request = ConnectRequest("anna", "chat.example", 5001)
    zoo = Outgoing(cid="c1", text="hi zoo", to=None, queued_at=3.0, room="zoo")
    memory.keep_pending(request, [zoo, Outgoing(cid="c2", text="hi all", to=None, queued_at=4.0)])
    again = ServerMemory(tmp_path / "servers").pending_for(request)
    assert [(o.cid, o.room) for o in again] == [("c1", "zoo"), ("c2", "general")]
    data = json.loads(memory.path("chat.example", 5001).read_text())
    assert "room" not in data["outbox"]["says"][1]  # as an older version wrote it
