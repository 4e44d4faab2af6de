"""Server settings (PROTOCOL.md §5): every option name, defaults, the TOML config file
(the command line wins), and bad values as one-line errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import chat_server_app.app
import shared.confusables
from chat_server_app.settings import Settings, SettingsError, parse_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_the_protocols() -> None:
    settings = parse_settings([])
    assert settings == Settings()
    assert settings.host == "0.0.0.0"
    assert settings.port == 5001
    assert settings.name == ""
    assert settings.display_name == (socket.gethostname() or "Parla")
    assert settings.motd == ""
    assert settings.password is None
    assert settings.data_dir is None
    assert settings.max_frame == 65536
    assert settings.hello_timeout == 10
    assert settings.history_on_join == 50
    assert settings.rate_burst == 20
    assert settings.rate_per_sec == 5
    assert settings.join_burst == 60
    assert settings.join_per_sec == 2
    assert settings.send_queue == 1048576
    assert settings.ping_after == 30
    assert settings.ping_timeout == 60
    assert settings.announce_port == 5001
    assert settings.no_announce is False
    assert settings.tls is False
    assert settings.tls_cert is None
    assert settings.tls_key is None


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["--host", "::"], "host", "::"),
        (["--host", "127.0.0.1"], "host", "127.0.0.1"),
        (["--port", "0"], "port", 0),
        (["--port", "65535"], "port", 65535),
        (["--name", "Aula 3"], "name", "Aula 3"),
        (["--motd", "Benvenuti! \u00e8 l'ora"], "motd", "Benvenuti! \u00e8 l'ora"),
        (["--password", "s3 cret"], "password", "s3 cret"),
        (["--password", ""], "password", ""),
        (["--data-dir", "/srv/parla"], "data_dir", Path("/srv/parla")),
        (["--max-frame", "1024"], "max_frame", 1024),
        (["--max-frame", "1048576"], "max_frame", 1048576),
        (["--hello-timeout", "0.3"], "hello_timeout", 0.3),
        (["--hello-timeout", "120"], "hello_timeout", 120.0),
        (["--history-on-join", "0"], "history_on_join", 0),
        (["--history-on-join", "500"], "history_on_join", 500),
        (["--rate-burst", "1"], "rate_burst", 1),
        (["--rate-burst", "1000"], "rate_burst", 1000),
        (["--rate-per-sec", "0.5"], "rate_per_sec", 0.5),
        (["--rate-per-sec", "100"], "rate_per_sec", 100.0),
        (["--join-burst", "30"], "join_burst", 30),
        (["--join-per-sec", "0.5"], "join_per_sec", 0.5),
        (["--send-queue", "65536"], "send_queue", 65536),
        (["--ping-after", "0.2"], "ping_after", 0.2),
        (["--ping-timeout", "0.3"], "ping_timeout", 0.3),
        (["--announce-port", "6001"], "announce_port", 6001),
        (["--no-announce"], "no_announce", True),
        (["--tls"], "tls", True),
        (["--port=5002"], "port", 5002),
    ],
)
def test_every_option_of_the_protocol_is_parsed(argv: list[str], field: str, value: Any) -> None:
    settings = parse_settings(argv)
    assert getattr(settings, field) == value
    assert type(getattr(settings, field)) is type(value)
    # and nothing else moved
    changed = {f for f in Settings.__slots__ if getattr(settings, f) != getattr(Settings(), f)}
    assert changed == {field}


def test_tls_cert_and_key_together(tmp_path: Path) -> None:
    settings = parse_settings(["--tls-cert", str(tmp_path / "c.pem"), "--tls-key", str(tmp_path / "k.pem")])
    assert settings.tls_cert == tmp_path / "c.pem"
    assert settings.tls_key == tmp_path / "k.pem"


def test_data_dir_expands_the_home_directory() -> None:
    assert parse_settings(["--data-dir", "~/parla"]).data_dir == Path.home() / "parla"


def test_data_dir_is_the_resolved_data_dir(tmp_path: Path) -> None:
    assert parse_settings(["--data-dir", str(tmp_path)]).resolved_data_dir == tmp_path


def test_name_is_the_display_name() -> None:
    assert parse_settings(["--name", "Lab"]).display_name == "Lab"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--port", "nope"], id="port-not-a-number"),
        pytest.param(["--port", "65536"], id="port-too-big"),
        pytest.param(["--port", "-1"], id="port-negative"),
        pytest.param(["--port", "1.5"], id="port-fraction"),
        pytest.param(["--port", ""], id="port-empty"),
        pytest.param(["--announce-port", "70000"], id="announce-port-too-big"),
        pytest.param(["--max-frame", "0"], id="max-frame-0"),
        pytest.param(["--max-frame", "1023"], id="max-frame-too-small"),
        pytest.param(["--max-frame", "big"], id="max-frame-word"),
        pytest.param(["--hello-timeout", "0"], id="hello-timeout-0"),
        pytest.param(["--hello-timeout", "-1"], id="hello-timeout-negative"),
        pytest.param(["--hello-timeout", "soon"], id="hello-timeout-word"),
        pytest.param(["--hello-timeout", "nan"], id="hello-timeout-nan"),
        pytest.param(["--hello-timeout", "inf"], id="hello-timeout-inf"),
        pytest.param(["--ping-after", "0"], id="ping-after-0"),
        pytest.param(["--ping-timeout", "-0.5"], id="ping-timeout-negative"),
        pytest.param(["--history-on-join", "-1"], id="history-negative"),
        pytest.param(["--history-on-join", "many"], id="history-word"),
        pytest.param(["--rate-burst", "0"], id="rate-burst-0"),
        pytest.param(["--rate-per-sec", "0"], id="rate-per-sec-0"),
        pytest.param(["--rate-per-sec", "nan"], id="rate-per-sec-nan"),
        pytest.param(["--join-burst", "0"], id="join-burst-0"),
        pytest.param(["--join-per-sec", "0"], id="join-per-sec-0"),
        pytest.param(["--send-queue", "10"], id="send-queue-tiny"),
        pytest.param(["--send-queue", "1MiB"], id="send-queue-unit"),
        pytest.param(["--data-dir", ""], id="data-dir-empty"),
        pytest.param(["--tls-cert", "c.pem"], id="cert-without-key"),
        pytest.param(["--tls-key", "k.pem"], id="key-without-cert"),
        pytest.param(["--bogus"], id="unknown-option"),
        pytest.param(["--port"], id="missing-value"),
        pytest.param(["extra"], id="positional"),
        pytest.param(["--no-announce=yes"], id="flag-with-value"),
        pytest.param(["--config", ""], id="config-empty"),
    ],
)
def test_bad_values_raise_settings_error(argv: list[str]) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(argv)
    message = str(info.value)
    assert message.strip()
    assert "\n" not in message


def test_the_error_names_the_option() -> None:
    with pytest.raises(SettingsError, match="port"):
        parse_settings(["--port", "nope"])
    with pytest.raises(SettingsError, match=r"hello.timeout"):
        parse_settings(["--hello-timeout", "0"])


# --- config file -------------------------------------------------------------------------------


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


FULL_CONFIG = """
host = "127.0.0.1"
port = 6000
name = "Aula 3"
motd = "Ciao"
password = "pw"
data_dir = "{data}"
max_frame = 2048
hello_timeout = 0.5
history_on_join = 7
rate_burst = 3
rate_per_sec = 1.5
send_queue = 8192
ping_after = 0.25
ping_timeout = 0.75
announce_port = 6001
no_announce = true
tls = true
tls_cert = "{data}/c.pem"
tls_key = "{data}/k.pem"
"""


def test_config_file_sets_every_option(tmp_path: Path) -> None:
    path = write_config(tmp_path, FULL_CONFIG.format(data=tmp_path.as_posix()))
    settings = parse_settings(["--config", str(path)])
    assert settings == Settings(
        host="127.0.0.1",
        port=6000,
        name="Aula 3",
        motd="Ciao",
        password="pw",
        data_dir=tmp_path,
        max_frame=2048,
        hello_timeout=0.5,
        history_on_join=7,
        rate_burst=3,
        rate_per_sec=1.5,
        send_queue=8192,
        ping_after=0.25,
        ping_timeout=0.75,
        announce_port=6001,
        no_announce=True,
        tls=True,
        tls_cert=tmp_path / "c.pem",
        tls_key=tmp_path / "k.pem",
    )


def test_the_command_line_wins_over_the_config_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'port = 6000\nname = "from file"\nhello_timeout = 3\nmotd = "file motd"\n')
    for argv in (
        ["--config", str(path), "--port", "7000", "--name", "from argv"],
        ["--port", "7000", "--name", "from argv", "--config", str(path)],
    ):
        settings = parse_settings(argv)
        assert settings.port == 7000
        assert settings.name == "from argv"
        assert settings.hello_timeout == 3.0  # only in the file: the file's
        assert settings.motd == "file motd"


def test_config_integers_accept_toml_integers_and_seconds_accept_toml_floats(tmp_path: Path) -> None:
    path = write_config(tmp_path, "ping_after = 2\nping_timeout = 0.5\nrate_per_sec = 10\n")
    settings = parse_settings(["--config", str(path)])
    assert (settings.ping_after, settings.ping_timeout, settings.rate_per_sec) == (2.0, 0.5, 10.0)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("colour = 'red'\n", id="unknown-key"),
        pytest.param("data-dir = '/tmp'\n", id="dashed-key"),
        pytest.param("config = 'other.toml'\n", id="config-in-config"),
        pytest.param("[server]\nport = 1\n", id="table"),
        pytest.param("port = 70000\n", id="port-out-of-range"),
        pytest.param("port = 'nope'\n", id="port-word"),
        pytest.param("port = true\n", id="port-bool"),
        pytest.param("port = [5001]\n", id="port-array"),
        pytest.param("hello_timeout = 0\n", id="hello-timeout-0"),
        pytest.param("hello_timeout = -2.5\n", id="hello-timeout-negative"),
        pytest.param("rate_burst = 0\n", id="rate-burst-0"),
        pytest.param("send_queue = 1\n", id="send-queue-tiny"),
        pytest.param("no_announce = 'yes'\n", id="flag-string"),
        pytest.param("no_announce = 1\n", id="flag-int"),
        pytest.param("tls_cert = 'c.pem'\n", id="cert-without-key"),
        pytest.param("port = \n", id="not-toml"),
        pytest.param("port = 5001\nport = 5002\n", id="duplicate-key"),
    ],
)
def test_bad_config_files_raise_settings_error(tmp_path: Path, text: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        parse_settings(["--config", str(path)])
    assert "\n" not in str(info.value)


def test_unknown_config_key_is_named_in_the_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "port = 5001\ncolour = 'red'\n")
    with pytest.raises(SettingsError, match="colour"):
        parse_settings(["--config", str(path)])


def test_missing_config_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"nowhere\.toml"):
        parse_settings(["--config", str(tmp_path / "nowhere.toml")])


def test_a_bad_value_on_the_command_line_is_not_rescued_by_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "port = 6000\n")
    with pytest.raises(SettingsError):
        parse_settings(["--config", str(path), "--port", "nope"])


# --- the program ----------------------------------------------------------------------------------


def run_server(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "chat_server_app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--port", "nope"], id="port-nope"),
        pytest.param(["--headless", "--hello-timeout", "0"], id="hello-timeout-0"),
        pytest.param(["--headless", "--bogus"], id="unknown-option"),
    ],
)
def test_a_bad_setting_exits_2_with_one_line_on_stderr(args: list[str]) -> None:
    result = run_server(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("chat-server: error: ")


def test_without_the_confusables_table_the_server_does_not_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every hello needs it: failing at the first one, inside the event loop, would
    leave a server that runs and lets no one in."""
    monkeypatch.setattr(shared.confusables, "confusables_file", lambda: tmp_path / "none.txt")
    shared.confusables.data.cache_clear()
    try:
        code = chat_server_app.app.main(["--headless", "--port", "0", "--data-dir", str(tmp_path)])
    finally:
        monkeypatch.undo()
        shared.confusables.data.cache_clear()
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("chat-server: error: cannot read Unicode's confusables")
    assert len(err.splitlines()) == 1


