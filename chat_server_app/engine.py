"""The chat server's Qt side: it listens, owns the connections and drives the rules.

Every rule of PROTOCOL.md §2-§6 lives in :mod:`chat_server_app.core`, which does no
I/O. :class:`ChatServer` wraps each accepted socket in a shared
:class:`~shared.qt.connection.Connection`, feeds what it reads to the rules, writes
what they answer, runs their deadlines on a timer and flushes each event-loop pass.
No widgets: the dashboard and the headless runner both sit on its signals.
"""

from __future__ import annotations

import time
import weakref
from typing import TypeAlias, cast

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import (
    QHostAddress,
    QTcpSocket,
)

from chat_server_app.announce import Announcer
from chat_server_app.core import (
    Close,
    ErrorSent,
    Link,
    MessagesPosted,
    NoticeSent,
    ReadOnlyChanged,
    RoomsChanged,
    Send,
    ServerCore,
    SessionState,
    StoreFailed,
    UserJoined,
    UserKicked,
    UserLeft,
)
from chat_server_app.core import Session as CoreSession
from chat_server_app.core.identity import address_of
from chat_server_app.core.repeats import RepeatFilter, Repeats
from chat_server_app.core.transfers import TransferView
from chat_server_app.heap import release_free_heap
from chat_server_app.listener import Listener
from chat_server_app.lookup_thread import LookupThread
from chat_server_app.name_desk import NameDesk
from chat_server_app.room_desk import RoomDesk
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, MemoryStore
from chat_server_app.store.file_vault import FileVault
from chat_server_app.tls import TlsIdentity
from shared.discovery import Announce
from shared.errors import ProtocolError
from shared.messages import SHUTDOWN_REASON
from shared.qt.connection import Connection, Outgoing

__all__ = ["ChatServer", "Session", "SessionState", "ListenError"]

LISTEN_BACKLOG = 4096
"""Pending connections the kernel queues for us: a lab's worth of clients starting
at once must not see refused connections while the loop is busy."""

_TLS_RECORD = b"\x16\x03"
"""A TLS handshake record starts so: content type 22, major version 3."""

REPLAY_POLL_MS = 5
"""How soon a replay waiting for its reader to take what it was sent looks again."""

HOUSEKEEPING_MAX_INTERVAL = 1.0
"""Seconds between two checks of hello and liveness deadlines, at most; shorter
when the configured timeouts are shorter (tests use fractions of a second)."""


Session: TypeAlias = CoreSession[Connection]
"""A session of this server: its connection is a :class:`Connection`."""


def _conn(session: CoreSession[Link]) -> Connection:
    """The connection this server gave the session when it opened it."""
    return cast(Connection, session.conn)


class ListenError(Exception):
    """The server could not listen (address in use, not an address...)."""


