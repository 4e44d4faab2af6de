"""What the client keeps about each server between runs: the secret that owns its name
there, the ``server_id`` of its last welcome, and the says not sent yet.

One small JSON file per server (``host:port`` as the user typed them, normalised) in a
folder of its own beside the settings file. The token is a password and the outbox
holds private messages: the folder is 0700 and every file 0600 from the moment it
exists (``mkstemp``), never widened by a later write. Every write is atomic and
durable: a temporary file, fsync, rename over the old one, fsync of the folder; a crash
or a power cut leaves the old file or the new one, never half of one.

Plain Python, no Qt: the controller calls it; tests point it at a temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chat_client_app.session.state import ConnectRequest, Outgoing
from shared.validation import GENERAL, name_key

__all__ = ["ServerMemory", "SavedSay", "server_key", "new_token", "FILE_MODE", "FOLDER_MODE"]

FILE_MODE = 0o600
"""Owner read and write only: the token is a secret, the outbox may hold private texts."""

FOLDER_MODE = 0o700
"""Owner only: nobody else may even list which servers this user talks to."""

_FORMAT = 1


def new_token() -> str:
    """A fresh secret for one server: 32 random bytes, 43 URL-safe characters (§8.1
    wants 22-128 printable ASCII)."""
    return secrets.token_urlsafe(32)


def server_key(host: str, port: int) -> str:
    """``host:port`` normalised: case, spaces, IPv6 brackets and a root dot do not make
    another server."""
    host = host.strip().removeprefix("[").removesuffix("]").rstrip(".").lower()
    return f"{host}:{port}"


@dataclass(frozen=True, slots=True)
class SavedSay:
    """A say that was pending when it was saved."""

    cid: str
    text: str
    to: str | None
    typed_at: float  # wall clock, seconds since 1970
    room: str = GENERAL  # where it goes when ``to`` is None


class ServerMemory:
    """The files of one user's servers in ``folder`` (created on the first write)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._cache: dict[str, dict[str, Any]] = {}

    @property
    def folder(self) -> Path:
        return self._folder

    def path(self, host: str, port: int) -> Path:
        key = server_key(host, port)
        # Readable for a person looking at the folder, unique thanks to the hash.
        readable = re.sub(r"[^a-z0-9.-]", "_", key.rsplit(":", 1)[0])[:40]
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        return self._folder / f"{readable}-{port}-{digest}.json"

    # --- the token and the server's identity --------------------------------------------

    def token(self, host: str, port: int) -> str:
        """This client's secret for the server, made (and saved) the first time."""
        data = self._load(host, port)
        token = data.get("token")
        if not isinstance(token, str) or not token:
            token = new_token()
            data["token"] = token
            self._save(host, port, data)
        return token

    def server_id(self, host: str, port: int) -> str:
        """The ``server_id`` of the server's last welcome, "" if none was ever seen."""
        value = self._load(host, port).get("server_id")
        return value if isinstance(value, str) else ""

    def remember_server_id(self, host: str, port: int, server_id: str) -> None:
        data = self._load(host, port)
        if server_id and data.get("server_id") != server_id:
            data["server_id"] = server_id
            self._save(host, port, data)

    # --- the outbox ------------------------------------------------------------------

    def outbox(self, host: str, port: int, name: str) -> list[SavedSay]:
        """The says saved for the server under ``name`` (says typed under another name
        are not this user's to send)."""
        box = self._load(host, port).get("outbox")
        if not isinstance(box, dict) or name_key(str(box.get("name", ""))) != name_key(name):
            return []
        says = box.get("says")
        out: list[SavedSay] = []
        for say in says if isinstance(says, list) else []:
            try:
                to = say.get("to")
                room = say.get("room")
                out.append(
                    SavedSay(
                        str(say["cid"]),
                        str(say["text"]),
                        str(to) if to else None,
                        float(say["typed_at"]),
                        str(room) if room else GENERAL,
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                continue  # a hand-edited entry: skip it, keep the others
        return out

    def save_outbox(self, host: str, port: int, name: str, says: list[SavedSay]) -> None:
        data = self._load(host, port)
        box = {
            "name": name,
            "says": [_saved(s) for s in says],
        }
        if data.get("outbox") == box or (not says and not data.get("outbox")):
            return
        data["outbox"] = box
        self._save(host, port, data)

    def pending_for(self, request: ConnectRequest) -> list[Outgoing]:
        """The says saved for ``request``'s server and name, pending again with their cids."""
        saved = self.outbox(request.host, request.port, request.name)
        return [Outgoing(cid=s.cid, text=s.text, to=s.to, queued_at=s.typed_at, room=s.room) for s in saved]

    def keep_pending(self, request: ConnectRequest, pending: list[Outgoing]) -> None:
        """Save what is pending for ``request``'s server (all of it: the file is replaced)."""
        says = [SavedSay(o.cid, o.text, o.to, o.queued_at, o.room) for o in pending]
        self.save_outbox(request.host, request.port, request.name, says)

    # --- files -------------------------------------------------------------------------

    def _load(self, host: str, port: int) -> dict[str, Any]:
        key = server_key(host, port)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        path = self.path(host, port)
        data: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                data = loaded
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            # Unreadable: set it aside rather than overwrite it (it may hold the token).
            with contextlib.suppress(OSError):
                path.replace(path.with_suffix(".unreadable"))
        self._cache[key] = data
        return data

    def _save(self, host: str, port: int, data: dict[str, Any]) -> None:
        data["format"] = _FORMAT
        data["server"] = server_key(host, port)
        self._cache[server_key(host, port)] = data
        write_private(self.path(host, port), json.dumps(data, ensure_ascii=False, indent=1))


def _saved(say: SavedSay) -> dict[str, Any]:
    # ``room`` only when it is not general: a file an older version wrote reads the same.
    out: dict[str, Any] = {"cid": say.cid, "text": say.text, "to": say.to, "typed_at": say.typed_at}
    if say.room != GENERAL:
        out["room"] = say.room
    return out


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically and durably, owner-only (see the module)."""
    folder = path.parent
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(FOLDER_MODE)  # made by someone else, or by an older version
    # mkstemp creates the file 0600 before a byte is written.
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk (POSIX); Windows
    # cannot open a folder, and its rename is journalled.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
