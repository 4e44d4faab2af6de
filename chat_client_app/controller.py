"""The client's Qt side: one connection, its timers, and the signals the windows hear.

:class:`ClientController` owns the one :class:`~shared.qt.connection.Connection` of the
client and drives a :class:`~chat_client_app.session.ClientSession`, where the rules of
PROTOCOL.md live (its docstring has the state machine and the delivery guarantees): it
feeds the session what the socket and the timers say, writes what it answers and turns
its events into signals. It has no widgets: windows and dialogs connect to its signals.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, Signal, SignalInstance, Slot
from PySide6.QtNetwork import QSslError

from chat_client_app.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from chat_client_app.clocks import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_IDLE_PING,
    DEFAULT_PING_TIMEOUT,
    ConnectionClocks,
)
from chat_client_app.drain import FrameDrain
from chat_client_app.failures import describe_attempt, socket_failure
from chat_client_app.recent_servers import memory_folder, open_settings
from chat_client_app.reconnect_clock import ReconnectClock
from chat_client_app.rooms_controller import RoomsController
from chat_client_app.server_errors import refusal
from chat_client_app.server_memory import ServerMemory
from chat_client_app.session import (
    ClientSession,
    ClientState,
    ConnectRequest,
    DisconnectReason,
    FailureKind,
    Outgoing,
    Output,
    SendState,
)
from chat_client_app.session import events as ev
from chat_client_app.session.state import Chat
from chat_client_app.transport_probe import TransportCheck
from chat_client_app.trust import TlsProblem, TrustStore
from shared.errors import ProtocolError
from shared.limits import CLIENT_MAX_FRAME
from shared.messages import Bye, Ping, ServerMessage, Welcome
from shared.qt.connection import Connection
from shared.search_messages import SEARCH_QUERY_MAX_CHARS, Search
from shared.validation import GENERAL

__all__ = [
    "Chat", "ClientController", "ClientState", "SendState", "ConnectRequest", "Outgoing", "DisconnectReason",
    "DEFAULT_IDLE_PING", "DEFAULT_PING_TIMEOUT", "CLIENT_READ_PER_PASS", "DEFAULT_CONNECT_TIMEOUT"
]  # fmt: skip

CLIENT_READ_PER_PASS = 32 * 1024
"""Bytes the client takes from its socket per pass. A read is decoded in the slot that
reads it, before the drain's budget applies: a small read keeps that slot short during
a burst (bench/README.md), and the burst is shown as fast, since the drain, not the
reading, sets its pace."""


class ClientController(QObject):
    """The Qt driver of one chat client's :class:`~chat_client_app.session.ClientSession`.

    Every timing is a constructor parameter so tests can use fractions of a second.
    """

    # Whatever carries data from the wire is declared ``object``: ``str`` and ``list``
    # signals convert through Qt types, which drops a leading U+FEFF from a text and
    # overflows on integers past 64 bits (a hostile server's ids). The enums are
    # ``object`` too, so that they arrive as members, not as their strings.
    state_changed = Signal(object)  # ClientState
    connected = Signal(object)  # Welcome
    history_reset = Signal()  # the welcome brought another server_id: the history started over
    attempt_failed = Signal(object, object)  # kind (error code or FailureKind), human sentence
    disconnected = Signal(object)  # DisconnectReason of a session that was up
    message_received = Signal(object)  # ChatMessage, one by one (only emitted when connected)
    messages_received = Signal(object)  # list[ChatMessage]: each run of consecutive messages at once
    message_queued = Signal(object)  # Outgoing: the user typed it (pending)
    send_state_changed = Signal(str, object, object)  # cid, SendState, reason (failed only)
    user_joined = Signal(object)  # name
    user_left = Signal(object, object)  # name, reason
    users_reset = Signal(object)  # list[str]: welcome's names
    notice_received = Signal(object, object)  # text, room (general: to everyone)
    read_only_changed = Signal(
        object, bool
    )  # room (general: the whole chat), whether only the operator writes
    error_received = Signal(object, object)  # code, message: errors not about one say
    kicked = Signal(object)  # reason
    shutdown_received = Signal(object)  # reason
    reconnect_scheduled = Signal(float)  # seconds until the next attempt
    reconnect_countdown = Signal(int)  # whole seconds left, every second
    rtt_measured = Signal(float)  # seconds
    replay_started = Signal()
    replay_finished = Signal(int, object)  # messages from others replayed, id of the first (0: none)
    search_results_received = Signal(object)  # ev.SearchResults: sid, messages, more, before
    history_page_received = Signal(object)  # ev.HistoryPageReceived: sid, Chat, around, messages

    def __init__(
        self,
        *,
        backoff_base: float = DEFAULT_BASE,
        backoff_cap: float = DEFAULT_CAP,
        idle_ping: float = DEFAULT_IDLE_PING,
        ping_timeout: float = DEFAULT_PING_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        rng: random.Random | None = None,
        trust: TrustStore | None = None,
        memory: ServerMemory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._memory = memory if memory is not None else ServerMemory(memory_folder())
        self._session = ClientSession(backoff=Backoff(backoff_base, backoff_cap, rng=rng))
        self._trust = trust if trust is not None else TrustStore(open_settings())
        self._tls_problem: TlsProblem | None = None
        self._conn: Connection | None = None
        self._check = TransportCheck(self)  # TLS where plain was tried, or the reverse?
        self._check.settled.connect(self._on_check_settled)
        self.rooms = RoomsController(self._session, self._act, self)
        """Rooms, members, presence and typing: their signals, and what the user asks of them."""
        self._tellers = self._make_tellers()
        self._drain = FrameDrain(
            self._on_drain_message, self._on_drain_sliced, lambda: self._conn is not None, self
        )
        self._clocks = ConnectionClocks(
            idle_ping=idle_ping, ping_timeout=ping_timeout, connect_timeout=connect_timeout, parent=self
        )
        self._clocks.welcome_overdue.connect(self._on_clocks_welcome_overdue)
        self._clocks.idle_elapsed.connect(self._on_clocks_idle_elapsed)
        self._clocks.pong_overdue.connect(self._on_clocks_pong_overdue)
        self._clocks.replay_quiet.connect(self._on_clocks_replay_quiet)
        self._clocks.send_due.connect(self._on_clocks_send_due)
        self._reconnect_clock = ReconnectClock(self)
        self._reconnect_clock.due.connect(self._on_reconnect_clock_due)
        self._reconnect_clock.countdown.connect(self.reconnect_countdown)

    # --- what the UI reads ----------------------------------------------------------

    @property
    def state(self) -> ClientState:
        return self._session.state

    @property
    def request(self) -> ConnectRequest | None:
        return self._session.request

    @property
    def welcome(self) -> Welcome | None:
        """The last welcome of this server (kept while reconnecting)."""
        return self._session.welcome

    @property
    def name(self) -> str:
        """The name as the server registered it, or as requested before the first welcome."""
        return self._session.name

    @property
    def had_session(self) -> bool:
        """Whether the current request ever got a welcome (a drop then reconnects)."""
        return self._session.had_session

    @property
    def last_seen_id(self) -> int:
        return self._session.last_seen

    @property
    def pending(self) -> list[Outgoing]:
        """Says waiting for their echo, oldest first."""
        return self._session.pending

    @property
    def rtt(self) -> float | None:
        return self._session.rtt

    @property
    def reconnect_remaining(self) -> float:
        """Seconds until the scheduled reconnect (0 when none is scheduled)."""
        return self._reconnect_clock.remaining

    # --- what the UI asks ----------------------------------------------------------

    def connect_to(self, request: ConnectRequest) -> None:
        """Connect to a server as a user (leaving any current session first).

        The same server under the same name again is a reconnect: what is pending is
        sent after the welcome and the missed messages are replayed. Another server
        fails what was pending for the old one. What was typed before any connection
        is sent to the first server.
        """
        if self._conn is not None:
            old, self._conn = self._conn, None
            self._detach(old)
            if old.is_open:
                for bye in self._session.bye():
                    assert isinstance(bye, Bye)
                    old.send(bye.to_dict())
                old.close()
            else:
                old.abort()
        self._stop_reconnect()
        self._forget_connection()
        left = self.tr("you left that server before it was sent")
        previous = self._session.request
        token = self._memory.token(request.host, request.port)
        server_id = self._memory.server_id(request.host, request.port)
        outputs = self._session.connect_to(request, left_reason=left, token=token, server_id=server_id)
        if previous is not None and outputs:
            self._memory.keep_pending(previous, [])  # failed there, in words: not sent later
        # What an earlier run left unsent here, before anything typed since.
        self._act(outputs + self._session.restore(self._memory.pending_for(request)))
        self._attempt()

    def discard_pending(self) -> None:
        """Forget the says not sent yet, here and on disk (the user chose to)."""
        self._act(self._session.discard())

    def say(self, text: str, to: str | None = None, room: str = GENERAL) -> str:
        """Post ``text`` to ``room`` (or privately to ``to``); returns its ``cid``.

        The text is not checked here: the server is the authority (§5), and its
        ``text_invalid`` marks the message failed like any other refusal.
        """
        out, outputs = self._session.say(text, to, now=time.monotonic(), typed_at=time.time(), room=room)
        self._act(outputs)
        return out.cid

    def search_server(self, query: str, before: int | None = None) -> str | None:
        """Search the history the server lets the user see (§8.7); the sid its pages
        come back with (:attr:`search_results_received`), None when not connected."""
        if self._session.state is not ClientState.CONNECTED:
            return None
        sid = uuid.uuid4().hex[:12]
        self._act([Search(query.strip()[:SEARCH_QUERY_MAX_CHARS], sid, before)])
        return sid

    def history_around(self, chat: Chat, message_id: int) -> str | None:
        """Ask for ``chat``'s messages around ``message_id`` (§8.8); the sid of the page
        (:attr:`history_page_received`), None when not connected."""
        sid, outputs = self._session.lookups.around(chat, message_id, connected=self._session.connected)
        self._act(outputs)
        return sid

    def retry(self, cid: str) -> bool:
        """Send a failed say again, with its ``cid``; ``False`` if there is no such failed say."""
        outputs = self._session.retry(cid, now=time.monotonic())
        self._act(outputs)
        return bool(outputs)

    @Slot()
    def retry_now(self) -> None:
        """Skip the reconnect countdown (or reconnect after a kick or a failure)."""
        if not self._session.may_retry_now():
            return
        self._stop_reconnect()
        self._attempt()

    @Slot()
    def quit(self) -> None:
        """Leave: ``bye`` if registered, then close; never reconnects by itself afterwards."""
        self._stop_reconnect()
        outputs = self._session.quit(has_connection=self._conn is not None)
        conn = self._conn
        if conn is None:
            self._act(outputs)
            return
        if outputs and conn.is_open:
            self._act(outputs)
            conn.close()  # graceful: the bye is written before the FIN
        else:
            conn.abort()

    # --- connecting ----------------------------------------------------------------

    def _attempt(self) -> None:
        request = self._session.request
        assert request is not None
        self._tls_problem = None
        conn = Connection.for_client(
            tls=request.tls, max_frame=CLIENT_MAX_FRAME, max_read=CLIENT_READ_PER_PASS, parent=self
        )
        self._conn = conn
        for signal, slot in self._wiring(conn):
            # Connected after Connection's own slots, so they run once the data is delivered.
            signal.connect(slot)
        self._act(self._session.begin_attempt())
        self._clocks.attempt_started()
        conn.connect_to_host(request.host, request.port)

    def _wiring(self, conn: Connection) -> list[tuple[SignalInstance, Callable[..., None]]]:
        return [
            (conn.tls_errors_occurred, self._on_connection_tls_errors_occurred),
            (conn.connected, self._on_connection_connected),
            (conn.messages_received, self._on_connection_messages_received),
            (conn.protocol_error, self._on_connection_protocol_error),
            (conn.error_occurred, self._on_connection_error_occurred),
            (conn.disconnected, self._on_connection_disconnected),
        ]

    def _detach(self, conn: Connection) -> None:
        """Stop hearing from ``conn``: its late signals must not touch its successor."""
        for signal, slot in self._wiring(conn):
            signal.disconnect(slot)
        conn.disconnected.connect(conn.deleteLater)

    def _on_connection_connected(self) -> None:
        self._act(self._session.connection_made())

    def _on_clocks_welcome_overdue(self) -> None:
        if self._conn is not None and self._session.connect_timed_out():
            self._conn.abort()

    def _on_connection_error_occurred(self, text: str) -> None:
        if self._conn is None or self._session.socket_failure is not None:
            return
        tls_pending = self._conn.is_tls and not self._conn.handshake_done
        self._session.socket_failed(socket_failure(self._conn.socket_error, tls_pending=tls_pending), text)

    def _on_connection_tls_errors_occurred(self, errors: list[QSslError]) -> None:
        # Only a certificate the user pinned gets past Qt's verdict; anything else
        # ends this handshake, and the user decides (TrustDialog) before any retry.
        request = self._session.request
        assert self._conn is not None
        assert request is not None
        problem = self._trust.problem(request.host, request.port, self._conn.peer_fingerprint)
        if problem is None:
            self._conn.ignore_tls_errors(errors)
            return
        self._tls_problem = problem
        self._session.socket_failed(problem.kind, "; ".join(e.errorString() for e in errors))

    @property
    def tls_problem(self) -> TlsProblem | None:
        """Why the last TLS handshake was refused, with the fingerprints to show."""
        return self._tls_problem

    def trust_certificate(self, fingerprint: str) -> None:
        """The user accepted ``fingerprint`` for the current server: pin it."""
        request = self._session.request
        assert request is not None
        self._trust.pin(request.host, request.port, fingerprint)

    def _on_connection_protocol_error(self, exc: ProtocolError) -> None:
        # The server's bytes are not frames we can read: nothing after this can be trusted.
        self._session.socket_failed(FailureKind.PROTOCOL, exc.message)
        if self._conn is not None:
            self._conn.abort()

    # --- receiving -----------------------------------------------------------------

    def _on_connection_messages_received(self, objects: list[dict[str, object]]) -> None:
        self._clocks.frame_arrived(connected=self._session.state is ClientState.CONNECTED)
        self._drain.extend(objects)

    def _on_drain_message(self, message: ServerMessage) -> None:
        self._act(self._session.receive(message, time.monotonic()))

    def _on_drain_sliced(self, more: bool) -> None:
        self._act(self._session.flush())
        if self._conn is None or more:
            return
        if self._session.replaying:
            self._clocks.replay_read()
        self._act(self._session.caught_up(time.monotonic()))

    def _on_clocks_send_due(self) -> None:
        self._act(self._session.pump(time.monotonic()))

    def _on_clocks_replay_quiet(self) -> None:
        self._act(self._session.replay_quiet(time.monotonic()))

    # --- acting on the session's answers ---------------------------------------------

    def _act(self, outputs: list[Output]) -> None:
        """Write what the session asks for and tell what it reports, in its order.

        The outbox is saved whenever it changed, before anyone hears of it: a say the
        user sees as pending survives a crash the next moment.
        """
        request = self._session.request
        changed = any(isinstance(o, ev.MessageQueued | ev.SendStateChanged) for o in outputs)
        if changed and request is not None:
            self._memory.keep_pending(request, self._session.pending)
        for output in outputs:
            if isinstance(output, ev.OUTBOUND_TYPES):
                if self._conn is not None:
                    self._conn.send(output.to_dict())
                    if isinstance(output, Ping):
                        self._clocks.ping_sent()
            else:
                self._tellers[type(output)](output)

    def _make_tellers(self) -> dict[type, Callable[[Any], None]]:
        """For each kind of event of the session, how it is told."""
        return {
            ev.MessagesReceived: self._tell_messages,
            ev.SendStateChanged: self._tell_send_state,
            ev.StateChanged: self._tell_state,
            ev.MessageQueued: lambda e: self.message_queued.emit(e.out),
            ev.UserJoined: lambda e: self.user_joined.emit(e.name),
            ev.UserLeft: lambda e: self.user_left.emit(e.name, e.reason),
            ev.UsersReset: lambda e: self.users_reset.emit(list(e.names)),
            ev.Connected: self._tell_connected,
            ev.HistoryReset: lambda e: self.history_reset.emit(),
            ev.NoticeReceived: self._tell_notice,
            ev.ServerError: lambda e: self.error_received.emit(e.code, e.message),
            ev.KickReceived: lambda e: self.kicked.emit(e.reason),
            ev.ShutdownReceived: lambda e: self.shutdown_received.emit(e.reason),
            ev.RttMeasured: lambda e: self.rtt_measured.emit(e.seconds),
            ev.ReplayStarted: lambda e: self.replay_started.emit(),
            ev.ReplayFinished: self._tell_replay_finished,
            ev.SearchResults: self.search_results_received.emit,
            ev.HistoryPageReceived: self.history_page_received.emit,
            ev.Disconnected: lambda e: self.disconnected.emit(e.reason),
            ev.AttemptFailed: self._tell_attempt_failed,
            ev.ReconnectScheduled: lambda e: self._schedule_reconnect(e.delay),
            ev.SendPaused: lambda e: self._clocks.send_later(e.delay),
            **self.rooms.tellers(),
        }

    def _tell_send_state(self, event: ev.SendStateChanged) -> None:
        # The server's refusal in the user's language, by its code: never its English.
        reason = refusal(event.code, event.reason) if event.code else event.reason
        self.send_state_changed.emit(event.cid, event.state, reason)

    def _tell_messages(self, event: ev.MessagesReceived) -> None:
        run = list(event.messages)
        self.messages_received.emit(run)
        if self.isSignalConnected(_PER_MESSAGE):
            for message in run:
                self.message_received.emit(message)

    def _tell_state(self, event: ev.StateChanged) -> None:
        if event.state is ClientState.CONNECTED:
            self._clocks.welcomed()
        self.state_changed.emit(event.state)

    def _tell_connected(self, event: ev.Connected) -> None:
        request = self._session.request
        assert request is not None
        self._memory.remember_server_id(request.host, request.port, event.welcome.server_id)
        self.connected.emit(event.welcome)
        self.read_only_changed.emit(GENERAL, event.welcome.read_only)

    def _tell_notice(self, event: ev.NoticeReceived) -> None:
        # The whole chat's switch is told in the user's language (server_news), not in the server's.
        if event.read_only is None or event.room != GENERAL:
            self.notice_received.emit(event.text, event.room)
        if event.read_only is not None:
            self.read_only_changed.emit(event.room, event.read_only)

    def _tell_replay_finished(self, event: ev.ReplayFinished) -> None:
        self._clocks.replay_ended()
        self.replay_finished.emit(event.count, event.first_id)

    def _tell_attempt_failed(self, event: ev.AttemptFailed) -> None:
        assert self._session.request is not None
        message = describe_attempt(self._session.request, event.kind, event.detail, event.until)
        self.attempt_failed.emit(event.kind, message)

    # --- liveness ------------------------------------------------------------------

    def _on_clocks_idle_elapsed(self) -> None:
        self._act(self._session.idle(time.monotonic()))

    def _on_clocks_pong_overdue(self) -> None:
        if self._conn is not None and self._session.ping_timed_out():
            self._conn.abort()

    # --- ending --------------------------------------------------------------------

    def _on_connection_disconnected(self) -> None:
        # What arrived before the end is shown before the end is.
        self._drain.finish()
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.deleteLater()
        self._forget_connection()
        if conn is None or not self._check.start(self._session, conn.bytes_received):  # TLS mismatch?
            self._act(self._session.connection_lost(time.monotonic()))

    def _on_check_settled(self, kind: FailureKind | None) -> None:
        if kind is not None:
            self._session.socket_failed(kind)
        self._act(self._session.connection_lost(time.monotonic()))

    def _forget_connection(self) -> None:
        """Drop what belonged to the connection that just ended (timers, unread frames)."""
        self._clocks.stop()
        self._drain.clear()
        self._session.forget_connection()

    def _schedule_reconnect(self, delay: float) -> None:
        self._reconnect_clock.start(delay)
        self.reconnect_scheduled.emit(delay)
        self.reconnect_countdown.emit(math.ceil(delay))

    def _on_reconnect_clock_due(self) -> None:
        if self._session.state is ClientState.RECONNECTING and self._session.request is not None:
            self._attempt()

    def _stop_reconnect(self) -> None:
        self._reconnect_clock.stop()
        self._check.cancel()  # the last attempt's probe: nobody waits for its verdict now


# From the class: QMetaMethod.fromSignal(self.message_received) keeps its instance alive.
_META = ClientController.staticMetaObject  # type: ignore[attr-defined]  # PySide's stubs omit it
_PER_MESSAGE: QMetaMethod = _META.method(_META.indexOfSignal("message_received(PyObject)"))
