"""A history edited by hand, and an operator's certificate the TLS stack refuses (issue 19):
a clear line and exit 2 at start, or ``server_error`` to the client whose replay reads a
damaged row, never a traceback nor a server that stops answering."""

from __future__ import annotations

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chat_server_app.store import Ban, BanKind, Reservation, SqliteStore, StoredMessage
from chat_server_app.store.integrity import CHECKED_AT_OPEN
from tests.server.test_data_dir import run_to_exit, welcomed
from tests.server.test_headless import IO_TIMEOUT, ROOT, START_TIMEOUT, ServerProcess
from tests.wire import WireClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

HISTORY = SqliteStore.FILENAME


def message(message_id: int) -> StoredMessage:
    return StoredMessage(message_id, "2024-01-01T00:00:00Z", "ada", "ada", f"line {message_id}", epoch=1.0)


def make_history(data: Path, count: int = 3) -> Path:
    """A history as a server leaves it: messages, a reserved name, a ban."""
    store = SqliteStore.in_dir(data)
    store.append([message(i) for i in range(1, count + 1)])
    store.reserve(Reservation("ada", "Ada", "owner-hash", 1.0))
    store.add_ban(Ban(BanKind.NAME, "mallory", None, "spam", 1.0))
    store.close()
    return data / HISTORY


def edit(path: Path, *statements: str) -> None:
    """What an operator does with the sqlite3 shell."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for sql in statements:
            db.execute(sql)
    finally:
        db.close()


UNTYPED_MESSAGES = (
    "ALTER TABLE messages RENAME TO typed",
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, ts, epoch, sender, sender_key, text, cid,"
    " recipient, recipient_key, sender_owner, recipient_owner, room)",
    "INSERT INTO messages SELECT * FROM typed",
    "DROP TABLE typed",
)
"""The messages table made again without column types: then an integer stays an integer."""

DAMAGE = {
    "blob text": (
        ("UPDATE messages SET text = X'00ff' WHERE id = 2",),
        "message 2: 'text' holds blob, not text",
    ),
    "blob in a private message": (
        (
            "UPDATE messages SET recipient = 'Bo', recipient_key = 'bo', sender_owner = 'o1',"
            " recipient_owner = X'02' WHERE id = 3",
        ),
        "message 3: 'recipient_owner' holds blob, not text or null",
    ),
    "integer text": (
        (*UNTYPED_MESSAGES, "UPDATE messages SET text = 42 WHERE id = 3"),
        "message 3: 'text' holds integer, not text",
    ),
    "null sender": (
        (*UNTYPED_MESSAGES, "UPDATE messages SET sender = NULL WHERE id = 1"),
        "message 1: 'sender' holds null, not text",
    ),
    "id 2**63-1": (
        ("UPDATE messages SET id = 9223372036854775807 WHERE id = 3",),
        "the highest message id, 9223372036854775807, leaves no id to hand out",
    ),
    "null reserved name": (
        ("INSERT INTO names (key, name, owner, since_epoch) VALUES (NULL, 'x', 'o', 1.0)",),
        "names row NULL: 'key' holds null, not text",
    ),
    "blob reserved name": (
        ("UPDATE names SET name = X'01' WHERE key = 'ada'",),
        "names row 'ada': 'name' holds blob, not text",
    ),
    "ban lapsing 'soon'": (
        ("UPDATE bans SET until = 'soon' WHERE value = 'mallory'",),
        "bans row 'mallory': 'until' holds text, not real or integer or null",
    ),
    "undecodable text": (
        ("UPDATE messages SET text = CAST(X'80ff' AS TEXT) WHERE id = 1",),
        "Could not decode to UTF-8 column 'text'",
    ),
}


def assert_clean_refusal(result: subprocess.CompletedProcess[str], history: Path, reason: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # never said it was listening
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"chat-server: error: the history at {history}") or lines[0].startswith(
        f"chat-server: error: cannot read the history at {history}"
    ), lines[0]
    assert reason in lines[0]
    assert lines[0].endswith("; repair it or move it away")


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_history_stops_the_headless_start_with_exit_2(
    tmp_path: Path, damage: tuple[tuple[str, ...], str]
) -> None:
    statements, reason = damage
    history = make_history(tmp_path / "data")
    edit(history, *statements)
    assert_clean_refusal(run_to_exit(tmp_path / "data"), history, reason)


def test_a_damaged_history_stops_the_dashboard_start_with_exit_2(tmp_path: Path) -> None:
    statements, reason = DAMAGE["blob reserved name"]
    history = make_history(tmp_path / "data")
    edit(history, *statements)
    result = subprocess.run(
        [sys.executable, "-m", "chat_server_app", "--data-dir", str(tmp_path / "data"), "--no-announce"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        timeout=START_TIMEOUT,
        check=False,
    )
    assert_clean_refusal(result, history, reason)


def test_a_damaged_row_older_than_the_start_checks_fails_only_the_replay_that_reads_it(
    tmp_path: Path,
) -> None:
    """Past the newest CHECKED_AT_OPEN the server starts; the client whose replay reaches the
    row gets a fatal server_error (§8.2), the others go on, and SIGTERM still stops it."""
    data = tmp_path / "data"
    history = make_history(data, count=CHECKED_AT_OPEN + 5)
    edit(history, "UPDATE messages SET text = X'00ff' WHERE id = 3")
    # a replay_max that reaches back to the damaged row
    server = ServerProcess(data, tmp_path / "server.log", "--replay-max", str(2 * CHECKED_AT_OPEN))
    try:
        reader = WireClient.to(server.port, timeout=IO_TIMEOUT)
        try:
            reader.send({"type": "hello", "version": 1, "name": "bob", "since": 0})
            frames = reader.read_until_closed()
        finally:
            reader.close()
        # the slice that holds the row is not sent: never a silent gap in the replay
        assert [f["type"] for f in frames] == ["welcome", "error"]
        assert frames[-1] == {
            "type": "error",
            "code": "server_error",
            "message": "the server cannot read its history",
            "fatal": True,
        }
        assert welcomed(server.port, name="carla") == ["carla"]  # the newest 50 are fine
        server.signal(signal.SIGTERM)
        assert server.wait() == 0
        log = server.log_text()
        assert "HISTORY ERROR: the history at" in log
        assert "message 3: 'text' holds blob" in log
        assert "Traceback" not in log
    finally:
        server.cleanup()


# --- the operator's certificate ----------------------------------------------------------------


def write_rsa_identity(folder: Path, bits: int) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "weak")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"rsa{bits}-cert.pem", folder / f"rsa{bits}-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_a_certificate_the_tls_stack_refuses_stops_the_start_with_exit_2(tmp_path: Path) -> None:
    cert, key = write_rsa_identity(tmp_path, 1024)
    result = run_to_exit(tmp_path / "data", "--tls-cert", str(cert), "--tls-key", str(key))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"chat-server: error: the TLS stack refuses the certificate {cert} and its key: ")
    assert "key too small" in line  # OpenSSL's own words


def test_a_certificate_of_2048_bits_is_served(tmp_path: Path) -> None:
    cert, key = write_rsa_identity(tmp_path, 2048)
    server = ServerProcess(
        tmp_path / "data", tmp_path / "server.log", "--tls-cert", str(cert), "--tls-key", str(key)
    )
    try:
        assert server.port > 0
    finally:
        server.cleanup()