def test_a_bad_config_file_exits_2_with_one_line_on_stderr(tmp_path: Path) -> None:
    path = write_config(tmp_path, "colour = 'red'\n")
    result = run_server("--headless", "--config", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "colour" in result.stderr


# --- the password off the command line (issue 19) ------------------------------------------------


def test_the_password_comes_from_the_command_line_then_the_environment_then_the_config(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text("from file\r\nsecond line is ignored\n", encoding="utf-8")
    config = write_config(tmp_path, 'password = "from config"\n')
    env = {"PARLA_PASSWORD": "from env"}
    assert parse_settings(["--config", str(config)], environ={}).password == "from config"
    assert parse_settings(["--config", str(config)], environ=env).password == "from env"
    assert parse_settings(["--config", str(config), "--password", "cli"], environ=env).password == "cli"
    assert parse_settings(["--password-file", str(secret)], environ=env).password == "from file"
    assert parse_settings([], environ={"PARLA_PASSWORD": ""}).password is None  # empty: unset
    in_config = write_config(tmp_path, f'password_file = "{secret.as_posix()}"\n')
    assert parse_settings(["--config", str(in_config)], environ={}).password == "from file"


def test_a_password_file_that_cannot_give_a_password_is_a_settings_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="is empty"):
        parse_settings(["--password-file", str(empty)], environ={})
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(SettingsError, match="not UTF-8"):
        parse_settings(["--password-file", str(binary)], environ={})
    with pytest.raises(SettingsError, match="go alone"):
        parse_settings(["--password", "a", "--password-file", str(empty)], environ={})
