"""The file transfers in progress (docs/PROTOCOL.md §8.5): who uploads what, who
downloads what and how far; the rules are :mod:`~chat_server_app.core.uploads` and
:mod:`~chat_server_app.core.downloads`."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chat_server_app.core.session import Link, Session

if TYPE_CHECKING:
    from chat_server_app.store.file_vault import FileVault, Partial

__all__ = ["Upload", "Download", "Transfers", "TransferView", "MAX_UPLOADS", "MAX_DOWNLOADS"]

MAX_UPLOADS = 4
"""Uploads one session may have open at once: a client sends its files one after the
other; more would only spread a user's disk space over half-sent files."""

MAX_DOWNLOADS = 8
"""Downloads one session may have open at once (a timeline's thumbnails)."""


@dataclass(slots=True, eq=False)
class Upload:
    """An offer the server took: its bytes go to ``partial``."""

    file_id: str
    fid: str
    name: str
    session: Session[Link]
    partial: Partial
    room: str
    to: str | None


@dataclass(slots=True, eq=False)
class Download:
    """A ``file_get`` being served from an open blob, ``offset`` the next byte to send."""

    file_id: str
    file_id_json: bytes
    name: str
    fd: int
    offset: int
    size: int

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


@dataclass(frozen=True, slots=True)
class TransferView:
    """A transfer as the dashboard lists it."""

    user: str
    name: str
    upload: bool
    done: int
    size: int


@dataclass(slots=True)
class Transfers:
    """Uploads by ``file_id``, downloads by session (in the order they were asked for)."""

    send_queue: int
    uploads: dict[str, Upload] = field(default_factory=dict)
    downloads: dict[Session[Link], list[Download]] = field(default_factory=dict)

    def uploads_of(self, session: Session[Link]) -> list[Upload]:
        return [u for u in self.uploads.values() if u.session is session]

    def forget(self, session: Session[Link], vault: FileVault | None, now: float) -> None:
        """``session`` is gone: its uploads wait for a resume, its downloads end."""
        for upload in self.uploads_of(session):
            del self.uploads[upload.file_id]
            if vault is not None and upload.partial.holder is upload:
                vault.abandon(upload.partial, now)
        for download in self.downloads.pop(session, ()):
            download.close()

    def close(self) -> None:
        for downloads in self.downloads.values():
            for download in downloads:
                download.close()
        self.downloads.clear()
        self.uploads.clear()

    def views(self) -> list[TransferView]:
        out = [
            TransferView(u.session.name, u.name, True, u.partial.received, u.partial.size)
            for u in self.uploads.values()
        ]
        for session, downloads in self.downloads.items():
            out.extend(TransferView(session.name, d.name, False, d.offset, d.size) for d in downloads)
        return out
