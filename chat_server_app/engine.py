"""The chat server engine: every rule of PROTOCOL.md §2-§6 on one Qt event loop.

No widgets: the dashboard and the headless runner both sit on the signals of
:class:`ChatServer`. Each accepted socket becomes a :class:`Session` wrapping a
shared :class:`~shared.qt.connection.Connection`.

Delivery is batched per event-loop pass: what a pass accepts is stored in one
transaction, then every client gets one write holding all of the pass's frames
for it. Each frame is encoded once; the sender's copy (which carries its
``cid``) is the one variant.
"""

from __future__ import annotations

import enum
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import (
    QAbstractSocket,
    QHostAddress,
    QSslConfiguration,
    QSslSocket,
    QTcpServer,
    QTcpSocket,
)

from chat_server_app.announce import Announcer
from chat_server_app.cid_filter import RecentCids
from chat_server_app.heap import release_free_heap
from chat_server_app.liveness import Liveness
from chat_server_app.ratelimit import TokenBucket
from chat_server_app.roster import Roster
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, MemoryStore, StoredMessage, StoreError
from chat_server_app.tls import TlsIdentity
from shared.codec import encode, encode_payload, frame, frame_of
from shared.discovery import Announce
from shared.errors import ErrorCode, ProtocolError
from shared.limits import CID_MAX_CHARS, CID_MEMORY_SECONDS, RATE_ABUSE_DROPS
from shared.messages import (
    Bye,
    Error,
    Hello,
    Kicked,
    LeftReason,
    Ping,
    Pong,
    Say,
    Shutdown,
    Welcome,
    format_ts,
    parse_client_message,
)
from shared.qt.connection import Connection, Outgoing
from shared.validation import name_key, normalize_name

__all__ = ["ChatServer", "Session", "SessionState", "ListenError"]

_UNBUFFERED = QAbstractSocket.OpenModeFlag.ReadWrite | QAbstractSocket.OpenModeFlag.Unbuffered

LISTEN_BACKLOG = 4096
"""Pending connections the kernel queues for us: a lab's worth of clients starting
at once must not see refused connections while the loop is busy."""

_TLS_RECORD = b"\x16\x03"
"""A TLS handshake record starts so: content type 22, major version 3."""

TRIM_AFTER_BYTES = 32 * 1024 * 1024
"""Bytes sent since the last heap trim that make the next quiet moment trim again:
a burst of that size leaves enough freed buffers behind to be worth returning."""

HOUSEKEEPING_MAX_INTERVAL = 1.0
"""Seconds between two checks of hello and liveness deadlines, at most; shorter
when the configured timeouts are shorter (tests use fractions of a second)."""


class ListenError(Exception):
    """The server could not listen (address in use, not an address...)."""


class SessionState(enum.Enum):
    GREETING = "greeting"  # connected, no valid hello yet
    REGISTERED = "registered"
    CLOSED = "closed"


class Session:
    """One client connection and what the server knows about it."""

    # Slots: a broadcast reads each registered session once per pass, and at 1 000
    # clients the cache misses of a dict-based object showed in the fan-out.
    __slots__ = (
        "conn", "out", "address", "state", "name", "key", "connected_at", "opened", "last_heard",
        "ping_token", "ping_sent_at", "rtt", "bucket", "drops_in_row",
        "rate_hits", "messages_sent", "registered_seq", "replay_allowance", "__weakref__",
    )  # fmt: skip

    def __init__(self, conn: Connection, settings: Settings) -> None:
        self.conn = conn
        self.out = conn.outgoing
        self.address = conn.peer
        self.state = SessionState.GREETING
        self.name = ""
        self.key = ""
        self.connected_at = time.time()
        self.opened = time.monotonic()
        self.last_heard = self.opened
        self.ping_token: str | None = None
        self.ping_sent_at = 0.0
        self.rtt: float | None = None
        self.bucket = TokenBucket(settings.rate_burst, settings.rate_per_sec)
        self.drops_in_row = 0
        self.rate_hits = 0
        self.messages_sent = 0
        self.registered_seq = 0
        self.replay_allowance = 0

    @property
    def queued_bytes(self) -> int:
        return self.conn.bytes_to_write if self.state is not SessionState.CLOSED else 0

    def __repr__(self) -> str:
        return f"<Session {self.name or '?'} {self.address} {self.state.value}>"


