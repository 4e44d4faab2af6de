"""The data directory (issue 19): private files whatever the umask, one server at a time,
a restart after SIGKILL, and the password kept off the command line."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat_server_app.store import SqliteStore, StoredMessage
from chat_server_app.store.files import LOCK_FILENAME, DirectoryInUseError, DirectoryLock
from tests.server.test_headless import IO_TIMEOUT, ROOT, START_TIMEOUT, ServerProcess
from tests.wire import WireClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and signals")

HISTORY = SqliteStore.FILENAME


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def restore_umask() -> Iterator[None]:
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def welcomed(port: int, password: str | None = None, name: str = "ada") -> list[object]:
    """The users a real client is welcomed with."""
    client = WireClient.to(port, timeout=IO_TIMEOUT)
    try:
        fields = {} if password is None else {"password": password}
        return list(client.hello(name, **fields)["users"])
    finally:
        client.close()


def message(message_id: int) -> StoredMessage:
    return StoredMessage(message_id, "2024-01-01T00:00:00Z", "ada", "ada", "hi", epoch=1.0)


# --- modes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask022", "umask000"])
def test_the_history_and_its_companions_are_private_whatever_the_umask(
    tmp_path: Path, umask: int, restore_umask: None
) -> None:
    data = tmp_path / "new" / "parents" / "data"
    os.umask(umask)
    lock = DirectoryLock(data)
    store = SqliteStore.in_dir(data)
    store.append([message(1)])
    try:
        companions = [data / f"{HISTORY}-wal", data / f"{HISTORY}-shm"]
        assert all(p.exists() for p in companions)  # open, in WAL mode: they are there now
        for path in (data / HISTORY, *companions, data / LOCK_FILENAME):
            assert mode(path) == 0o600, path
        for folder in (data, data.parent, data.parent.parent):
            assert mode(folder) == 0o700, folder
    finally:
        store.close()
        lock.release()


def test_looser_modes_left_by_an_earlier_version_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = SqliteStore.in_dir(data)
    store.append([message(1)])
    store.close()
    data.chmod(0o755)
    (data / HISTORY).chmod(0o644)
    (data / f"{HISTORY}-wal").write_bytes(b"")  # left by a crash, world-readable
    (data / f"{HISTORY}-wal").chmod(0o666)
    reopened = SqliteStore.in_dir(data)
    try:
        assert mode(data) == 0o700
        assert mode(data / HISTORY) == 0o600
        assert mode(data / f"{HISTORY}-wal") == 0o600
        assert reopened.message(1) == message(1)
    finally:
        reopened.close()


def test_a_real_server_under_umask_0_writes_only_private_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data, tmp_path / "server.log", "--tls", umask=0)
    try:
        # the self-signed identity is made at start, the history's log as it is opened
        found = {p.relative_to(data).as_posix(): mode(p) for p in [data, *data.rglob("*")]}
    finally:
        server.cleanup()
    assert {f"{HISTORY}-wal", "tls/server-key.pem", LOCK_FILENAME} <= found.keys()
    loose = {
        name: oct(m)
        for name, m in found.items()
        # the certificate is public (every client is sent it), behind the 0700 folders
        if name != "tls/server-cert.pem" and m & 0o077
    }
    assert loose == {}
    assert found["."] == found["tls"] == 0o700


# --- one server per data directory -----------------------------------------------------------


def run_to_exit(
    data: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A server that is expected not to start: its exit status and its stderr."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "chat_server_app",
            "--headless",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--data-dir",
            str(data),
            "--no-announce",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {})),
        timeout=START_TIMEOUT,
        check=False,
    )


def test_a_second_server_on_a_data_dir_in_use_exits_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = ServerProcess(data, tmp_path / "server.log")
    try:
        second = run_to_exit(data)
        assert second.returncode == 2, second.stderr
        assert second.stdout == ""  # it never said it was listening
        assert second.stderr.splitlines() == [
            f"chat-server: error: the data directory {data} is in use by another server"
            f" (pid {first.proc.pid}); give each server a --data-dir of its own"
        ]
        # the first one goes on serving
        assert welcomed(first.port) == ["ada"]
    finally:
        first.cleanup()


def test_a_server_killed_with_sigkill_leaves_no_lock_behind(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = ServerProcess(data, tmp_path / "server.log")
    first.signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    first.cleanup()
    assert (data / LOCK_FILENAME).read_text().strip() == str(first.proc.pid)  # the file stays...
    second = ServerProcess(data, tmp_path / "server.log")  # ...the lock does not
    try:
        assert welcomed(second.port) == ["ada"]
        assert (data / LOCK_FILENAME).read_text().strip() == str(second.proc.pid)
    finally:
        second.cleanup()


def test_the_lock_is_refused_within_one_process_too_and_released(tmp_path: Path) -> None:
    lock = DirectoryLock(tmp_path)
    with pytest.raises(DirectoryInUseError, match=f"pid {os.getpid()}"):
        DirectoryLock(tmp_path)
    lock.release()
    DirectoryLock(tmp_path).release()


# --- the password off the command line -------------------------------------------------------


def refused(port: int, password: str | None) -> str:
    client = WireClient.to(port, timeout=IO_TIMEOUT)
    try:
        hello: dict[str, object] = {"type": "hello", "version": 1, "name": "eve"}
        if password is not None:
            hello["password"] = password
        client.send(hello)
        frames = client.read_until_closed()
    finally:
        client.close()
    assert [f["type"] for f in frames] == ["error"]
    return str(frames[0]["code"])


def test_the_password_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3 cret pässword\n", encoding="utf-8")  # an editor's final newline
    secret.chmod(0o600)
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--password-file", str(secret))
    try:
        assert "s3 cret" not in str(server.proc.args)  # what ps shows
        assert welcomed(server.port, "s3 cret pässword") == ["ada"]
        assert refused(server.port, "s3 cret pässword\n") == "auth_failed"
        assert refused(server.port, None) == "auth_failed"
    finally:
        server.cleanup()


def test_the_password_from_the_environment(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", env={"PARLA_PASSWORD": "from env"})
    try:
        assert welcomed(server.port, "from env") == ["ada"]
        assert refused(server.port, "wrong") == "auth_failed"
    finally:
        server.cleanup()


def test_an_unreadable_password_file_stops_the_start_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_to_exit(tmp_path / "data", "--password-file", str(missing))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"chat-server: error: cannot read the password file {missing}: No such file or directory"
    ]
