"""The server's settings (PROTOCOL.md §5): defaults, a TOML file, the command line.

The command line wins over the file, the file over the defaults. A bad setting
raises :class:`SettingsError` with one human sentence; ``main`` prints it on one
line and exits with status 2.

The password may come from a file (``--password-file``) or from the environment
(:data:`PASSWORD_ENV`) instead of ``--password``, which any user of the machine
sees in ``ps``: the command line's wins, then the environment's, then the config
file's.
"""

from __future__ import annotations

import argparse
import os
import socket
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, NoReturn

from chat_server_app.bans import BanSpec, parse_ban
from shared import limits

__all__ = ["Settings", "SettingsError", "parse_settings", "build_parser", "default_data_dir", "PASSWORD_ENV"]

PASSWORD_ENV = "PARLA_PASSWORD"  # noqa: S105 (a variable's name, not a password)
"""The environment variable that holds the server password (an empty one is unset)."""


class SettingsError(Exception):
    """A setting is invalid; the message is one line meant for the operator."""


def default_data_dir() -> Path:
    """The platform's per-user application-data folder for the server."""
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home() / ".local" / "share") / "Parla" / "server"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "0.0.0.0"
    port: int = limits.DEFAULT_PORT
    name: str = ""
    motd: str = ""
    password: str | None = None
    data_dir: Path | None = None
    max_frame: int = limits.DEFAULT_MAX_FRAME
    hello_timeout: float = limits.DEFAULT_HELLO_TIMEOUT
    history_on_join: int = limits.DEFAULT_HISTORY_ON_JOIN
    rate_burst: int = limits.DEFAULT_RATE_BURST
    rate_per_sec: float = limits.DEFAULT_RATE_PER_SEC
    join_burst: int = limits.DEFAULT_JOIN_BURST
    join_per_sec: float = limits.DEFAULT_JOIN_PER_SEC
    send_queue: int = limits.DEFAULT_SEND_QUEUE
    max_rooms: int = limits.DEFAULT_MAX_ROOMS
    max_rooms_per_user: int = limits.DEFAULT_MAX_ROOMS_PER_USER
    max_unregistered: int = limits.DEFAULT_MAX_UNREGISTERED
    max_unregistered_per_address: int = limits.DEFAULT_MAX_UNREGISTERED_PER_ADDRESS
    ping_after: float = limits.DEFAULT_PING_AFTER
    ping_timeout: float = limits.DEFAULT_PING_TIMEOUT
    announce_port: int = limits.DEFAULT_ANNOUNCE_PORT
    no_announce: bool = False
    tls: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    headless: bool = False
    log_messages: bool = False
    lang: str | None = None
    appearance: str | None = None
    replay_max: int = limits.DEFAULT_REPLAY_MAX
    operator_reads_private: bool = False
    ban: tuple[BanSpec, ...] = ()
    release_name: tuple[str, ...] = ()
    max_file_size: int = limits.DEFAULT_MAX_FILE_SIZE
    files_quota: int = limits.DEFAULT_FILES_QUOTA
    no_files: bool = False
    no_files_in: tuple[str, ...] = ()
    refuse_extensions: frozenset[str] = frozenset()

    @property
    def display_name(self) -> str:
        return self.name or socket.gethostname() or "Parla"

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else default_data_dir()


# --- parsing and checking single values ---------------------------------------------


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError("must be 0-65535")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value < 10**7:
        raise ValueError("must be a positive number of seconds")
    return value


def _frame_size(text: str) -> int:
    value = int(text)
    # Below 1 KiB not even a welcome fits; above 2**31 a header could not say it.
    if not 1024 <= value <= 2**31:
        raise ValueError("must be 1024 - 2147483648 bytes")
    return value


def _queue_size(text: str) -> int:
    value = int(text)
    if value < 4096:
        raise ValueError("must be at least 4096 bytes")
    return value


_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def _bytes(text: str) -> int:
    """A size: bytes, or with a binary unit (``100M``, ``10G``, ``512KiB``)."""
    raw = text.strip().casefold().removesuffix("ib").removesuffix("b")
    unit = raw[-1:] if raw[-1:] in _SIZE_UNITS else ""
    value = int(raw[: len(raw) - len(unit)]) * _SIZE_UNITS[unit]
    if value < 1:
        raise ValueError("must be at least 1 byte (a number, or with K, M, G, T)")
    return value