@dataclass(slots=True)
class _Entry:
    """One frame of the pass's outbox.

    ``public`` goes to every registered session not named in ``special``; a
    session in ``special`` gets its own bytes instead (``b""``: nothing).
    A ``presence`` entry only goes to sessions registered before it was made.
    """

    public: bytes | None
    seq: int
    special: dict[Session, bytes] = field(default_factory=dict)
    presence: bool = False
    message_id: int | None = None


class _Listener(QTcpServer):
    """Hands each accepted socket to the engine, opened at once (no pending queue).

    Qt keeps an accepted QTcpSocket buffered whatever open mode is asked for (only
    ``connectToHost`` makes one unbuffered), so :class:`Connection` writes to its
    descriptor itself and leaves Qt only what the kernel does not take.

    With a TLS configuration each socket is a :class:`QSslSocket` that starts the
    server side of the handshake at once; what the session writes before the
    handshake ends waits inside it.
    """

    socket_accepted = Signal(object)  # QTcpSocket, or QSslSocket with TLS

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.tls: QSslConfiguration | None = None

    def incomingConnection(self, handle: int) -> None:
        socket: QTcpSocket
        if self.tls is not None:
            tls_socket = QSslSocket()
            ok = tls_socket.setSocketDescriptor(handle)
            if ok:
                tls_socket.setSslConfiguration(self.tls)
                tls_socket.startServerEncryption()
            socket = tls_socket
        else:
            socket = QTcpSocket()
            ok = socket.setSocketDescriptor(handle, QAbstractSocket.SocketState.ConnectedState, _UNBUFFERED)
        if not ok:
            socket.deleteLater()
            return
        self.socket_accepted.emit(socket)


_json_text = json.encoder.encode_basestring
"""A str as a JSON string, as :func:`~shared.codec.encode_payload` spells it
(``ensure_ascii=False``), without building an encoder per call."""


def _json_str(value: str) -> bytes:
    return _json_text(value).encode("utf-8")


def _with_field(payload: bytes, key: str, value_json: bytes) -> bytes:
    """An encoded JSON object with one more field, its value already JSON: a frame made
    once is varied per reader (the sender's ``cid``) without encoding it again."""
    return payload[:-1] + b',"' + key.encode() + b'":' + value_json + b"}"


def _common_bytes(entries: list[_Entry]) -> tuple[bytes, list[int], dict[Session, list[int]]]:
    """The bytes for everyone; where each entry starts in them; which entries each
    session has its own bytes for, by index, in order."""
    parts: list[bytes] = []
    offsets: list[int] = []
    own: dict[Session, list[int]] = {}
    position = 0
    for index, entry in enumerate(entries):
        offsets.append(position)
        if entry.public is not None:
            parts.append(entry.public)
            position += len(entry.public)
        for session in entry.special:
            own.setdefault(session, []).append(index)
    return b"".join(parts), offsets, own


def _stream_of(session: Session, entries: list[_Entry]) -> bytes:
    """What one session gets of the pass, entry by entry."""
    parts = []
    for entry in entries:
        part = entry.special.get(session, entry.public)
        if part and not (entry.presence and entry.seq <= session.registered_seq):
            parts.append(part)
    return b"".join(parts)


def _spliced(
    common: bytes, entries: list[_Entry], offsets: list[int], indexes: list[int], session: Session
) -> bytes:
    """:func:`_stream_of` for a session registered before the pass's entries: the
    common bytes with its own bytes of the entries at ``indexes`` in their place."""
    parts = []
    cursor = 0
    for index in indexes:
        entry = entries[index]
        start = offsets[index]
        parts.append(common[cursor:start])
        parts.append(entry.special[session])
        cursor = start + (len(entry.public) if entry.public is not None else 0)
    parts.append(common[cursor:])
    return b"".join(parts)


