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
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslError

from chat_client_app.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from chat_client_app.failures import describe_attempt
from chat_client_app.recent_servers import open_settings
from chat_client_app.reconnect_clock import ReconnectClock
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
from chat_client_app.trust import TlsProblem, TrustStore
from shared.errors import ProtocolError
from shared.limits import CLIENT_MAX_FRAME
from shared.messages import Bye, Hello, Ping, Pong, Say, Welcome, parse_server_message
from shared.qt.connection import Connection

__all__ = [
    "ClientController",
    "ClientState",
    "SendState",
    "ConnectRequest",
    "Outgoing",
    "DisconnectReason",
    "DEFAULT_IDLE_PING",
    "DEFAULT_PING_TIMEOUT",
    "CLIENT_READ_PER_PASS",
    "DEFAULT_CONNECT_TIMEOUT",
]

CLIENT_READ_PER_PASS = 32 * 1024
"""Bytes the client takes from its socket per pass. A read is decoded in the slot that
reads it, before the drain's budget applies: a small read keeps that slot short during
a burst (bench/README.md), and the burst is shown as fast, since the drain, not the
reading, sets its pace."""

DEFAULT_IDLE_PING = 15.0
"""Seconds of silence from the server before the client pings it: half the server's own
``ping_after`` (§5), so a healthy idle connection is never pinged by the server."""

DEFAULT_PING_TIMEOUT = 10.0
"""Seconds to wait for any frame after our ping before calling the connection dead: a
LAN answers in milliseconds, a Wi-Fi roam takes a few seconds."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds from opening the socket to ``welcome``: the server's own ``hello_timeout``."""

DRAIN_BUDGET = 0.012
"""Seconds of frame handling per event-loop pass (parsing, and the views' work on each
signal): a burst of any size never holds the window for much longer."""

DRAIN_PAUSE_MS = 25
"""Pause between two slices of a burst. The views lay out and paint in it, and what
arrives meanwhile joins the next slice: a big burst becomes a few big inserts instead of
many small ones (a QListView lays out every row again after each insert)."""

REPLAY_SETTLE_MS = 500
"""After a reconnect, the replay counts as finished when our first ping is answered (the
pong comes after every replayed frame) or, failing that, after this much quiet."""

