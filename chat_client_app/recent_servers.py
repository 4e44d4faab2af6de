"""The client's settings file: recent servers and the scrollback size.

Always an INI file in the user's config folder (explicit, so that tests can point
``QSettings.setPath(IniFormat, ...)`` at a temporary folder on every platform).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from chat_client_app import APPLICATION, ORGANIZATION
from shared.limits import DEFAULT_PORT

__all__ = [
    "RecentServer",
    "open_settings",
    "load_recent",
    "remember",
    "scrollback_setting",
    "memory_folder",
    "MAX_RECENT",
]

MAX_RECENT = 10
"""Servers remembered; a lab user sees a few, nobody scrolls through more than ten."""

DEFAULT_SCROLLBACK = 10_000
"""Messages the view keeps: hours of a busy class chat, a few MB of memory."""

_KEY = "recent/servers"


@dataclass(frozen=True, slots=True)
class RecentServer:
    host: str
    port: int
    name: str  # the user name used there last time
    tls: bool = False  # the secure connection worked there
    password: bool = False  # it let the user in with a password (the password is never stored)


def open_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def load_recent(settings: QSettings | None = None) -> list[RecentServer]:
    """Recent servers, the last used first; unreadable entries are skipped."""
    settings = settings or open_settings()
    out: list[RecentServer] = []
    count = settings.beginReadArray(_KEY)
    for i in range(min(count, MAX_RECENT)):
        settings.setArrayIndex(i)
        host = settings.value("host", "")
        port = settings.value("port", DEFAULT_PORT)
        name = settings.value("name", "")
        # Entries written before these two existed have neither: plain, no password.
        tls = _flag(settings.value("tls", False))
        password = _flag(settings.value("password_needed", False))
        try:
            port_number = int(str(port))
        except ValueError:
            continue
        if isinstance(host, str) and host and 1 <= port_number <= 65535:
            out.append(RecentServer(host, port_number, name if isinstance(name, str) else "", tls, password))
    settings.endArray()
    return out


def _flag(value: object) -> bool:
    """A boolean as an INI file gives it back: ``"true"`` as text, or a bool."""
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1"))


def remember(server: RecentServer, settings: QSettings | None = None) -> None:
    """Put ``server`` first in the list (never the password: it is not stored)."""
    settings = settings or open_settings()
    same = (server.host.lower(), server.port)
    kept = [r for r in load_recent(settings) if (r.host.lower(), r.port) != same]
    entries = [server, *kept][:MAX_RECENT]
    settings.remove(_KEY)
    settings.beginWriteArray(_KEY, len(entries))
    for i, entry in enumerate(entries):
        settings.setArrayIndex(i)
        settings.setValue("host", entry.host)
        settings.setValue("port", entry.port)
        settings.setValue("name", entry.name)
        settings.setValue("tls", entry.tls)
        settings.setValue("password_needed", entry.password)
    settings.endArray()
    settings.sync()


def scrollback_setting(settings: QSettings | None = None) -> int:
    """Messages the view keeps (``view/scrollback``, at least 100)."""
    settings = settings or open_settings()
    raw = settings.value("view/scrollback", DEFAULT_SCROLLBACK)
    try:
        return max(100, int(str(raw)))
    except ValueError:
        return DEFAULT_SCROLLBACK


def memory_folder(settings: QSettings | None = None) -> Path:
    """Where :class:`~chat_client_app.server_memory.ServerMemory` keeps its files: a
    folder beside the settings file (``Parla Client.servers``)."""
    settings = settings or open_settings()
    return Path(settings.fileName()).with_suffix(".servers")