def _extensions(text: str) -> frozenset[str]:
    """``exe,bat`` or ``.exe .BAT``: extensions, casefolded, without dots."""
    parts = text.replace(",", " ").split()
    return frozenset(part.lstrip(".").casefold() for part in parts if part.lstrip("."))


def _path(text: str) -> Path:
    if not text:
        raise ValueError("must not be empty")
    return Path(text).expanduser()


def _text(text: str) -> str:
    return text


def _appearance(text: str) -> str:
    if text not in ("system", "light", "dark"):
        raise ValueError("must be 'system', 'light' or 'dark'")
    return text


def _lang(text: str) -> str:
    if text not in ("it", "en"):
        raise ValueError("must be 'it' or 'en'")
    return text


# option name -> (converter, help); the order is --help's order.
_OPTIONS: dict[str, tuple[Callable[[str], Any], str]] = {
    "host": (_text, "address to listen on (default 0.0.0.0; '::' for dual stack)"),
    "port": (_port, "TCP port (default 5001; 0 picks a free one)"),
    "name": (_text, "server display name (default: the host name)"),
    "motd": (_text, "message of the day, shown to every user on joining"),
    "password": (_text, f"server password (default: none; see also --password-file, ${PASSWORD_ENV})"),
    "password-file": (
        _path,
        "file whose first line is the server password (not shown in ps, unlike --password)",
    ),
    "data-dir": (_path, "where history and TLS files live (default: the platform's app-data folder)"),
    "max-frame": (_frame_size, "largest payload accepted, bytes (default 65536)"),
    "hello-timeout": (_seconds, "seconds a new connection has to send hello (default 10)"),
    "history-on-join": (_count, "messages replayed after welcome (default 50)"),
    "rate-burst": (_positive_int, "rate limit bucket size, messages (default 20)"),
    "rate-per-sec": (_seconds, "rate limit refill, messages per second (default 5)"),
    "join-burst": (_positive_int, "hellos one IP address may send at once (default 60)"),
    "join-per-sec": (_seconds, "hellos per second one IP address gets back after that (default 2)"),
    "send-queue": (_queue_size, "bytes queued to one client before it is dropped (default 1048576)"),
    "max-rooms": (_count, "rooms the server holds besides general (default 1000)"),
    "max-rooms-per-user": (_count, "rooms one user may be in besides general (default 50)"),
    "max-unregistered": (
        _positive_int,
        "connections waiting to say hello (TLS handshakes included), in all (default 1024)",
    ),
    "max-unregistered-per-address": (
        _positive_int,
        "connections waiting to say hello from one address (default 256)",
    ),
    "ping-after": (_seconds, "seconds of client silence before a ping (default 30)"),
    "ping-timeout": (_seconds, "seconds after that ping before the client is dropped (default 60)"),
    "announce-port": (_port, "UDP port of the LAN announce (default 5001)"),
    "tls-cert": (_path, "TLS certificate, PEM (default: self-signed, made in the data dir)"),
    "tls-key": (_path, "TLS private key, PEM"),
    "lang": (_lang, "interface language: it or en (default: the system's)"),
    "appearance": (
        _appearance,
        "the dashboard light or dark: system, light or dark (default: View > Appearance)",
    ),
    "replay-max": (_positive_int, "messages one reconnect replays at most (default 10000)"),
    "max-file-size": (_bytes, "largest file a user may send, bytes or with K, M, G (default 100M)"),
    "files-quota": (_bytes, "space all files together may take; the oldest go first (default 10G)"),
    "refuse-extensions": (_extensions, "file extensions refused, e.g. exe,bat (default: none)"),
}
# Options that may be given several times (a TOML list in the config file).
_LISTS: dict[str, tuple[Callable[[str], Any], str]] = {
    "ban": (
        parse_ban,
        "ban a name or an address: name:NAME or address:IP, optionally /DURATION (30m, 2h, 7d);"
        " may be repeated",
    ),
    "release-name": (_text, "release a reserved name so that anyone may take it; may be repeated"),
    "no-files-in": (_text, "a room where files may not be sent; may be repeated"),
}
_FLAGS: dict[str, str] = {
    "no-announce": "do not announce the server on the LAN",
    "tls": "listen with TLS",
    "headless": "run without a window; print 'listening on HOST:PORT' first on stdout",
    "log-messages": "with --headless, also log message text",
    "operator-reads-private": "show private messages' text in the dashboard and log (users are told)",
    "no-files": "users may not send files",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the operator sees what to fix.
        raise SettingsError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="chat-server",
        description="Parla chat server. Without --headless it opens the operator dashboard.",
        argument_default=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--config", type=_path, help="TOML file with any of these options (the command line wins)"
    )
    for option, (_, help_text) in _OPTIONS.items():
        parser.add_argument(f"--{option}", type=str, help=help_text, metavar=option.split("-")[-1].upper())
    for option, (_, help_text) in _LISTS.items():
        parser.add_argument(f"--{option}", type=str, action="append", help=help_text, metavar="SPEC")
    for flag, help_text in _FLAGS.items():
        parser.add_argument(f"--{flag}", action="store_true", help=help_text)
    return parser


