"""Uploads: ``file_offer`` and the client's ``file_chunk`` frames, up to the file's
``message`` (docs/PROTOCOL.md §8.5).

An offer is checked as a ``say`` is (the room or the user, read-only, the rate),
then as a file (files on, its size, its extension), and answered ``file_ready``
with where to go on from: the bytes of the same sha256 that arrived before a drop
are kept (:mod:`~chat_server_app.store.file_vault`). Every error about an offer
carries its ``fid`` as ``cid``; about a chunk, its ``file_id``.
"""

from __future__ import annotations

import secrets

from chat_server_app.core.frames import message_frames, offline_echo
from chat_server_app.core.outbox import Entry
from chat_server_app.core.outputs import StoreFailed
from chat_server_app.core.rooms import Room
from chat_server_app.core.session import Link, Session
from chat_server_app.core.state import CoreState, file_info
from chat_server_app.core.transfers import MAX_UPLOADS, Upload
from chat_server_app.store import Reservation, StoredMessage
from chat_server_app.store.file_vault import FileRecord, VaultError
from shared.errors import ErrorCode
from shared.file_messages import FileChunk, FileOffer, FileReady
from shared.file_names import display_name, extension_of, sniff_mime
from shared.limits import NAME_MAX_CHARS, RATE_ABUSE_DROPS
from shared.messages import GENERAL
from shared.quoting import quoted
from shared.validation import name_key, normalize_name

__all__ = ["Uploading"]

_Target = tuple[Room | None, Session[Link] | None, Reservation | None]


