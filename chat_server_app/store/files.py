"""The data directory's files: owner-only whatever the umask, and one server at a time.

The history holds private messages, so the directory is made 0700 and the files
0600, and looser modes left by an earlier version are tightened at start. Modes
are set by path (``chmod``), never by opening a file SQLite may have open: closing
any descriptor of a database file drops the POSIX locks SQLite holds on it.

:class:`DirectoryLock` keeps a second server off a data directory in use: two
servers on one history would hand out the same ids. It is ``flock`` (``msvcrt``
on Windows) on a file of its own, held for as long as the server runs: the kernel
releases it when the process ends however it ends, so a server killed with SIGKILL
leaves no lock behind that would block its restart (a lock judged stale by the pid
it records could be taken for live when the pid is reused).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "LOCK_FILENAME",
    "DirectoryInUseError",
    "DirectoryLock",
    "private_dir",
    "private_file",
    "tighten",
]

DIR_MODE = 0o700
FILE_MODE = 0o600
LOCK_FILENAME = "server.lock"


def tighten(path: Path, mode: int) -> None:
    """Take away what ``mode`` does not give; an owner's own bits are left as they are."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~mode:
        # Someone else's folder that we may only use: its owner decides its mode.
        with contextlib.suppress(PermissionError):
            path.chmod(current & mode)


def private_dir(path: Path) -> None:
    """Make ``path`` and any missing parents 0700; tighten it if it exists and is looser.

    ``Path.mkdir(parents=True)`` would make the parents with the umask's mode, and
    the mode given only for the last folder; under umask 0 a world-writable parent
    would let anyone swap the data directory for one of their own."""
    missing = []
    at = path
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(DIR_MODE)
            # mkdir's mode goes through the umask: an odd one (0o277) would leave it unwritable.
            folder.chmod(DIR_MODE)
    tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Make ``path`` 0600 if it is missing (empty); tighten it if it is looser."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        tighten(path, FILE_MODE)
        return
    try:
        # Created here, so no one else can have it open: safe to set by descriptor.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


class DirectoryInUseError(Exception):
    """Another process holds the directory's lock; the message is one line for the operator."""


class DirectoryLock:
    """The lock on a data directory, taken at once or not at all (:class:`DirectoryInUseError`)."""

    def __init__(self, directory: Path) -> None:
        private_dir(directory)
        self.path = directory / LOCK_FILENAME
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            tighten(self.path, FILE_MODE)
            if not _try_lock(self._fd):
                holder = _holder(self.path)
                who = f"another server (pid {holder})" if holder else "another server"
                raise DirectoryInUseError(
                    f"the data directory {directory} is in use by {who}; "
                    "give each server a --data-dir of its own"
                )
            # Who holds it, for the message above: a hint only, the lock is what counts.
            os.ftruncate(self._fd, 0)
            os.write(self._fd, f"{os.getpid()}\n".encode())
        except BaseException:
            os.close(self._fd)
            self._fd = None
            raise

    def release(self) -> None:
        """Let another server have the directory (the process ending does the same)."""
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:  # Windows: the locked byte cannot be read while it is held
        return ""
    return text if text.isdigit() else ""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