def _convert(option: str, raw: object, source: str) -> Any:
    key = option.replace("-", "_")
    if option in _LISTS:
        items = raw if isinstance(raw, list) else [raw]
        convert, _ = _LISTS[option]
        out = []
        for item in items:
            if not isinstance(item, str):
                raise SettingsError(f"{source}: '{key}' takes a list of strings, not {item!r}")
            try:
                out.append(convert(item))
            except ValueError as exc:
                raise SettingsError(f"{source}: {key} = {item!r}: {exc}") from None
        return tuple(out)
    if option in _FLAGS:
        if not isinstance(raw, bool):
            raise SettingsError(f"{source}: '{key}' must be true or false")
        return raw
    converter, _ = _OPTIONS[option]
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise SettingsError(f"{source}: '{key}' has the wrong kind of value: {raw!r}")
    try:
        return converter(str(raw))
    except ValueError as exc:
        reason = str(exc) if "must" in str(exc) else "is not valid"
        raise SettingsError(f"{source}: {key} = {raw!r} {reason}") from None


def _read_config(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    known = {o.replace("-", "_") for o in (*_OPTIONS, *_FLAGS, *_LISTS)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting {unknown[0]!r}")
    return data


def _read_password(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read the password file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"the password file {path} is not UTF-8 text") from None
    # The first line: an editor's final newline is not part of the password.
    password = text.splitlines()[0] if text else ""
    if not password:
        raise SettingsError(f"the password file {path} is empty")
    return password


def _password(values: dict[str, Any], together: str) -> str | None:
    """The password ``values`` give, read from its file if need be, None if none;
    ``together`` is the error when they give both."""
    password: str | None = values.pop("password", None)
    path: Path | None = values.pop("password_file", None)
    if password is not None and path is not None:
        raise SettingsError(together)
    return _read_password(path) if path is not None else password


def parse_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the command line (and the config file it names), and the
    password from ``environ`` (the process's environment by default)."""
    args = vars(build_parser().parse_args(argv))
    config = args.pop("config", None)
    file_values: dict[str, Any] = {}
    if config is not None:
        for key, raw in _read_config(config).items():
            file_values[key] = _convert(key.replace("_", "-"), raw, f"config file {config}")
    command_line = {
        key: _convert(key.replace("_", "-"), raw, f"--{key.replace('_', '-')}") for key, raw in args.items()
    }
    password = _password(command_line, "--password and --password-file go alone, not together")
    if password is None:
        password = (environ if environ is not None else os.environ).get(PASSWORD_ENV) or None
    if password is None:
        together = f"config file {config}: password and password_file go alone, not together"
        password = _password(file_values, together)
    file_values.pop("password", None)
    file_values.pop("password_file", None)
    values = {**file_values, **command_line}
    if password is not None:
        values["password"] = password
    settings = replace(Settings(), **values)
    if (settings.tls_cert is None) != (settings.tls_key is None):
        raise SettingsError("--tls-cert and --tls-key go together")
    return settings


def settings_fields() -> list[str]:
    """Names of every setting, for the dashboard and tests."""
    return [f.name for f in fields(Settings)]