class ChatServer(QObject):
    """The server. ``start()`` listens; every rule of the protocol is enforced here."""

    listening_changed = Signal(bool)
    user_joined = Signal(object)  # Session
    user_left = Signal(object, str)  # Session, reason
    # list[StoredMessage] of one pass, after they are stored; the engine's own list,
    # so receivers must not change it. ``object``: a ``list`` signal converts the list
    # through Qt's types, 32 us for a busy pass's 90 messages.
    messages_posted = Signal(object)
    notice_sent = Signal(str)
    user_kicked = Signal(object, str)  # Session, reason
    error_sent = Signal(object, str, str)  # Session, code, message
    read_only_changed = Signal(bool)
    store_failed = Signal(str)
    connection_failed = Signal(str, str)  # peer address, reason (a TLS handshake that failed...)

    def __init__(
        self,
        settings: Settings,
        store: HistoryStore | None = None,
        parent: QObject | None = None,
        *,
        announce_targets: list[QHostAddress] | None = None,
        tls: TlsIdentity | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._tls = tls
        self._announcer = Announcer(self._describe, settings.announce_port, announce_targets, self)
        self._store: HistoryStore = store if store is not None else MemoryStore()
        self._listener = _Listener(self)
        self._listener.socket_accepted.connect(self._on_socket_accepted)
        self._listener.setListenBacklogSize(LISTEN_BACKLOG)
        if tls is not None:
            self._listener.tls = tls.configuration()
        self._sessions: set[Session] = set()
        # Who is due for a deadline, oldest first: a tick reads the due ones only.
        self._liveness: Liveness[Session] = Liveness(
            settings.hello_timeout, settings.ping_after, settings.ping_timeout
        )
        self._replaying: set[Session] = set()  # sessions with a replay allowance
        self._by_conn: dict[Connection, Session] = {}
        self._users: dict[str, Session] = {}
        self._roster = Roster()
        self._next_id = self._store.last_id() + 1
        self._first_id = self._next_id
        self._unaccepted = 0
        self._pending: list[StoredMessage] = []
        self._outbox: list[_Entry] = []
        # Ordered (dicts): the pass writes to them in the order they came.
        self._fresh: dict[Session, None] = {}
        # Every registered session by its sending side, for the broadcast's tight loop.
        self._fanout: dict[Outgoing, Session] = {}
        # Entry numbers: a C counter, as the engine's own attributes cost a PySide look-up.
        self._seqs = itertools.count(1)
        self._pass_clock: tuple[str, float] | None = None
        self._recent_cids = RecentCids(CID_MEMORY_SECONDS, time.time())
        self._read_only = False
        self._closed_bytes_in = 0
        self._closed_bytes_out = 0
        self.started_at: float | None = None
        # Bytes the bursts handed out since the last heap trim (the whole pass to every
        # client, welcomes with their replay): counted here, as summing every
        # connection's counter cost a tick 2-5 ms at 10 000 users.
        self._burst_bytes = 0
        self._load_recent_cids()

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

        shortest = min(settings.hello_timeout, settings.ping_after, settings.ping_timeout)
        self._housekeeping = QTimer(self)
        self._housekeeping.setInterval(max(10, int(min(HOUSEKEEPING_MAX_INTERVAL, shortest / 4) * 1000)))
        self._housekeeping.timeout.connect(self._on_housekeeping_timeout)

    # --- the operator's API ------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def store(self) -> HistoryStore:
        return self._store

    @property
    def is_listening(self) -> bool:
        return self._listener.isListening()

    @property
    def port(self) -> int:
        return int(self._listener.serverPort())

    @property
    def host(self) -> str:
        return str(self._listener.serverAddress().toString())

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def users(self) -> list[Session]:
        """Registered sessions, sorted by name."""
        return sorted(self._users.values(), key=lambda s: s.key)

    @property
    def connection_count(self) -> int:
        return len(self._sessions)

    @property
    def messages_total(self) -> int:
        """Messages accepted (stored and sent) since the server started."""
        return self._next_id - self._first_id - self._unaccepted

    @property
    def bytes_in(self) -> int:
        return self._closed_bytes_in + sum(s.conn.bytes_received for s in self._sessions)

    @property
    def bytes_out(self) -> int:
        # From the plain sending sides: through the connections' properties this walk
        # cost a microsecond per client (the dashboard asks once a second).
        return self._closed_bytes_out + sum(s.out.sent for s in self._sessions)

    @property
    def tls_fingerprint(self) -> str | None:
        """SHA-256 fingerprint of the certificate served, ``None`` without TLS."""
        return self._tls.fingerprint if self._tls is not None else None

    @property
    def announcer(self) -> Announcer:
        return self._announcer

    def _describe(self) -> Announce:
        return Announce(
            server=self._settings.display_name,
            port=self.port,
            tls=self._tls is not None,
            users=len(self._users),
        )

    def start(self, port: int | None = None) -> None:
        """Listen on the configured host and port (or ``port``); raises :class:`ListenError`."""
        if self.is_listening:
            return
        host = self._settings.host
        if host == "localhost":
            address = QHostAddress(QHostAddress.SpecialAddress.LocalHost)
        elif host == "::":
            # Qt binds a plain "::" IPv6-only; the contract's "::" is dual stack.
            address = QHostAddress(QHostAddress.SpecialAddress.Any)
        elif not (address := QHostAddress()).setAddress(host):
            raise ListenError(f"'{host}' is not an IP address to listen on")
        wanted = self._settings.port if port is None else port
        if not self._listener.listen(address, wanted):
            raise ListenError(f"cannot listen on {host}:{wanted}: {self._listener.errorString()}")
        self.started_at = time.time()
        self._housekeeping.start()
        if not self._settings.no_announce:
            self._announcer.start()
        self.listening_changed.emit(True)

    def stop(self, reason: str = "The server is shutting down.") -> None:
        """Stop listening and disconnect everyone with a ``shutdown`` frame."""
        self.flush()
        frame_bytes = encode(Shutdown(reason).to_dict())
        for session in list(self._sessions):
            session.conn.send_frames(frame_bytes)
            self._drop(session, None)
        self._outbox.clear()
        self._fresh.clear()
        was_listening = self.is_listening
        self._listener.close()
        self._housekeeping.stop()
        self._announcer.stop()
        self.started_at = None
        if was_listening:
            self.listening_changed.emit(False)

    def close(self) -> None:
        """Stop and release the history store."""
        self.stop()
        self._store.close()

    def kick(self, name: str, reason: str = "") -> bool:
        """Disconnect a user on the operator's order; ``False`` if no such user."""
        session = self._users.get(name_key(normalize_name(name)))
        if session is None:
            return False
        self.flush()  # what they were sent before the kick reaches them first
        session.conn.send(Kicked(reason).to_dict())
        self.user_kicked.emit(session, reason)
        self._drop(session, LeftReason.KICKED)
        return True

    def send_notice(self, text: str) -> None:
        """A message from the operator to everyone."""
        if not text.strip():
            return
        ts, _ = self._clock()
        self._add(_Entry(encode({"type": "notice", "text": text, "ts": ts}), next(self._seqs), presence=True))
        self.notice_sent.emit(text)

    def set_read_only(self, on: bool) -> None:
        """Classroom switch: while on, every ``say`` gets ``read_only``; a notice says so."""
        if on == self._read_only:
            return
        self._read_only = on
        self.send_notice(
            "The chat is now read-only: only the operator can write."
            if on
            else "The chat is open again: everyone can write."
        )
        self.read_only_changed.emit(on)

    # --- accepting ------------------------------------------------------------

    def _on_socket_accepted(self, socket: QTcpSocket) -> None:
        conn = Connection(socket, max_frame=self._settings.max_frame, parent=self, listener=self)
        session = Session(conn, self._settings)
        self._sessions.add(session)
        self._by_conn[conn] = session
        self._liveness.opened(session, session.opened)

    # --- ConnectionListener: every connection reports here, with itself -------------

    def connection_messages_received(self, conn: Connection, messages: list[dict[str, object]]) -> None:
        session = self._by_conn.get(conn)
        if session is not None:
            self._on_messages(session, messages)

    def connection_protocol_error(self, conn: Connection, exc: ProtocolError) -> None:
        session = self._by_conn.get(conn)
        if session is not None:
            self._on_protocol_error(session, exc)

    def connection_disconnected(self, conn: Connection) -> None:
        session = self._by_conn.get(conn)
        if session is not None:
            self._on_disconnected(session)

    def connection_error_occurred(self, conn: Connection, text: str) -> None:
        session = self._by_conn.get(conn)
        if session is not None:
            self._on_connection_error(session, text)

    def _on_connection_error(self, session: Session, text: str) -> None:
        if session.state is SessionState.GREETING:
            # Before hello only the transport can fail: a TLS handshake, mostly.
            self.connection_failed.emit(session.address, text)

    def _on_disconnected(self, session: Session) -> None:
        if not session.conn.handshake_done:
            self.connection_failed.emit(
                session.address, "closed during the TLS handshake (does the client trust this certificate?)"
            )
        if session.state is not SessionState.CLOSED:
            self._drop(session, LeftReason.DISCONNECTED)
        self._closed_bytes_in += session.conn.bytes_received
        self._closed_bytes_out += session.conn.bytes_sent
        self._sessions.discard(session)
        self._by_conn.pop(session.conn, None)
        session.conn.deleteLater()

    def _on_protocol_error(self, session: Session, exc: ProtocolError) -> None:
        message = exc.message
        if self._tls is None and session.conn.first_bytes.startswith(_TLS_RECORD):
            message = "this server does not use TLS, but the client started a TLS handshake"
            self.connection_failed.emit(session.address, message)
        self._reject(session, exc.code, message, fatal=True)

    # --- receiving -----------------------------------------------------------

    def _on_messages(self, session: Session, messages: list[dict[str, object]]) -> None:
        session.last_heard = now = time.monotonic()
        self._liveness.heard(session, now)
        for obj in messages:
            if session.state is SessionState.CLOSED:
                return
            if session.state is SessionState.GREETING:
                self._greet(session, obj)
                continue
            if obj.get("type") == "hello":
                self._reject(session, ErrorCode.PROTOCOL_ERROR, "already registered: hello was sent twice")
                continue
            try:
                message = parse_client_message(obj)
            except ProtocolError as exc:
                self._reject(session, exc.code, exc.message, cid=_cid_of(obj))
                continue
            if isinstance(message, Say):
                self._on_say(session, message)
            elif isinstance(message, Ping):
                session.conn.send(Pong(message.token).to_dict())
            elif isinstance(message, Pong):
                self._on_pong(session, message)
            elif isinstance(message, Bye):
                self._drop(session, LeftReason.QUIT)

    def _greet(self, session: Session, obj: dict[str, object]) -> None:
        if obj.get("type") != "hello":
            self._reject(session, ErrorCode.PROTOCOL_ERROR, f"expected hello, got {obj.get('type')!r}")
            return
        try:
            hello = Hello.from_dict(obj)
        except ProtocolError as exc:
            self._reject(session, exc.code, exc.message)
            return
        password = self._settings.password
        if password is not None and (
            hello.password is None or not hmac.compare_digest(hello.password.encode(), password.encode())
        ):
            self._reject(session, ErrorCode.AUTH_FAILED, "wrong password")
            return
        key = name_key(hello.name)
        if key in self._users:
            self._reject(session, ErrorCode.NAME_TAKEN, f"the name {hello.name!r} is taken")
            return
        self._register(session, hello, key)

    def _register(self, session: Session, hello: Hello, key: str) -> None:
        session.name = hello.name
        session.key = key
        session.state = SessionState.REGISTERED
        session.registered_seq = next(self._seqs)
        self._users[key] = session
        self._fanout[session.out] = session
        self._liveness.registered(session, session.last_heard)
        try:
            if hello.since is not None:
                history = self._store.since(hello.since, key)
            else:
                history = self._store.last(self._settings.history_on_join, key)
        except StoreError as exc:
            self.store_failed.emit(str(exc))
            history = []
        self._roster.add(hello.name)
        head = encode_payload(
            {
                "type": Welcome.TYPE,
                "name": hello.name,
                "server": self._settings.display_name,
                "motd": self._settings.motd,
                "last_id": self._store.last_id(),
            }
        )
        # The sorted list comes ready-made (encoding it per joiner made registration
        # O(n)), and is copied once into the frame: at 10 000 users it is most of it.
        welcome = frame_of((head[:-1], b',"users":', self._roster.json(), b"}"))
        replay = b"".join(self._history_frame(m, key) for m in history)
        session.replay_allowance = len(replay)
        if replay:
            self._replaying.add(session)
        session.conn.send_frames(welcome + replay)
        self._burst_bytes += len(welcome) + len(replay)
        ts, _ = self._clock()
        joined = encode({"type": "joined", "name": hello.name, "ts": ts})
        self._add(_Entry(joined, next(self._seqs), {session: b""}, presence=True))
        self._fresh[session] = None
        self.user_joined.emit(session)

    def _on_pong(self, session: Session, pong: Pong) -> None:
        if session.ping_token is not None and pong.token == session.ping_token:
            session.rtt = time.monotonic() - session.ping_sent_at
            session.ping_token = None

    def _on_say(self, session: Session, say: Say) -> None:
        if say.cid is not None:
            original = self._original_of(session.key, say.cid)
            if original is not None:
                # Already posted (a re-send after a reconnect): answer with the original.
                # Its id goes with it: should the original be this pass's and the pass
                # fail to store, the answer is withdrawn with it (_unaccept).
                echo = self._message_frames(original)[1]
                self._add(_Entry(None, next(self._seqs), {session: echo}, message_id=original.id))
                return
        if self._read_only:
            self._reject(session, ErrorCode.READ_ONLY, "the chat is read-only right now", cid=say.cid)
            return
        if not session.bucket.take():
            session.rate_hits += 1
            session.drops_in_row += 1
            if session.drops_in_row > RATE_ABUSE_DROPS:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many messages, too fast", fatal=True)
            else:
                self._reject(session, ErrorCode.RATE_LIMITED, "too many messages: slow down", cid=say.cid)
            return
        target: Session | None = None
        if say.to is not None:
            target = self._users.get(name_key(normalize_name(say.to)))
            if target is None:
                self._reject(session, ErrorCode.NO_SUCH_USER, f"no user named {say.to!r}", cid=say.cid)
                return
        session.drops_in_row = 0
        session.messages_sent += 1
        ts, epoch = self._clock()
        # In field order (id, ts, sender, sender_key, text, cid, to, to_key, epoch):
        # keywords cost a named tuple twice the time, and this is once per message.
        record = StoredMessage(
            self._next_id,
            ts,
            session.name,
            session.key,
            say.text,
            say.cid,
            target.name if target is not None else None,
            target.key if target is not None else None,
            epoch,
        )
        self._next_id += 1
        self._pending.append(record)
        if say.cid is not None:
            self._recent_cids.add(session.key, say.cid, record.id, epoch)
        public, echo = self._message_frames(record)
        if target is None:
            special = {session: echo} if echo is not public else {}
            self._add(_Entry(public, next(self._seqs), special, message_id=record.id))
        else:
            special = {target: public, session: echo} if target is not session else {session: echo}
            self._add(_Entry(None, next(self._seqs), special, message_id=record.id))

    # --- errors and leaving --------------------------------------------------

    def _reject(
        self,
        session: Session,
        code: ErrorCode,
        message: str,
        *,
        cid: str | None = None,
        fatal: bool | None = None,
    ) -> None:
        if session.state is SessionState.CLOSED:
            return
        is_fatal = ProtocolError(code, message).fatal if fatal is None else fatal
        session.conn.send(Error(code.value, message, is_fatal, cid).to_dict())
        self.error_sent.emit(session, code.value, message)
        if is_fatal:
            self._drop(session, LeftReason.DISCONNECTED)

    def _drop(self, session: Session, reason: LeftReason | None, *, abort: bool = False) -> None:
        """Forget a session and close its connection; registered users get a ``left``.

        ``reason`` ``None`` means no ``left`` is sent (the server is stopping).
        """
        if session.state is SessionState.CLOSED:
            return
        was_registered = session.state is SessionState.REGISTERED
        session.state = SessionState.CLOSED
        self._liveness.forget(session)
        self._replaying.discard(session)
        self._fresh.pop(session, None)
        if was_registered and self._users.get(session.key) is session:
            del self._users[session.key]
            del self._fanout[session.out]
            self._roster.remove(session.name)
            if reason is not None:
                ts, _ = self._clock()
                left = encode({"type": "left", "name": session.name, "ts": ts, "reason": reason.value})
                self._add(_Entry(left, next(self._seqs), presence=True))
                self.user_left.emit(session, reason.value)
        if abort:
            session.conn.abort()
        else:
            session.conn.close()

    # --- delivery ------------------------------------------------------------

    def _clock(self) -> tuple[str, float]:
        """The pass's timestamp: formatted once per pass, not once per message."""
        if self._pass_clock is None:
            epoch = time.time()
            self._pass_clock = (format_ts(epoch), epoch)
        return self._pass_clock

    def _add(self, entry: _Entry) -> None:
        if not self._outbox:
            # The pass's first entry. The timer runs whenever the outbox holds any
            # (flush stops it as it takes them): no need to ask Qt for every message.
            self._flush_timer.start()
        self._outbox.append(entry)

    @staticmethod
    def _message_payload(record: StoredMessage, history: bool) -> bytes:
        # What encode_payload makes of the message's dict, spelled out: one per message,
        # and building the dict for the generic encoder took half the time.
        text = (
            '{"type":"message","id":' + str(record.id) + ',"ts":' + _json_text(record.ts)
            + ',"from":' + _json_text(record.sender) + ',"text":' + _json_text(record.text)
        )  # fmt: skip
        if record.to is not None:
            text += ',"to":' + _json_text(record.to)
        if history:
            text += ',"history":true'
        return (text + "}").encode("utf-8")

    def _message_frames(self, record: StoredMessage) -> tuple[bytes, bytes]:
        """The frame for everyone, and the sender's copy (the same object when no ``cid``)."""
        payload = self._message_payload(record, history=False)
        public = frame(payload)
        if record.cid is None:
            return public, public
        return public, frame(_with_field(payload, "cid", _json_str(record.cid)))

    def _history_frame(self, record: StoredMessage, viewer_key: str) -> bytes:
        payload = self._message_payload(record, history=True)
        if record.cid is not None and record.sender_key == viewer_key:
            payload = _with_field(payload, "cid", _json_str(record.cid))
        return frame(payload)

    def flush(self) -> None:
        """Store the pass's messages in one transaction, then write each client its frames."""
        self._flush_timer.stop()
        self._pass_clock = None
        batch, self._pending = self._pending, []
        entries, self._outbox = self._outbox, []
        if batch:
            try:
                self._store.append(batch)
            except StoreError as exc:
                entries = self._unaccept(batch, entries, str(exc))
            else:
                self.messages_posted.emit(batch)
        fresh, self._fresh = self._fresh, {}
        if not entries:
            return
        # Those with bytes of their own this pass (a sender's copy with its cid, a private
        # message, a newcomer who must not see presence older than itself).
        common, offsets, own = _common_bytes(entries)
        fanout = self._fanout
        self._burst_bytes += len(common) * len(fanout)
        skip: set[Outgoing] = set()
        for session in {**fresh, **own}:
            if fanout.get(session.out) is not session:
                continue  # gone during the pass
            skip.add(session.out)
            if self._keeps_up(session):
                if session in fresh:
                    data = _stream_of(session, entries)
                else:
                    # Registered before every entry of the pass: the common bytes
                    # with its own few spliced in (walking every entry for each
                    # sender made a busy pass quadratic).
                    data = _spliced(common, entries, offsets, own[session], session)
                session.conn.send_frames(data)
        # Everyone else gets the same bytes: one tight loop writes them to all whose
        # earlier bytes are all gone to the kernel (most), so only the few that Qt
        # still holds bytes for need the send-queue check.
        for out in Connection.send_straight(list(fanout), common, skip):
            if (behind := fanout.get(out)) is not None and self._keeps_up(behind):
                behind.conn.send_frames(common)

    def _keeps_up(self, session: Session) -> bool:
        """Whether a reader keeps up with its send queue; one too far behind is dropped."""
        # What is still queued from earlier passes decides: one busy pass may be
        # larger than the limit without the reader being slow.
        backlog = session.conn.bytes_to_write
        limit = self._settings.send_queue
        if backlog > limit + session.replay_allowance:
            self._drop(session, LeftReason.SEND_QUEUE, abort=True)
            return False
        self._end_replay_allowance_if_delivered(session, backlog)
        return True

    def _end_replay_allowance_if_delivered(self, session: Session, backlog: int) -> None:
        # The leeway of a big replay ends once the backlog is back under the limit.
        if session.replay_allowance and backlog <= self._settings.send_queue:
            session.replay_allowance = 0
            self._replaying.discard(session)

    def _unaccept(self, batch: list[StoredMessage], entries: list[_Entry], reason: str) -> list[_Entry]:
        """The history cannot be written: nothing of the batch may be shown to anyone.

        Broadcasting unstored messages would break §6 (stored before broadcast) and,
        after a restart, hand their ids out again. Senders are told, per ``cid``.
        """
        self.store_failed.emit(reason)
        failed = {m.id for m in batch}
        by_key = {s.key: s for s in self._users.values()}
        for record in batch:
            self._unaccepted += 1
            sender = by_key.get(record.sender_key)
            if sender is not None:
                self._reject(
                    sender, ErrorCode.SERVER_ERROR, "the server could not store the message", cid=record.cid
                )
        return [e for e in entries if e.message_id not in failed]

    # --- deadlines -----------------------------------------------------------

    def _on_housekeeping_timeout(self) -> None:
        now = time.monotonic()
        liveness = self._liveness
        for session in liveness.hello_overdue(now):
            self._drop(session, None)
        for session in liveness.pong_overdue(now):
            self._drop(session, LeftReason.TIMEOUT, abort=True)
        for session in liveness.to_ping(now):
            session.ping_token = secrets.token_hex(4)
            session.ping_sent_at = now
            session.conn.send(Ping(session.ping_token).to_dict())
        for session in list(self._replaying):
            # Flush ends it only for those it checks, and a drained connection
            # writes straight again unchecked.
            self._end_replay_allowance_if_delivered(session, session.conn.bytes_to_write)
        self._trim_heap_after_burst()

    def _trim_heap_after_burst(self) -> None:
        # Only once the burst is over: nothing waiting in this pass nor in any
        # socket's buffer, so the memory the burst needed is free again.
        if self._outbox or self._pending or self._burst_bytes < TRIM_AFTER_BYTES:
            return
        # Only a connection whose sending side holds bytes back can have any queued;
        # the registered are where a burst goes (and their small sending sides are
        # quicker to walk than the sessions). A session closing with bytes still
        # queued (up to the close grace) is not waited for: its memory comes back
        # with a later trim.
        fanout = self._fanout
        if any(fanout[out].conn.bytes_to_write for out in fanout if out.fd < 0):
            return
        self._burst_bytes = 0
        release_free_heap()

    # --- cid memory ----------------------------------------------------------

    def _original_of(self, sender_key: str, cid: str) -> StoredMessage | None:
        """The message already accepted under this ``cid`` in the last 10 minutes, if any."""
        now = time.time()
        # Empty for almost every say: one filter read, no look-up at all.
        for message_id in self._recent_cids.candidates(sender_key, cid, now):
            record = self._accepted(message_id)
            if (
                record is not None
                and record.cid == cid
                and record.sender_key == sender_key
                and record.epoch > now - CID_MEMORY_SECONDS
            ):
                return record
        return None

    def _accepted(self, message_id: int) -> StoredMessage | None:
        """Message ``message_id``, whether this pass took it (not stored yet) or the history has it."""
        for record in reversed(self._pending):
            if record.id == message_id:
                return record
        try:
            return self._store.message(message_id)
        except StoreError:
            return None

    def _load_recent_cids(self) -> None:
        # A client whose say was stored just before a crash re-sends it after the
        # restart: the cid memory must survive the restart for that to be safe.
        now = time.time()
        try:
            recent = self._store.recent_cids(now - CID_MEMORY_SECONDS)
        except StoreError:
            return
        for record in recent:
            assert record.cid is not None
            # Filed now, not at its epoch: an epoch from a clock that ran ahead would
            # rotate the memory and drop what was loaded before it. The look-up checks
            # the epoch itself.
            self._recent_cids.add(record.sender_key, record.cid, record.id, now)


def _cid_of(obj: dict[str, object]) -> str | None:
    """The ``cid`` of a rejected ``say``, if it is one we can echo back."""
    cid = obj.get("cid")
    if obj.get("type") == "say" and isinstance(cid, str) and len(cid) <= CID_MAX_CHARS:
        return cid
    return None
