"""The files users send, in the data directory (docs/PROTOCOL.md §8.5): no Qt, no sockets.

Layout, under ``<data dir>/files`` (0700, files 0600)::

    blobs/<sha256>        a whole file whose bytes hash to its name
    partial/<sha256>.part an upload in progress
    catalog.sqlite3       which blobs there are, and the files sent (id, name, message)

A file is stored by content: its path is its sha256, never anything its sender
named, so no name can reach outside the directory, and the same bytes sent twice
are one blob. An upload is written to ``partial/``, hashed as it arrives, and
renamed into ``blobs/`` only once every byte is in, flushed to disk and its sha256
matches. A partial upload whose sender dropped is kept (with its running hash) for
the next offer of the same sha256 (a resume) for :data:`PARTIAL_KEPT_SECONDS`; a
restart forgets partials (their running hashes are gone), and deletes their bytes.

The quota counts the blobs. A blob that would pass it makes room first: the oldest
blobs (by when they were last stored) go, and every file of theirs is marked gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from chat_server_app.store.files import FILE_MODE, private_dir
from shared.file_names import SNIFF_BYTES

__all__ = ["FileVault", "FileRecord", "Partial", "VaultError", "PARTIAL_KEPT_SECONDS"]

SYNC_EVERY = 8 * 1024 * 1024
"""Bytes of an upload written between two flushes to disk: the flush before the rename
then has at most this much left to write, and never stalls the event loop for the
whole file (a gigabyte's flush at once took longer than a second)."""

PARTIAL_KEPT_SECONDS = 3600.0
"""How long the bytes of an upload whose sender went away wait for a resume: long
enough for a laptop to come back from a walk down the corridor."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, epoch REAL NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    message_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    epoch REAL NOT NULL,
    gone INTEGER NOT NULL DEFAULT 0
);
"""


class VaultError(Exception):
    """The files could not be read or written (a full disk, a broken folder)."""


class FileRecord(NamedTuple):
    """A file sent: the message that carries it, and its blob (``gone``: evicted)."""

    file_id: str
    message_id: int
    sha256: str
    name: str
    size: int
    mime: str
    epoch: float
    gone: bool = False


class Partial:
    """An upload's bytes so far, under ``partial/``, and their running hash."""

    __slots__ = ("sha256", "size", "path", "fd", "received", "hasher", "head", "holder", "idle_since")

    def __init__(self, sha256: str, size: int, path: Path, fd: int) -> None:
        self.sha256 = sha256
        self.size = size
        self.path = path
        self.fd = fd
        self.received = 0
        self.hasher = hashlib.sha256()
        self.head = b""  # the first bytes, for the mime
        self.holder: object | None = None  # the upload writing it now, if any
        self.idle_since = 0.0


class FileVault:
    """Blobs, partial uploads and the catalog of files sent (see the module's docstring)."""

    def __init__(self, root: Path, quota: int, *, wall: Callable[[], float] = time.time) -> None:
        self.root = root
        self.quota = quota
        self._wall = wall
        self._db: sqlite3.Connection | None = None
        self._blobs: dict[str, tuple[int, float]] = {}  # sha256 -> (size, epoch)
        self._files: dict[str, FileRecord] = {}
        self._by_message: dict[int, FileRecord] = {}
        self.partials: dict[str, Partial] = {}
        self.used = 0
        self.evicted = 0
        if (root / "catalog.sqlite3").exists():
            self._load()
        with contextlib.suppress(OSError):
            for stray in (root / "partial").glob("*.part"):
                stray.unlink()  # a restart forgot its hash: it cannot be resumed

    # --- the catalog ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                private_dir(self.root / "blobs")
                private_dir(self.root / "partial")
                db = sqlite3.connect(self.root / "catalog.sqlite3", isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise VaultError(f"cannot open the files folder {self.root}: {exc}") from exc
            self._db = db
        return self._db

    def _load(self) -> None:
        db = self._open()
        try:
            for sha, size, epoch in db.execute("SELECT sha256, size, epoch FROM blobs"):
                if (self.root / "blobs" / sha).is_file():
                    self._blobs[sha] = (size, epoch)
            rows = db.execute("SELECT * FROM files").fetchall()
        except sqlite3.Error as exc:
            raise VaultError(f"cannot read the files catalog: {exc}") from exc
        with contextlib.suppress(OSError):
            for blob in (self.root / "blobs").iterdir():
                if blob.name not in self._blobs:
                    blob.unlink()  # renamed in, but the crash came before the catalog knew
        for file_id, message_id, sha, name, size, mime, epoch, gone in rows:
            lost = bool(gone) or sha not in self._blobs
            self._index(FileRecord(file_id, message_id, sha, name, size, mime, epoch, lost))
        self.used = sum(size for size, _ in self._blobs.values())

    def _index(self, record: FileRecord) -> None:
        self._files[record.file_id] = record
        self._by_message[record.message_id] = record

    def record(self, file_id: str) -> FileRecord | None:
        return self._files.get(file_id)

    def of_message(self, message_id: int) -> FileRecord | None:
        return self._by_message.get(message_id)

    def add(self, record: FileRecord) -> None:
        """Keep a file sent (its blob is in: :meth:`finish`)."""
        try:
            self._open().execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*record[:7], int(record.gone)),
            )
        except sqlite3.Error as exc:
            raise VaultError(f"cannot write the files catalog: {exc}") from exc
        self._index(record)

    @property
    def partial_bytes(self) -> int:
        return sum(p.received for p in self.partials.values())

    def blob_path(self, sha256: str) -> Path | None:
        """Where a blob's bytes are, if the vault has them."""
        return self.root / "blobs" / sha256 if sha256 in self._blobs else None

    # --- uploads ----------------------------------------------------------------------------

    def start(self, sha256: str, size: int) -> Partial:
        """The partial upload of ``sha256``: the one kept from before (to resume), or a new one."""
        partial = self.partials.get(sha256)
        if partial is not None:
            return partial
        self._open()
        path = self.root / "partial" / f"{sha256}.part"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), FILE_MODE)
        except OSError as exc:
            raise VaultError(f"cannot write {path}: {exc.strerror or exc}") from exc
        partial = Partial(sha256, size, path, fd)
        self.partials[sha256] = partial
        return partial

    def write(self, partial: Partial, data: bytes) -> None:
        """Append ``data`` to a partial upload."""
        try:
            written = os.pwrite(partial.fd, data, partial.received)
        except OSError as exc:
            raise VaultError(f"cannot write {partial.path}: {exc.strerror or exc}") from exc
        if written != len(data):
            raise VaultError(f"cannot write {partial.path}: the disk took {written} of {len(data)} bytes")
        if partial.received < SNIFF_BYTES:
            partial.head = (partial.head + data)[:SNIFF_BYTES]
        partial.hasher.update(data)
        before = partial.received
        partial.received += len(data)
        if before // SYNC_EVERY != partial.received // SYNC_EVERY:
            try:
                os.fsync(partial.fd)
            except OSError as exc:
                raise VaultError(f"cannot write {partial.path}: {exc.strerror or exc}") from exc

    def finish(self, partial: Partial) -> tuple[bool, list[FileRecord]]:
        """Every byte is in: whether its sha256 matches (if not, the bytes are dropped),
        and the files that went to make room for it. On a match it is a blob now."""
        self.partials.pop(partial.sha256, None)
        if partial.hasher.hexdigest() != partial.sha256:
            self._delete_partial(partial)
            return False, []
        target = self.root / "blobs" / partial.sha256
        try:
            os.fsync(partial.fd)
            os.close(partial.fd)
            os.replace(partial.path, target)  # the same bytes already there: one blob
            _sync_dir(target.parent)
        except OSError as exc:
            self._delete_partial(partial)
            raise VaultError(f"cannot store {target}: {exc.strerror or exc}") from exc
        old = self._blobs.pop(partial.sha256, None)
        if old is not None:
            self.used -= old[0]
        gone = self._make_room(partial.size)
        epoch = self._wall()
        self._blobs[partial.sha256] = (partial.size, epoch)
        self.used += partial.size
        try:
            self._open().execute(
                "INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (partial.sha256, partial.size, epoch)
            )
        except sqlite3.Error as exc:
            raise VaultError(f"cannot write the files catalog: {exc}") from exc
        return True, gone

    def abandon(self, partial: Partial, now: float) -> None:
        """Its uploader went away: kept for a resume, until :meth:`prune`."""
        partial.holder = None
        partial.idle_since = now

    def prune(self, now: float) -> None:
        """Drop the partial uploads no one came back for."""
        for partial in list(self.partials.values()):
            if partial.holder is None and now - partial.idle_since > PARTIAL_KEPT_SECONDS:
                del self.partials[partial.sha256]
                self._delete_partial(partial)

    def drop(self, partial: Partial) -> None:
        """Forget a partial upload that cannot go on (the disk failed)."""
        if self.partials.get(partial.sha256) is partial:
            del self.partials[partial.sha256]
        self._delete_partial(partial)

    def _delete_partial(self, partial: Partial) -> None:
        with contextlib.suppress(OSError):
            os.close(partial.fd)
        with contextlib.suppress(OSError):
            partial.path.unlink()

    # --- the quota --------------------------------------------------------------------------

    def _make_room(self, size: int) -> list[FileRecord]:
        """Evict the oldest blobs until ``size`` more bytes fit the quota."""
        if self.used + size <= self.quota:
            return []
        oldest = sorted(self._blobs.items(), key=lambda item: item[1][1])
        evicted: set[str] = set()
        for sha, (blob_size, _) in oldest:
            if self.used + size <= self.quota:
                break
            del self._blobs[sha]
            self.used -= blob_size
            evicted.add(sha)
            self.evicted += 1
            # An open download keeps reading the unlinked file (POSIX); where the system
            # refuses to unlink an open file, it is deleted at the next start.
            with contextlib.suppress(OSError):
                (self.root / "blobs" / sha).unlink()
        gone = [r._replace(gone=True) for r in self._files.values() if r.sha256 in evicted and not r.gone]
        try:
            db = self._open()
            db.executemany("DELETE FROM blobs WHERE sha256 = ?", [(sha,) for sha in evicted])
            db.executemany("UPDATE files SET gone = 1 WHERE sha256 = ?", [(sha,) for sha in evicted])
        except sqlite3.Error as exc:
            raise VaultError(f"cannot write the files catalog: {exc}") from exc
        for record in gone:
            self._index(record)
        return gone

    def close(self) -> None:
        for partial in list(self.partials.values()):
            self._delete_partial(partial)
        self.partials.clear()
        if self._db is not None:
            self._db.close()
            self._db = None


def _sync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; Windows has no directory descriptors)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