class ChatServer(QObject):
    """The server. ``start()`` listens; the rules in :attr:`core` decide the rest."""

    listening_changed = Signal(bool)
    user_joined = Signal(object)  # Session
    user_left = Signal(object, object)  # Session, LeftReason
    # list[StoredMessage] of one pass, after they are stored; the rules' own list, so
    # receivers must not change it. ``object``: a ``list`` signal converts the list
    # through Qt's types.
    messages_posted = Signal(object)
    notice_sent = Signal(str)
    user_kicked = Signal(object, str)  # Session, reason
    error_sent = Signal(object, str, str)  # Session, code, message
    read_only_changed = Signal(bool)
    store_failed = Signal(str)
    connection_failed = Signal(str, str)  # peer address, reason (a TLS handshake that failed...)
    accept_failed = Signal(str)  # why the system refused a connection; once per streak
    # IP address, kind (an error code or "connection_failed"), count: warnings about one
    # address that were counted, not emitted (:mod:`~chat_server_app.core.repeats`).
    warnings_summarised = Signal(str, str, int)
    reservations_changed = Signal()
    bans_changed = Signal()
    rooms_changed = Signal()  # a room made, closed or changed, or its members

    def __init__(
        self,
        settings: Settings,
        store: HistoryStore | None = None,
        parent: QObject | None = None,
        *,
        announce_targets: list[QHostAddress] | None = None,
        tls: TlsIdentity | None = None,
        files: FileVault | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._tls = tls
        self._announcer = Announcer(self._describe, settings.announce_port, announce_targets, self)
        if files is None and settings.data_dir is not None:
            # Raises VaultError for a catalog that cannot be read: the caller says so.
            files = FileVault(settings.data_dir / "files", settings.files_quota)
        self._files = files
        self._core = ServerCore(settings, store if store is not None else MemoryStore(), files=files)
        reader = self._core.store.reader()
        # Searches read on a thread of their own where the store has a second way in.
        self._lookups = LookupThread(reader, self._apply, self) if reader is not None else None
        if self._lookups is not None:
            self._core.lookups = self._lookups
        self.rooms = RoomDesk(self)
        """The operator's orders over rooms, and their counts."""
        self.names = NameDesk(self)
        """The operator's orders over names: reservations and bans."""
        # Weakly: the listener is the server's child, a strong reference back would
        # keep a server that was let go alive until the cycle collector runs.
        me = weakref.ref(self)
        self._listener = Listener(self, lambda: len(server._by_conn) if (server := me()) is not None else 0)
        self._listener.socket_accepted.connect(self._on_socket_accepted)
        self._listener.setListenBacklogSize(LISTEN_BACKLOG)
        if tls is not None:
            self._listener.tls = tls.configuration()
        self._by_conn: dict[Connection, Session] = {}
        self._repeats = RepeatFilter()
        self._closed_bytes_in = 0
        self._closed_bytes_out = 0
        self.started_at: float | None = None

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)
        # Replays whose readers are all behind: look again shortly, not every pass.
        self._replay_poll = QTimer(self)
        self._replay_poll.setSingleShot(True)
        self._replay_poll.setInterval(REPLAY_POLL_MS)
        self._replay_poll.timeout.connect(self.flush)

        # A deadline of the rules sooner than housekeeping's (a wrong password's answer).
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.timeout.connect(self._on_housekeeping_timeout)
        self._listener.accept_failed.connect(self.accept_failed)

        shortest = min(settings.hello_timeout, settings.ping_after, settings.ping_timeout)
        self._housekeeping = QTimer(self)
        self._housekeeping.setInterval(max(10, int(min(HOUSEKEEPING_MAX_INTERVAL, shortest / 4) * 1000)))
        self._housekeeping.timeout.connect(self._on_housekeeping_timeout)

    # --- the operator's API ------------------------------------------------------

    @property
    def core(self) -> ServerCore:
        return self._core

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def store(self) -> HistoryStore:
        return self._core.store

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
        return self._core.read_only

    @property
    def users(self) -> list[Session]:
        """Registered sessions, sorted by name."""
        return cast(list[Session], self._core.users)

    @property
    def sessions(self) -> list[Session]:
        """Every open connection's session, registered or not."""
        return list(self._by_conn.values())

    @property
    def connection_count(self) -> int:
        return len(self._core.sessions)

    @property
    def messages_total(self) -> int:
        """Messages accepted (stored and sent) since the server started."""
        return self._core.messages_total

    @property
    def bytes_in(self) -> int:
        return self._closed_bytes_in + sum(conn.bytes_received for conn in self._by_conn)

    @property
    def bytes_out(self) -> int:
        # From the plain sending sides (the sessions' sinks): through the connections'
        # properties this walk costs more per client, and the dashboard asks every second.
        return self._closed_bytes_out + sum(cast(Outgoing, s.sink).sent for s in self._core.sessions)

    @property
    def files_used(self) -> int:
        """Bytes the stored files take (partial uploads not counted)."""
        return self._files.used if self._files is not None else 0

    @property
    def transfers(self) -> list[TransferView]:
        """The uploads and downloads in progress."""
        return self._core.transfers.views()

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
            users=self._core.user_count,
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

    def stop(self, reason: str = SHUTDOWN_REASON) -> None:
        """Stop listening and disconnect everyone with a ``shutdown`` frame."""
        self.flush()
        self._core.shut_down(reason)
        self._apply()
        self._summarise(self._repeats.flush())
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
        if self._lookups is not None:
            self._lookups.close()
        self._core.store.close()
        self._core.transfers.close()
        if self._files is not None:
            self._files.close()

    def kick(self, name: str, reason: str = "") -> bool:
        """Disconnect a user on the operator's order; ``False`` if no such user."""
        session = self._core.user(name)
        if session is None:
            return False
        self.flush()  # what they were sent before the kick reaches them first
        self._core.kick(session, reason)
        self._apply()
        return True

    def send_notice(self, text: str) -> None:
        """A message from the operator to everyone."""
        self._core.send_notice(text)
        self._apply()

    def set_read_only(self, on: bool) -> None:
        """Classroom switch: while on, every ``say`` gets ``read_only``; a notice says so."""
        self._core.set_read_only(on)
        self._apply()

    # --- accepting ------------------------------------------------------------

    def _on_socket_accepted(self, socket: QTcpSocket) -> None:
        conn = Connection(socket, max_frame=self._settings.max_frame, parent=self, listener=self)
        session = self._core.open(conn, conn.outgoing, conn.peer, time.monotonic())
        self._by_conn[conn] = cast(Session, session)
        self._apply()  # refused (too many waiting for their hello): answered and closed
        self._repeats.opened(address_of(session.address))

    # --- ConnectionListener: every connection reports here, with itself -------------

    def connection_messages_received(self, conn: Connection, messages: list[dict[str, object]]) -> None:
        session = self._by_conn.get(conn)
        if session is not None:
            self._core.receive(session, messages, time.monotonic())
            self._apply()

    def connection_protocol_error(self, conn: Connection, exc: ProtocolError) -> None:
        session = self._by_conn.get(conn)
        if session is None:
            return
        message = exc.message
        if self._tls is None and conn.first_bytes.startswith(_TLS_RECORD):
            message = "this server does not use TLS, but the client started a TLS handshake"
            self._connection_failed(session, message)
        self._core.protocol_error(session, exc.code, message)
        self._apply()

    def connection_disconnected(self, conn: Connection) -> None:
        session = self._by_conn.pop(conn, None)
        if session is None:
            return
        if not conn.handshake_done:
            self._connection_failed(
                session, "closed during the TLS handshake (does the client trust this certificate?)"
            )
        self._core.closed(session)
        self._summarise(self._repeats.closed(address_of(session.address)))
        self._closed_bytes_in += conn.bytes_received
        self._closed_bytes_out += conn.bytes_sent
        self._apply()
        conn.deleteLater()

    def connection_error_occurred(self, conn: Connection, text: str) -> None:
        session = self._by_conn.get(conn)
        if session is not None and session.state is SessionState.GREETING:
            # Before hello only the transport can fail: a TLS handshake, mostly.
            self._connection_failed(session, text)

    # --- warnings: a flood of them is counted, not logged line by line -------------

    def _connection_failed(self, session: Session, text: str) -> None:
        if self._repeats.allow(address_of(session.address), "connection_failed", time.monotonic()):
            self.connection_failed.emit(session.address, text)

    def _summarise(self, summaries: list[Repeats]) -> None:
        for summary in summaries:
            self.warnings_summarised.emit(summary.address, summary.kind, summary.count)

    # --- carrying out what the rules decided ---------------------------------------

    def apply_outputs(self) -> None:
        """Carry out what an order given to :attr:`core` left (:attr:`rooms` does so)."""
        self._apply()

    def _apply(self) -> None:
        """Write, close and tell what the rules' last calls left, in order."""
        for output in self._core.take_outputs():
            if type(output) is Send:
                _conn(output.session).send_frames(output.data)
            elif type(output) is Close:
                conn = _conn(output.session)
                if output.abort:
                    conn.abort()
                else:
                    conn.close()
            elif type(output) is MessagesPosted:
                self.rooms.counted(output.messages)
                self.messages_posted.emit(output.messages)
            elif type(output) is UserJoined:
                self.user_joined.emit(output.session)
            elif type(output) is UserLeft:
                self.user_left.emit(output.session, output.reason)
            elif type(output) is ErrorSent:
                if self._repeats.allow(address_of(output.session.address), output.code, time.monotonic()):
                    self.error_sent.emit(output.session, output.code, output.message)
            elif type(output) is UserKicked:
                self.user_kicked.emit(output.session, output.reason)
            elif type(output) is NoticeSent:
                self.notice_sent.emit(output.text)
            elif type(output) is ReadOnlyChanged:
                self.read_only_changed.emit(output.on)
            elif type(output) is RoomsChanged:
                self.rooms_changed.emit()
            elif type(output) is StoreFailed:
                self.store_failed.emit(output.reason)
        core = self._core
        if core.has_outbox or core.replays_ready or core.downloads_ready:
            if not self._flush_timer.isActive():
                self._flush_timer.start()
        elif (core.replays_waiting or core.downloads_waiting) and not self._replay_poll.isActive():
            self._replay_poll.start()
        deadline = core.next_deadline
        if deadline is not None:
            wait_ms = max(0, int((deadline - time.monotonic()) * 1000) + 1)
            timer = self._deadline_timer
            if not timer.isActive() or timer.remainingTime() > wait_ms:
                timer.start(wait_ms)

    def flush(self) -> None:
        """Store the pass's messages in one transaction, then write each client its frames."""
        self._flush_timer.stop()
        core = self._core
        core.pump_downloads()
        delivery = core.flush()
        self._apply()
        if delivery is None:
            return
        common = delivery.common
        for session, data in delivery.own:
            _conn(session).send_frames(data)
        # Everyone else gets the same bytes: one tight loop writes them to all whose
        # earlier bytes are all gone to the kernel (most), so only the few that Qt
        # still holds bytes for need the send-queue check.
        fanout = core.fanout
        sinks = cast(list[Outgoing], delivery.sinks)
        for out in Connection.send_straight(sinks, common, cast(set[Outgoing], delivery.skip)):
            if (behind := fanout.get(out)) is not None and core.keeps_up(behind):
                _conn(behind).send_frames(common)
        self._apply()

    # --- deadlines -----------------------------------------------------------

    def _on_housekeeping_timeout(self) -> None:
        now = time.monotonic()
        self._core.tick(now)
        self._apply()
        self._summarise(self._repeats.due(now))
        self._trim_heap_after_burst()

    def _trim_heap_after_burst(self) -> None:
        # Only once the burst is over: nothing waiting in this pass nor in any
        # socket's buffer, so the memory the burst needed is free again. Only a
        # connection whose sending side holds bytes back can have any queued; a
        # session closing with bytes still queued (up to the close grace) is not
        # waited for: its memory comes back with a later trim.
        core = self._core
        if not core.trim_due():
            return
        sinks = cast(dict[Outgoing, Session], core.fanout)
        if any(session.conn.is_backlogged for out, session in sinks.items() if not out.writes_straight):
            return
        core.trimmed()
        release_free_heap()
