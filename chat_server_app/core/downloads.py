"""Downloads: ``file_get`` answered with ``file_chunk`` frames paced by the reader
(docs/PROTOCOL.md §8.5).

A download never holds a file in memory and never delays anyone's chat: each pass,
:meth:`Downloading.pump_downloads` reads a few chunks from disk for the readers whose
send queue is below :data:`LOW_WATER`, at most :data:`BYTES_PER_PASS` for all of them
together, round robin. A reader that stops reading stops its download where it is;
the chat's frames to everyone else go through the pass as before.
"""

from __future__ import annotations

import json
import os

from chat_server_app.core.outputs import Send, StoreFailed
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.core.state import CoreState
from chat_server_app.core.transfers import MAX_DOWNLOADS, Download
from chat_server_app.store import StoredMessage, StoreError
from shared.codec import encode, frame
from shared.errors import ErrorCode
from shared.file_messages import FileEnd, FileGet, chunk_payload
from shared.limits import FILE_CHUNK_MAX
from shared.validation import name_key

__all__ = ["Downloading", "LOW_WATER_FRACTION", "BYTES_PER_PASS"]

LOW_WATER_FRACTION = 4
"""A download's next chunks are read while less than ``send_queue / 4`` bytes wait
for its reader (256 KiB by default): enough in flight to fill a fast link between
two passes, and far from the send-queue limit that would drop the reader, so that
its chat frames always fit beside the file's."""

BYTES_PER_PASS = 1024 * 1024
"""File bytes one pass reads and encodes for all downloads together (about a
millisecond of base64): a pass's work stays bounded however many download."""

_NO_SUCH_FILE = "no file with that file_id"


class Downloading(CoreState):
    """Serves ``file_get``; :meth:`pump_downloads` runs once per pass."""

    def _on_file_get(self, session: Session[Link], get: FileGet) -> None:
        file_id = get.file_id
        vault = self.vault
        record = vault.record(file_id) if vault is not None else None
        path = vault.blob_path(record.sha256) if vault is not None and record is not None else None
        if record is None or path is None or record.gone or not self._may_see(session, record.message_id):
            self._reject(session, ErrorCode.NO_SUCH_FILE, _NO_SUCH_FILE, file_id=file_id)
            return
        if get.offset > record.size:
            message = f"the offset is past the file's end ({record.size} bytes)"
            self._reject(session, ErrorCode.FILE_INVALID, message, file_id=file_id)
            return
        queue = self.transfers.downloads.setdefault(session, [])
        for old in [d for d in queue if d.file_id == file_id]:
            queue.remove(old)  # asked again: from the new offset
            old.close()
        if len(queue) >= MAX_DOWNLOADS:
            message = f"at most {MAX_DOWNLOADS} downloads at once: wait for one to end"
            self._reject(session, ErrorCode.FILE_REFUSED, message, file_id=file_id)
            return
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            if not queue:
                del self.transfers.downloads[session]
            self._reject(session, ErrorCode.NO_SUCH_FILE, _NO_SUCH_FILE, file_id=file_id)
            return
        file_id_json = json.dumps(file_id).encode()
        queue.append(Download(file_id, file_id_json, record.name, fd, get.offset, record.size))

    def _may_see(self, session: Session[Link], message_id: int) -> bool:
        """Whether ``session`` may have the file of message ``message_id``: a file's
        visibility is its message's (a room's members, the two parties of a private one)."""
        try:
            message = self.store.message(message_id)
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            return False
        return message is not None and _sees(session, message)

    @property
    def downloads_ready(self) -> bool:
        """Whether a download's reader has room for more: the driver flushes again soon."""
        low = self.settings.send_queue // LOW_WATER_FRACTION
        return any(s.conn.bytes_to_write < low and s not in self._replays for s in self.transfers.downloads)

    @property
    def downloads_waiting(self) -> bool:
        """Whether downloads wait for their readers: the driver looks again a bit later."""
        return bool(self.transfers.downloads)

    def pump_downloads(self) -> None:
        """Read and send the next chunks of the downloads whose readers have room."""
        downloads = self.transfers.downloads
        if not downloads:
            return
        low = self.settings.send_queue // LOW_WATER_FRACTION
        budget = BYTES_PER_PASS
        served: list[Session[Link]] = []
        for session, queue in list(downloads.items()):
            if budget <= 0:
                break
            if session.state is not SessionState.REGISTERED or session in self._replays:
                continue
            room = min(low - session.conn.bytes_to_write, budget)
            if room <= 0:
                continue
            served.append(session)
            parts: list[bytes] = []
            size = 0
            while queue and size < room:
                download = queue[0]
                count = min(FILE_CHUNK_MAX, download.size - download.offset)
                try:
                    data = os.pread(download.fd, count, download.offset) if count else b""
                except OSError as exc:
                    data = b""
                    self._outputs.append(StoreFailed(f"cannot read a file: {exc.strerror or exc}"))
                if len(data) != count:
                    # Removed or cut under us: the reader hears it as a file gone.
                    queue.pop(0).close()
                    self._reject(session, ErrorCode.NO_SUCH_FILE, _NO_SUCH_FILE, file_id=download.file_id)
                    continue
                if count:
                    part = frame(chunk_payload(download.file_id_json, download.offset, data))
                    download.offset += count
                    parts.append(part)
                    size += len(part)
                if download.offset >= download.size:
                    queue.pop(0).close()
                    parts.append(encode(FileEnd(download.file_id).to_dict()))
            budget -= size
            if not queue:
                del downloads[session]
            if parts:
                self._burst_bytes += size
                self._outputs.append(Send(session, b"".join(parts)))
        # Round robin: whoever was served goes to the back.
        for session in served:
            if session in downloads:
                downloads[session] = downloads.pop(session)


def _sees(session: Session[Link], message: StoredMessage) -> bool:
    if message.to_key is None:
        return message.room is None or name_key(message.room) in session.rooms
    owner = session.owner
    if owner is not None and owner in (message.sender_owner, message.to_owner):
        return True
    # A party without a token is known by name only while its side has no owner.
    return (session.key == message.sender_key and message.sender_owner is None) or (
        session.key == message.to_key and message.to_owner is None
    )