_SOCKET_FAILURES = {
    QAbstractSocket.SocketError.ConnectionRefusedError: FailureKind.REFUSED,
    QAbstractSocket.SocketError.HostNotFoundError: FailureKind.NOT_FOUND,
    QAbstractSocket.SocketError.SocketTimeoutError: FailureKind.TIMEOUT,
}


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
    attempt_failed = Signal(object, object)  # kind (error code or FailureKind), human sentence
    disconnected = Signal(object)  # DisconnectReason of a session that was up
    message_received = Signal(object)  # ChatMessage, one by one (only emitted when connected)
    messages_received = Signal(object)  # list[ChatMessage]: each run of consecutive messages at once
    message_queued = Signal(object)  # Outgoing: the user typed it (pending)
    send_state_changed = Signal(str, object, object)  # cid, SendState, reason (failed only)
    user_joined = Signal(object)  # name
    user_left = Signal(object, object)  # name, reason
    users_reset = Signal(object)  # list[str]: welcome's names
    notice_received = Signal(object)  # text
    error_received = Signal(object, object)  # code, message: errors not about one say
    kicked = Signal(object)  # reason
    shutdown_received = Signal(object)  # reason
    reconnect_scheduled = Signal(float)  # seconds until the next attempt
    reconnect_countdown = Signal(int)  # whole seconds left, every second
    rtt_measured = Signal(float)  # seconds
    replay_started = Signal()
    replay_finished = Signal(int, object)  # messages from others replayed, id of the first (0: none)

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
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = ClientSession(backoff=Backoff(backoff_base, backoff_cap, rng=rng))
        self._trust = trust if trust is not None else TrustStore(open_settings())
        self._tls_problem: TlsProblem | None = None
        self._conn: Connection | None = None
        self._backlog: deque[dict[str, object]] = deque()
        self._tellers = self._make_tellers()

        self._idle_timer = self._timer(idle_ping, self._on_idle_timer_timeout)
        self._pong_timer = self._timer(ping_timeout, self._on_pong_timer_timeout)
        self._connect_timer = self._timer(connect_timeout, self._on_connect_timer_timeout)
        self._replay_timer = self._timer(REPLAY_SETTLE_MS / 1000, self._on_replay_timer_timeout)
        self._drain_timer = self._timer(0, self._drain)
        self._reconnect_clock = ReconnectClock(self)
        self._reconnect_clock.due.connect(self._on_reconnect_clock_due)
        self._reconnect_clock.countdown.connect(self.reconnect_countdown)

    def _timer(self, seconds: float, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(max(0, int(seconds * 1000)))
        timer.timeout.connect(slot)
        return timer

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
        self._act(self._session.connect_to(request, left_reason=left))
        self._attempt()

    def say(self, text: str, to: str | None = None) -> str:
        """Post ``text`` (privately to ``to``); returns its ``cid``.

        The text is not checked here: the server is the authority (§5), and its
        ``text_invalid`` marks the message failed like any other refusal.
        """
        out, outputs = self._session.say(text, to, now=time.time())
        self._act(outputs)
        return out.cid

    def retry(self, cid: str) -> bool:
        """Send a failed say again, with its ``cid``; ``False`` if there is no such failed say."""
        outputs = self._session.retry(cid)
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
        self._connect_timer.start()
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

    def _on_connect_timer_timeout(self) -> None:
        if self._conn is not None and self._session.connect_timed_out():
            self._conn.abort()

    def _on_connection_error_occurred(self, text: str) -> None:
        if self._conn is None or self._session.socket_failure is not None:
            return
        request = self._session.request
        if request is not None and request.tls and not self._conn.handshake_done:
            # A plain server answers a TLS hello with bytes that are no TLS record.
            self._session.socket_failed(FailureKind.TLS_FAILED, text)
            return
        kind = _SOCKET_FAILURES.get(self._conn.socket_error, FailureKind.UNREACHABLE)
        self._session.socket_failed(kind, text)

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
        # Any frame is a sign of life (§5): the idle ping waits again.
        self._pong_timer.stop()
        if self._session.state is ClientState.CONNECTED:
            self._idle_timer.start()
        self._backlog.extend(objects)
        if not self._drain_timer.isActive():
            self._drain()

    def _on_replay_timer_timeout(self) -> None:
        self._act(self._session.replay_quiet())

    def _drain(self, budget: float = DRAIN_BUDGET) -> None:
        """Handle received frames for up to ``budget`` seconds; the rest wait for a later pass.

        A read can hold a whole history replay: handling it in slices keeps the event
        loop turning, so the window paints and takes input while a burst is shown.
        Frames are handled strictly in order.
        """
        backlog = self._backlog
        session = self._session
        deadline = time.monotonic() + budget
        handled = 0
        while backlog and self._conn is not None:
            handled += 1
            if handled % 64 == 0 and time.monotonic() > deadline:
                break
            try:
                message = parse_server_message(backlog.popleft())
            except ProtocolError:
                # Unknown types are for newer clients (§1); a malformed frame from a
                # buggy server is skipped rather than ending the session.
                continue
            self._act(session.receive(message, time.monotonic()))
        self._act(session.flush())
        if self._conn is None:
            backlog.clear()
            return
        if backlog:
            self._drain_timer.start(DRAIN_PAUSE_MS)
            return
        if session.replaying:
            self._replay_timer.start()  # more replay may come in the next read
        self._act(session.caught_up(time.monotonic()))

    # --- acting on the session's answers ---------------------------------------------

    def _act(self, outputs: list[Output]) -> None:
        """Write what the session asks for and tell what it reports, in its order."""
        for output in outputs:
            if isinstance(output, Hello | Say | Ping | Pong | Bye):
                if self._conn is not None:
                    self._conn.send(output.to_dict())
                    if isinstance(output, Ping):
                        self._pong_timer.start()
            else:
                self._tellers[type(output)](output)

    def _make_tellers(self) -> dict[type, Callable[[Any], None]]:
        """For each kind of event of the session, how it is told."""
        return {
            ev.MessagesReceived: self._tell_messages,
            ev.SendStateChanged: lambda e: self.send_state_changed.emit(e.cid, e.state, e.reason),
            ev.StateChanged: self._tell_state,
            ev.MessageQueued: lambda e: self.message_queued.emit(e.out),
            ev.UserJoined: lambda e: self.user_joined.emit(e.name),
            ev.UserLeft: lambda e: self.user_left.emit(e.name, e.reason),
            ev.UsersReset: lambda e: self.users_reset.emit(list(e.names)),
            ev.Connected: lambda e: self.connected.emit(e.welcome),
            ev.NoticeReceived: lambda e: self.notice_received.emit(e.text),
            ev.ServerError: lambda e: self.error_received.emit(e.code, e.message),
            ev.KickReceived: lambda e: self.kicked.emit(e.reason),
            ev.ShutdownReceived: lambda e: self.shutdown_received.emit(e.reason),
            ev.RttMeasured: lambda e: self.rtt_measured.emit(e.seconds),
            ev.ReplayStarted: lambda e: self.replay_started.emit(),
            ev.ReplayFinished: self._tell_replay_finished,
            ev.Disconnected: lambda e: self.disconnected.emit(e.reason),
            ev.AttemptFailed: self._tell_attempt_failed,
            ev.ReconnectScheduled: lambda e: self._schedule_reconnect(e.delay),
        }

    def _tell_messages(self, event: ev.MessagesReceived) -> None:
        run = list(event.messages)
        self.messages_received.emit(run)
        if self.isSignalConnected(_PER_MESSAGE):
            for message in run:
                self.message_received.emit(message)

    def _tell_state(self, event: ev.StateChanged) -> None:
        if event.state is ClientState.CONNECTED:
            self._connect_timer.stop()
            self._idle_timer.start()
        self.state_changed.emit(event.state)

    def _tell_replay_finished(self, event: ev.ReplayFinished) -> None:
        self._replay_timer.stop()
        self.replay_finished.emit(event.count, event.first_id)

    def _tell_attempt_failed(self, event: ev.AttemptFailed) -> None:
        assert self._session.request is not None
        message = describe_attempt(self._session.request, event.kind, event.detail)
        self.attempt_failed.emit(event.kind, message)

    # --- liveness ------------------------------------------------------------------

    def _on_idle_timer_timeout(self) -> None:
        self._act(self._session.idle(time.monotonic()))

    def _on_pong_timer_timeout(self) -> None:
        if self._conn is not None and self._session.ping_timed_out():
            self._conn.abort()

    # --- ending --------------------------------------------------------------------

    def _on_connection_disconnected(self) -> None:
        # What arrived before the end is shown before the end is.
        self._drain_timer.stop()
        while self._backlog and self._conn is not None:
            self._drain(budget=math.inf)
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.deleteLater()
        self._forget_connection()
        self._act(self._session.connection_lost())

    def _forget_connection(self) -> None:
        """Drop what belonged to the connection that just ended (timers, unread frames)."""
        for timer in (self._idle_timer, self._pong_timer, self._connect_timer, self._replay_timer):
            timer.stop()
        self._drain_timer.stop()
        self._backlog.clear()
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


# From the class: QMetaMethod.fromSignal(self.message_received) keeps its instance alive.
_META = ClientController.staticMetaObject  # type: ignore[attr-defined]  # PySide's stubs omit it
_PER_MESSAGE: QMetaMethod = _META.method(_META.indexOfSignal("message_received(PyObject)"))
