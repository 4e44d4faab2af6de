"""The chat rules of PROTOCOL.md §2-§6 as a state machine: calls in, outputs out.

Delivery is batched per event-loop pass: what a pass accepts is stored in one
transaction (:meth:`ServerCore.flush`), then every client gets one write holding all
of the pass's frames for it. Each frame is encoded once; the sender's copy (which
carries its ``cid``) is the one variant.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable

from chat_server_app.core.delivering import Delivering
from chat_server_app.core.downloads import Downloading
from chat_server_app.core.frames import cid_of
from chat_server_app.core.identity import address_of
from chat_server_app.core.posting import Posting
from chat_server_app.core.ratelimit import TokenBucket
from chat_server_app.core.registration import Registration
from chat_server_app.core.room_orders import RoomOrders
from chat_server_app.core.searching import Searching
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.core.uploads import Uploading
from shared.around_messages import HistoryAround
from shared.errors import ErrorCode, ProtocolError
from shared.file_messages import FILE_ID_MAX_CHARS, FileChunk, FileGet, FileOffer
from shared.messages import (
    Bye,
    Join,
    LeftReason,
    ListRooms,
    Part,
    Ping,
    Pong,
    Say,
    Status,
    Typing,
    parse_client_message,
)
from shared.search_messages import Search
from shared.validation import name_key, normalize_name

__all__ = ["ServerCore", "TRIM_AFTER_BYTES"]

TRIM_AFTER_BYTES = 32 * 1024 * 1024
"""Bytes sent since the last heap trim that make the next quiet moment trim again:
a burst of that size leaves enough freed buffers behind to be worth returning."""


class ServerCore(Registration, Posting, Delivering, RoomOrders, Searching, Uploading, Downloading):
    """Every rule of the protocol, for every session, with no I/O of its own."""

    # --- what the driver reads ------------------------------------------------------

    @property
    def has_outbox(self) -> bool:
        """Whether the pass has frames to deliver: the driver flushes before the loop idles."""
        return bool(self._outbox)

    @property
    def next_deadline(self) -> float | None:
        """The monotonic time a :meth:`tick` is due sooner than the driver's regular
        ones (a wrong password's answer), if any."""
        return self._gate.next_due()

    @property
    def unregistered(self) -> int:
        """Connections that have not said a valid hello yet (TLS handshakes included)."""
        return self._gate.waiting

    @property
    def replays_ready(self) -> bool:
        """Whether a replay's reader has room for more: the driver flushes again soon."""
        return self._replays.ready()

    @property
    def replays_waiting(self) -> bool:
        """Whether replays wait for their readers: the driver looks again a bit later."""
        return len(self._replays) > 0

    @property
    def read_only(self) -> bool:
        return self.rooms.general.read_only

    @property
    def users(self) -> list[Session[Link]]:
        """Registered sessions, sorted by name."""
        # Not by key: a skeleton is for comparing, and would put Mario after Quentin.
        return sorted(self._users.values(), key=lambda s: (s.name.casefold(), s.name))

    @property
    def user_count(self) -> int:
        return len(self._users)

    @property
    def messages_total(self) -> int:
        """Messages accepted (stored and sent) since the rules started."""
        return self._next_id - self._first_id - self._unaccepted

    def user(self, name: str) -> Session[Link] | None:
        return self._users.get(name_key(normalize_name(name)))

    # --- sessions ---------------------------------------------------------------------

    def open(self, conn: Link, sink: Hashable, address: str, now: float) -> Session[Link]:
        """A new connection: it has ``hello_timeout`` to say hello."""
        bucket = TokenBucket(self.settings.rate_burst, self.settings.rate_per_sec, self._monotonic)
        session: Session[Link] = Session(conn, sink, address, bucket, wall=self._wall(), now=now)
        self.sessions.add(session)
        self._liveness.opened(session, now)
        refusal = self._gate.enter(address_of(address))
        if refusal is None:
            session.gated = True
        else:
            self._reject(session, ErrorCode.RATE_LIMITED, refusal, fatal=True)
        return session

    def closed(self, session: Session[Link]) -> None:
        """The connection is over (the peer went, or a close the rules asked for ended)."""
        if session.state is not SessionState.CLOSED:
            self._drop(session, LeftReason.DISCONNECTED)
        self.sessions.discard(session)

    def receive(self, session: Session[Link], messages: list[dict[str, object]], now: float) -> None:
        """Decoded messages from one connection, in order."""
        session.last_heard = now
        self._liveness.heard(session, now)
        for obj in messages:
            if session.state is SessionState.CLOSED:
                return
            if session.state is SessionState.GREETING:
                if not self._gate.is_held(session):  # its wrong password is answered later
                    self._greet(session, obj, now)
                continue
            if obj.get("type") == "hello":
                self._reject(session, ErrorCode.PROTOCOL_ERROR, "already registered: hello was sent twice")
                continue
            try:
                message = parse_client_message(obj)
            except ProtocolError as exc:
                cid, file_id = _ids_of(obj)
                self._reject(session, exc.code, exc.message, cid=cid, file_id=file_id)
                continue
            if isinstance(message, Say):
                self._on_say(session, message)
            elif isinstance(message, Ping):
                self._send(session, Pong(message.token).to_dict())
            elif isinstance(message, Pong):
                self._on_pong(session, message, now)
            elif isinstance(message, Bye):
                self._drop(session, LeftReason.QUIT)
            elif isinstance(message, Join):
                self._on_join(session, message)
            elif isinstance(message, Part):
                self._on_part(session, message.room)
            elif isinstance(message, ListRooms):
                self._on_list_rooms(session)
            elif isinstance(message, Status):
                self._on_status(session, message)
            elif isinstance(message, Typing):
                self._on_typing(session, message, now)
            elif isinstance(message, FileChunk):
                self._on_file_chunk(session, message)
            elif isinstance(message, FileOffer):
                self._on_file_offer(session, message)
            elif isinstance(message, FileGet):
                self._on_file_get(session, message)
            elif isinstance(message, Search):
                self._on_search(session, message)
            elif isinstance(message, HistoryAround):
                self._on_history(session, message)

    def protocol_error(self, session: Session[Link], code: ErrorCode, message: str) -> None:
        """The peer broke the framing: one ``error``, then the connection closes."""
        self._reject(session, code, message, fatal=True)

    def _on_pong(self, session: Session[Link], pong: Pong, now: float) -> None:
        if session.ping_token is not None and pong.token == session.ping_token:
            session.rtt = now - session.ping_sent_at
            session.ping_token = None

    # --- deadlines ----------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Hello and liveness deadlines."""
        for session in self._gate.due(now):
            self._reject(session, ErrorCode.AUTH_FAILED, "wrong password")
        for held in self._presence.due(now):
            self._show_left(held.name, held.reason)
        self._joins.prune()
        if self.vault is not None:
            self.vault.prune(now)
        liveness = self._liveness
        for session in liveness.hello_overdue(now):
            self._drop(session, None)
        for session in liveness.pong_overdue(now):
            self._drop(session, LeftReason.TIMEOUT, abort=True)
        for session in liveness.to_ping(now):
            session.ping_token = secrets.token_hex(4)
            session.ping_sent_at = now
            self._send(session, Ping(session.ping_token).to_dict())

    def trim_due(self) -> bool:
        """Whether a burst big enough to trim the heap after is over, as far as the
        rules know (nothing waits in this pass); the driver checks its sockets."""
        return not self._outbox and not self._pending and self._burst_bytes >= TRIM_AFTER_BYTES

    def trimmed(self) -> None:
        self._burst_bytes = 0


def _ids_of(obj: dict[str, object]) -> tuple[str | None, str | None]:
    """What a refused frame's error names: a ``say``'s ``cid``, a ``file_offer``'s
    ``fid`` (as ``cid``), a ``file_chunk``'s or ``file_get``'s ``file_id``."""
    kind = obj.get("type")
    if kind == "file_offer":
        fid = obj.get("fid")
        return (fid if isinstance(fid, str) and len(fid) <= FILE_ID_MAX_CHARS else None), None
    if kind in ("file_chunk", "file_get"):
        file_id = obj.get("file_id")
        return None, (file_id if isinstance(file_id, str) and len(file_id) <= FILE_ID_MAX_CHARS else None)
    return cid_of(obj), None