class Uploading(CoreState):
    """Takes offers and chunks; posts a file's message once its bytes are verified."""

    def _on_file_offer(self, session: Session[Link], offer: FileOffer) -> None:
        fid = offer.fid
        target = self._file_target(session, offer.room, offer.to, fid)
        if target is None:
            return
        room = target[0]
        if self.vault is None or self.settings.no_files:
            self._reject(session, ErrorCode.FILE_REFUSED, "this server takes no files", cid=fid)
            return
        room_key = GENERAL if room is None else room.key
        if offer.to is None and room_key in self.files_off_in:
            where = "the chat" if room is None else f"#{room.name}"
            self._reject(session, ErrorCode.FILE_REFUSED, f"files are off in {where}", cid=fid)
            return
        name = display_name(offer.name)
        if offer.size == 0:
            self._reject(session, ErrorCode.FILE_REFUSED, "the file is empty", cid=fid)
            return
        limit = min(self.settings.max_file_size, self.settings.files_quota)
        if offer.size > limit:
            message = f"the file is larger than the {limit} bytes this server takes"
            self._reject(session, ErrorCode.FILE_TOO_LARGE, message, cid=fid)
            return
        if extension_of(name) in self.settings.refuse_extensions:
            message = f"this server does not take .{extension_of(name)} files"
            self._reject(session, ErrorCode.FILE_REFUSED, message, cid=fid)
            return
        mine = self.transfers.uploads_of(session)
        if len(mine) >= MAX_UPLOADS:
            message = f"at most {MAX_UPLOADS} uploads at once: wait for one to end"
            self._reject(session, ErrorCode.FILE_REFUSED, message, cid=fid)
            return
        if not session.bucket.take():
            session.drops_in_row += 1
            if session.drops_in_row > RATE_ABUSE_DROPS:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many messages, too fast", fatal=True)
            else:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many files: slow down", cid=fid)
            return
        vault = self.vault
        partial = vault.partials.get(offer.sha256)
        if partial is not None:
            holder = partial.holder
            if partial.size != offer.size:
                message = "another upload of this sha256 announced another size"
                self._reject(session, ErrorCode.FILE_INVALID, message, cid=fid)
                return
            if isinstance(holder, Upload) and holder.session.key != session.key:
                message = "someone else is sending the same file right now: try again later"
                self._reject(session, ErrorCode.FILE_REFUSED, message, cid=fid)
                return
            if isinstance(holder, Upload):
                # The same user again (a reconnect the server has not noticed yet, or an
                # offer sent twice): the newer offer goes on with the bytes.
                self.transfers.uploads.pop(holder.file_id, None)
        elif vault.partial_bytes + offer.size > self.settings.files_quota:
            message = "the server is receiving too many files right now: try again later"
            self._reject(session, ErrorCode.FILE_REFUSED, message, cid=fid)
            return
        try:
            partial = vault.start(offer.sha256, offer.size)
        except VaultError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot store files right now", cid=fid)
            return
        session.drops_in_row = 0
        upload = Upload(secrets.token_urlsafe(12), fid, name, session, partial, offer.room, offer.to)
        partial.holder = upload
        self.transfers.uploads[upload.file_id] = upload
        self._send(session, FileReady(fid, upload.file_id, partial.received).to_dict())

    def set_room_files(self, room: str, *, on: bool) -> None:
        """The operator's switch of files in one room (``general`` for the main chat),
        for as long as the server runs (``--no-files-in`` keeps it across restarts)."""
        key = GENERAL if room == GENERAL else name_key(normalize_name(room))
        if on:
            self.files_off_in.discard(key)
        else:
            self.files_off_in.add(key)

    def files_on_in(self, room: str) -> bool:
        key = GENERAL if room == GENERAL else name_key(normalize_name(room))
        return key not in self.files_off_in

    def _file_target(
        self, session: Session[Link], room_name: str, to: str | None, fid: str
    ) -> _Target | None:
        """Where a file goes, checked as a ``say``'s target is; None: refused (answered)."""
        room: Room | None = None
        if to is not None:
            wanted = normalize_name(to)
            to_key = name_key(wanted) if len(wanted) <= NAME_MAX_CHARS else ""
            target = self._users.get(to_key)
            absent = None if target is not None else self.identities.reservation(to_key)
            if target is None and absent is None:
                self._reject(session, ErrorCode.NO_SUCH_USER, f"no user named {quoted(to)}", cid=fid)
                return None
            return None, target, absent
        if room_name != GENERAL:
            room = session.rooms.get(name_key(room_name))
            if room is None:
                self._reject(session, ErrorCode.NOT_IN_ROOM, f"you are not in #{room_name}", cid=fid)
                return None
            if room.read_only:
                self._reject(session, ErrorCode.READ_ONLY, f"#{room.name} is read-only right now", cid=fid)
                return None
        elif self.rooms.general.read_only:
            self._reject(session, ErrorCode.READ_ONLY, "the chat is read-only right now", cid=fid)
            return None
        return room, None, None

    def _on_file_chunk(self, session: Session[Link], chunk: FileChunk) -> None:
        file_id = chunk.file_id
        upload = self.transfers.uploads.get(file_id)
        if upload is None or upload.session is not session:
            # Someone else's upload is as unknown as no upload at all.
            self._reject(session, ErrorCode.NO_SUCH_FILE, "no upload with that file_id", file_id=file_id)
            return
        partial = upload.partial
        if chunk.offset != partial.received:
            message = f"the next chunk starts at offset {partial.received}"
            self._reject(session, ErrorCode.FILE_INVALID, message, file_id=file_id)
            return
        if chunk.offset + len(chunk.data) > partial.size:
            message = f"the chunk goes past the file's announced size ({partial.size} bytes)"
            self._reject(session, ErrorCode.FILE_INVALID, message, file_id=file_id)
            return
        assert self.vault is not None  # an upload exists only with a vault
        try:
            self.vault.write(partial, chunk.data)
        except VaultError as exc:
            self._upload_failed(upload, str(exc))
            return
        if partial.received < partial.size:
            return
        del self.transfers.uploads[file_id]
        try:
            matched, gone = self.vault.finish(partial)
        except VaultError as exc:
            self._upload_failed(upload, str(exc))
            return
        if gone:
            self._outputs.append(StoreFailed(f"files quota: {len(gone)} older file(s) removed to make room"))
        if not matched:
            message = "the bytes received do not match the sha256 offered: the upload is dropped"
            self._reject(session, ErrorCode.FILE_INVALID, message, file_id=file_id)
            return
        self._post_file(session, upload)

    def _upload_failed(self, upload: Upload, reason: str) -> None:
        self.transfers.uploads.pop(upload.file_id, None)
        if self.vault is not None:
            self.vault.drop(upload.partial)
        self._outputs.append(StoreFailed(reason))
        message = "the server could not store the file"
        self._reject(upload.session, ErrorCode.SERVER_ERROR, message, file_id=upload.file_id)

    def _post_file(self, session: Session[Link], upload: Upload) -> None:
        """The file is in: its message goes where it was offered to (checked again: the
        sender may have left the room meanwhile)."""
        target = self._file_target(session, upload.room, upload.to, upload.fid)
        if target is None:
            return
        room, recipient, absent = target
        assert self.vault is not None
        partial = upload.partial
        ts, epoch = self._clock()
        to = to_key = to_owner = None
        if recipient is not None:
            to, to_key, to_owner = recipient.name, recipient.key, recipient.owner
        elif absent is not None:
            to, to_key, to_owner = absent.name, absent.key, absent.owner
        record = StoredMessage(
            self._next_id,
            ts,
            session.name,
            session.key,
            upload.name,
            upload.fid,
            to,
            to_key,
            epoch,
            session.owner,
            to_owner,
            None if room is None else room.name,
        )
        mime = sniff_mime(partial.head)
        entry = FileRecord(upload.file_id, record.id, partial.sha256, upload.name, partial.size, mime, epoch)
        try:
            self.vault.add(entry)
        except VaultError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            message = "the server could not store the file"
            self._reject(session, ErrorCode.SERVER_ERROR, message, cid=upload.fid)
            return
        self._next_id += 1
        self._pending.append(record)
        session.messages_sent += 1
        info = file_info(entry).to_json()
        public, echo = message_frames(record, info)
        seq = next(self._seqs)
        if absent is not None:
            self._outbox.append(Entry(None, seq, {session: offline_echo(record, info)}, message_id=record.id))
        elif recipient is None:
            self._outbox.append(Entry(public, seq, {session: echo}, message_id=record.id, room=room))
        else:
            special = {recipient: public, session: echo} if recipient is not session else {session: echo}
            self._outbox.append(Entry(None, seq, special, message_id=record.id))
