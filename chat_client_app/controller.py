"""The client's protocol side: one connection, its state machine, acknowledged sending, reconnects.

:class:`ClientController` owns the one :class:`~shared.qt.connection.Connection` of the
client and speaks PROTOCOL.md through it. It has no widgets: windows and dialogs
connect to its signals (Qt's network-chat ``Client``, qutebrowser's controllers).

State machine::

    disconnected ──connect_to──> connecting ──socket up──> registering ──welcome──> connected
         ^                            │                          │                      │
         │        (first attempt fails, kicked, quit, fatal)     │                      │ unexpected drop
         └────────────────────────────┴──────────────────────────┴──── reconnecting <───┘
                                                                      (backoff, then connecting)

Delivery guarantees the controller adds on top of the protocol (§6):

- every ``say`` carries a fresh ``cid`` and stays *pending* until the server echoes that
  ``cid`` (then *sent*) or answers it with an error (then *failed*, with the reason);
- a say typed while disconnected is queued as pending and sent after the next welcome;
- after an unexpected drop it reconnects by itself with ``since`` = the last message id
  seen, drops replayed messages it already has (ids only increase, §6), and re-sends every
  still-pending say with its original ``cid`` (the server's cid memory makes that safe).
"""

from __future__ import annotations

import enum
import math
import random
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslError

from chat_client_app.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from chat_client_app.failures import FATAL_FOR_RETRY, FailureKind, describe_failure
from chat_client_app.recent_servers import open_settings
from chat_client_app.trust import TlsProblem, TrustStore, Verdict, judge
from shared.errors import ErrorCode, ProtocolError
from shared.limits import CLIENT_MAX_FRAME, DEFAULT_PORT
from shared.messages import (
    Bye,
    ChatMessage,
    Error,
    Hello,
    Joined,
    Kicked,
    Left,
    Notice,
    Ping,
    Pong,
    Say,
    ServerMessage,
    Shutdown,
    Welcome,
    parse_server_message,
)
from shared.qt.connection import Connection
from shared.validation import name_key

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
reads it, and then up to ``DRAIN_BUDGET`` of its frames are handled: the server's
256 KB made that slot 25-35 ms long in a 10 000-message burst (2 000 frames decoded at
once), and two of them back to back were the window's worst stall (53-76 ms in the
benchmark). With 32 KB the read is a couple of milliseconds and the burst is shown as
fast, since the drain, not the reading, sets its pace."""

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
arrives meanwhile joins the next slice: a 10 000-message burst becomes a dozen big
inserts instead of hundreds of small ones (a QListView lays out every row again after
each insert)."""

REPLAY_SETTLE_MS = 500
"""After a reconnect, the replay counts as finished when our first ping is answered (the
pong comes after every replayed frame) or, failing that, after this much quiet."""

# Errors that answer one say: without an echoed ``cid`` (an older server) they are
# matched to the oldest say still waiting on the connection.
_SAY_ERRORS = frozenset(
    {ErrorCode.RATE_LIMITED, ErrorCode.TEXT_INVALID, ErrorCode.READ_ONLY, ErrorCode.NO_SUCH_USER}
)


class ClientState(enum.StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    REGISTERING = "registering"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


class SendState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class DisconnectReason(enum.StrEnum):
    """Why a session that was up ended (``disconnected`` signal)."""

    QUIT = "quit"  # the user left
    KICKED = "kicked"
    SHUTDOWN = "shutdown"
    LOST = "lost"  # dropped, or no answer to our ping
    ERROR = "error"  # the server closed us with a fatal error


@dataclass(frozen=True, slots=True)
class ConnectRequest:
    """Where to connect and as whom: what the connect dialog and the command line produce."""

    name: str
    host: str
    port: int = DEFAULT_PORT
    password: str | None = None
    tls: bool = False

    @property
    def address(self) -> str:
        """``host:port`` as a user writes it (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"


@dataclass(slots=True)
class Outgoing:
    """One say the user typed, from the moment it was typed until it is sent or failed."""

    cid: str
    text: str
    to: str | None
    queued_at: float
    state: SendState = SendState.PENDING
    reason: str = ""
    sent_on: int = field(default=0)  # the connection generation it was last written to


def _place(request: ConnectRequest) -> tuple[str, int, str]:
    """Where and as whom: two requests with the same place continue one conversation."""
    return (request.host.lower(), request.port, name_key(request.name))


class ClientController(QObject):
    """The protocol state machine of one chat client.

    Every timing is a constructor parameter so tests can use fractions of a second.
    """

    # Whatever carries data from the wire is declared ``object``: ``str`` and ``list``
    # signals convert through Qt types, which drops a leading U+FEFF from a text and
    # overflows on integers past 64 bits (a hostile server's ids).
    state_changed = Signal(str)
    connected = Signal(object)  # Welcome
    attempt_failed = Signal(object, object)  # kind (error code or FailureKind), human sentence
    disconnected = Signal(str)  # DisconnectReason of a session that was up
    message_received = Signal(object)  # ChatMessage, one by one (only emitted when connected)
    messages_received = Signal(object)  # list[ChatMessage]: each run of consecutive messages at once
    message_queued = Signal(object)  # Outgoing: the user typed it (pending)
    send_state_changed = Signal(str, str, object)  # cid, SendState, reason (failed only)
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
        self._backoff = Backoff(backoff_base, backoff_cap, rng=rng)
        self._trust = trust if trust is not None else TrustStore(open_settings())
        self._tls_problem: TlsProblem | None = None
        self._state = ClientState.DISCONNECTED
        self._request: ConnectRequest | None = None
        self._conn: Connection | None = None
        self._generation = 0
        self._welcome: Welcome | None = None
        self._own_key = ""
        self._had_session = False  # a welcome arrived since connect_to: drops reconnect
        self._user_quit = False
        self._last_seen = 0  # newest message id shown; replays at or below it are duplicates
        self._floor = 0  # welcome.last_id, for a since when we have seen no message at all
        self._pending: dict[str, Outgoing] = {}
        self._failed: dict[str, Outgoing] = {}
        self._attempt_error: Error | None = None  # the fatal error of this connection, if any
        self._socket_failure: FailureKind | None = None
        self._socket_detail = ""
        self._kicked_reason: str | None = None
        self._shutdown_reason: str | None = None
        self._ping_token: str | None = None
        self._ping_sent_at = 0.0
        self._rtt: float | None = None
        self._replaying = False
        self._replay_count = 0
        self._replay_first = 0
        self._replay_token: str | None = None
        self._run: list[ChatMessage] = []
        self._backlog: deque[dict[str, object]] = deque()
        self._just_welcomed = False

        self._idle_timer = self._timer(idle_ping, self._on_idle_timer_timeout)
        self._pong_timer = self._timer(ping_timeout, self._on_pong_timer_timeout)
        self._connect_timer = self._timer(connect_timeout, self._on_connect_timer_timeout)
        self._replay_timer = self._timer(REPLAY_SETTLE_MS / 1000, self._on_replay_timer_timeout)
        self._reconnect_timer = self._timer(0, self._on_reconnect_timer_timeout)
        self._drain_timer = self._timer(0, self._on_drain_timer_timeout)
        self._reconnect_due = 0.0
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(1000)
        self._countdown_timer.timeout.connect(self._on_countdown_timer_timeout)

    def _timer(self, seconds: float, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(max(0, int(seconds * 1000)))
        timer.timeout.connect(slot)
        return timer

    # --- what the UI reads ----------------------------------------------------------

    @property
    def state(self) -> ClientState:
        return self._state

    @property
    def request(self) -> ConnectRequest | None:
        return self._request

    @property
    def welcome(self) -> Welcome | None:
        """The last welcome of this server (kept while reconnecting)."""
        return self._welcome

    @property
    def name(self) -> str:
        """The name as the server registered it, or as requested before the first welcome."""
        if self._welcome is not None:
            return self._welcome.name
        return self._request.name if self._request is not None else ""

    @property
    def had_session(self) -> bool:
        """Whether the current request ever got a welcome (a drop then reconnects)."""
        return self._had_session

    @property
    def last_seen_id(self) -> int:
        return self._last_seen

    @property
    def pending(self) -> list[Outgoing]:
        """Says waiting for their echo, oldest first."""
        return list(self._pending.values())

    @property
    def rtt(self) -> float | None:
        return self._rtt

    @property
    def reconnect_remaining(self) -> float:
        """Seconds until the scheduled reconnect (0 when none is scheduled)."""
        if not self._reconnect_timer.isActive():
            return 0.0
        return max(0.0, self._reconnect_due - time.monotonic())

    # --- what the UI asks ----------------------------------------------------------

    def connect_to(self, request: ConnectRequest) -> None:
        """Connect to a server as a user (leaving any current session first).

        The same server under the same name again is a reconnect: what is pending is
        sent after the welcome and the missed messages are replayed. Another server
        fails what was pending for the old one. What was typed before any connection
        is sent to the first server.
        """
        previous = self._request
        if self._conn is not None:
            old, self._conn = self._conn, None
            self._detach(old)
            if old.is_open:
                if self._state in (ClientState.REGISTERING, ClientState.CONNECTED):
                    old.send(Bye("quit").to_dict())
                old.close()
            else:
                old.abort()
        self._stop_reconnect()
        self._forget_connection()
        if previous is not None and _place(previous) != _place(request):
            reason = self.tr("you left that server before it was sent")
            for out in list(self._pending.values()):
                self._fail(out, reason)
            self._failed.clear()
            self._welcome = None
            self._had_session = False
            self._last_seen = 0
            self._floor = 0
        self._request = request
        self._backoff.reset()
        self._attempt()

    def say(self, text: str, to: str | None = None) -> str:
        """Post ``text`` (privately to ``to``); returns its ``cid``.

        The text is not checked here: the server is the authority (§5), and its
        ``text_invalid`` marks the message failed like any other refusal.
        """
        out = Outgoing(cid=uuid.uuid4().hex, text=text, to=to, queued_at=time.time())
        self._pending[out.cid] = out
        self.message_queued.emit(out)
        if self._state is ClientState.CONNECTED:
            self._send_say(out)
        return out.cid

    def retry(self, cid: str) -> bool:
        """Send a failed say again, with its ``cid``; ``False`` if there is no such failed say."""
        out = self._failed.pop(cid, None)
        if out is None:
            return False
        out.state = SendState.PENDING
        out.reason = ""
        self._pending[cid] = out
        self.send_state_changed.emit(cid, SendState.PENDING.value, "")
        if self._state is ClientState.CONNECTED:
            self._send_say(out)
        return True

    @Slot()
    def retry_now(self) -> None:
        """Skip the reconnect countdown (or reconnect after a kick or a failure)."""
        if self._request is None or self._state in (
            ClientState.CONNECTING,
            ClientState.REGISTERING,
            ClientState.CONNECTED,
        ):
            return
        self._stop_reconnect()
        self._user_quit = False
        self._attempt()

    @Slot()
    def quit(self) -> None:
        """Leave: ``bye`` if registered, then close; never reconnects by itself afterwards."""
        self._user_quit = True
        self._stop_reconnect()
        if self._conn is None:
            self._set_state(ClientState.DISCONNECTED)
            return
        # Registering counts: our hello went first on the same stream, so the server
        # reads the bye after registering us (its welcome may be on the way).
        self._release_connection(send_bye=self._state in (ClientState.REGISTERING, ClientState.CONNECTED))

    # --- connecting ----------------------------------------------------------------

    def _attempt(self) -> None:
        assert self._request is not None
        self._user_quit = False
        self._attempt_error = None
        self._socket_failure = None
        self._socket_detail = ""
        self._kicked_reason = None
        self._shutdown_reason = None
        self._generation += 1
        self._tls_problem = None
        conn = Connection.for_client(
            tls=self._request.tls, max_frame=CLIENT_MAX_FRAME, max_read=CLIENT_READ_PER_PASS, parent=self
        )
        self._conn = conn
        conn.tls_errors_occurred.connect(self._on_connection_tls_errors_occurred)
        conn.connected.connect(self._on_connection_connected)
        conn.messages_received.connect(self._on_connection_messages_received)
        conn.protocol_error.connect(self._on_connection_protocol_error)
        conn.error_occurred.connect(self._on_connection_error_occurred)
        conn.disconnected.connect(self._on_connection_disconnected)
        # Connected after Connection's own slot, so it runs once the data is delivered.
        self._set_state(ClientState.CONNECTING)
        self._connect_timer.start()
        conn.connect_to_host(self._request.host, self._request.port)

    def _detach(self, conn: Connection) -> None:
        """Stop hearing from ``conn``: its late signals must not touch its successor."""
        conn.connected.disconnect(self._on_connection_connected)
        conn.messages_received.disconnect(self._on_connection_messages_received)
        conn.protocol_error.disconnect(self._on_connection_protocol_error)
        conn.error_occurred.disconnect(self._on_connection_error_occurred)
        conn.disconnected.disconnect(self._on_connection_disconnected)
        conn.tls_errors_occurred.disconnect(self._on_connection_tls_errors_occurred)
        conn.disconnected.connect(conn.deleteLater)

    def _release_connection(self, *, send_bye: bool) -> None:
        """Close the connection on our side; ``disconnected`` follows."""
        conn = self._conn
        if conn is None:
            return
        if send_bye and conn.is_open:
            conn.send(Bye("quit").to_dict())
            conn.close()  # graceful: the bye is written before the FIN
        else:
            conn.abort()

    def _on_connection_connected(self) -> None:
        assert self._request is not None
        assert self._conn is not None
        since: int | None = None
        if self._had_session:
            since = self._last_seen if self._last_seen else self._floor
        hello = Hello(name=self._request.name, password=self._request.password, since=since)
        # The hello goes out before anyone hears "registering": a slot that quits on
        # that signal then says bye after it, on the same stream.
        self._conn.send(hello.to_dict())
        self._set_state(ClientState.REGISTERING)

    def _on_connect_timer_timeout(self) -> None:
        if self._conn is not None and self._state in (ClientState.CONNECTING, ClientState.REGISTERING):
            self._socket_failure = FailureKind.TIMEOUT
            self._conn.abort()

    def _on_connection_error_occurred(self, text: str) -> None:
        if self._conn is None or self._socket_failure is not None:
            return
        if self._request is not None and self._request.tls and not self._conn.handshake_done:
            # A plain server answers a TLS hello with bytes that are no TLS record.
            self._socket_failure = FailureKind.TLS_FAILED
            self._socket_detail = text
            return
        error = self._conn.socket.error()
        errors = QAbstractSocket.SocketError
        if error == errors.ConnectionRefusedError:
            self._socket_failure = FailureKind.REFUSED
        elif error == errors.HostNotFoundError:
            self._socket_failure = FailureKind.NOT_FOUND
        elif error == errors.SocketTimeoutError:
            self._socket_failure = FailureKind.TIMEOUT
        else:
            self._socket_failure = FailureKind.UNREACHABLE
        self._socket_detail = text

    def _on_connection_tls_errors_occurred(self, errors: list[QSslError]) -> None:
        # Only a certificate the user pinned gets past Qt's verdict; anything else
        # ends this handshake, and the user decides (TrustDialog) before any retry.
        assert self._conn is not None
        assert self._request is not None
        seen = self._conn.peer_fingerprint
        pinned = self._trust.pinned(self._request.host, self._request.port)
        verdict = judge(pinned, seen)
        if verdict is Verdict.PINNED:
            self._conn.ignore_tls_errors(errors)
            return
        self._tls_problem = TlsProblem(verdict, seen or "", pinned)
        self._socket_failure = (
            FailureKind.TLS_UNTRUSTED if verdict is Verdict.UNKNOWN else FailureKind.TLS_CHANGED
        )
        self._socket_detail = "; ".join(e.errorString() for e in errors)

    @property
    def tls_problem(self) -> TlsProblem | None:
        """Why the last TLS handshake was refused, with the fingerprints to show."""
        return self._tls_problem

    def trust_certificate(self, fingerprint: str) -> None:
        """The user accepted ``fingerprint`` for the current server: pin it."""
        assert self._request is not None
        self._trust.pin(self._request.host, self._request.port, fingerprint)

    def _on_connection_protocol_error(self, exc: ProtocolError) -> None:
        # The server's bytes are not frames we can read: nothing after this can be trusted.
        self._socket_failure = FailureKind.PROTOCOL
        self._socket_detail = exc.message
        if self._conn is not None:
            self._conn.abort()

    # --- receiving -----------------------------------------------------------------

    def _on_connection_messages_received(self, objects: list[dict[str, object]]) -> None:
        # Any frame is a sign of life (§5): the idle ping waits again.
        self._pong_timer.stop()
        if self._state is ClientState.CONNECTED:
            self._idle_timer.start()
        self._backlog.extend(objects)
        if not self._drain_timer.isActive():
            self._drain()

    def _on_drain_timer_timeout(self) -> None:
        self._drain()

    def _on_replay_timer_timeout(self) -> None:
        # No pong came to mark the end of the replay (an older server): quiet is the end.
        self._finish_replay()

    def _drain(self, budget: float = DRAIN_BUDGET) -> None:
        """Handle received frames for up to ``budget`` seconds; the rest wait for a later pass.

        A read can hold a whole history replay (10 000 messages): handling it in
        slices keeps the event loop turning, so the window paints and takes input
        while a burst is shown. Frames are handled strictly in order.
        """
        backlog = self._backlog
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
            if self._state is ClientState.REGISTERING:
                if isinstance(message, Welcome):
                    self._on_welcome(message)
                elif isinstance(message, Error):
                    self._attempt_error = message
            elif isinstance(message, ChatMessage):
                self._take_message(message)
            else:
                self._flush_run()
                self._take_event(message)
        self._flush_run()
        if self._conn is None:
            backlog.clear()
            return
        if backlog:
            self._drain_timer.start(DRAIN_PAUSE_MS)
            return
        if self._replaying:
            self._replay_timer.start()  # more replay may come in the next read
        if self._just_welcomed and self._state is ClientState.CONNECTED:
            self._just_welcomed = False
            # After the replay that came with the welcome: a say it shows as stored is
            # not re-sent. The ping's pong then marks the end of the replay.
            self._resend_pending()
            self._ping()
            self._replay_token = self._ping_token

    def _on_welcome(self, welcome: Welcome) -> None:
        self._connect_timer.stop()
        reconnect = self._had_session
        if welcome.last_id < self._last_seen:
            # A server whose history was wiped counts ids from 1 again: forget ours, or
            # every new message would look like a duplicate.
            self._last_seen = 0
        self._welcome = welcome
        self._own_key = name_key(welcome.name)
        self._floor = welcome.last_id
        self._had_session = True
        self._backoff.reset()
        self._just_welcomed = True
        self._set_state(ClientState.CONNECTED)
        self._idle_timer.start()
        self.users_reset.emit(list(welcome.users))
        self.connected.emit(welcome)
        if reconnect:
            self._replaying = True
            self._replay_count = 0
            self._replay_first = 0
            self.replay_started.emit()

    def _take_message(self, message: ChatMessage) -> None:
        if self._replaying and not message.history:
            self._flush_run()
            self._finish_replay()
        cid = message.cid
        acked = cid is not None and cid in self._pending and name_key(message.sender) == self._own_key
        if message.id > self._last_seen:
            self._last_seen = message.id
            if self._replaying:
                if not self._replay_first:
                    self._replay_first = message.id
                if name_key(message.sender) != self._own_key:
                    self._replay_count += 1
            self._run.append(message)
        if acked:
            assert cid is not None
            # The echo reaches the views before its state does, so a view can turn the
            # pending row into the stored message first.
            self._flush_run()
            out = self._pending.pop(cid)
            out.state = SendState.SENT
            self.send_state_changed.emit(cid, SendState.SENT.value, "")

    def _flush_run(self) -> None:
        if not self._run:
            return
        run, self._run = self._run, []
        self.messages_received.emit(run)
        if self.isSignalConnected(_PER_MESSAGE):
            for message in run:
                self.message_received.emit(message)

    def _take_event(self, message: ServerMessage) -> None:
        if self._replaying and not isinstance(message, Pong):
            self._finish_replay()
        if isinstance(message, Joined):
            self.user_joined.emit(message.name)
        elif isinstance(message, Left):
            self.user_left.emit(message.name, message.reason)
        elif isinstance(message, Notice):
            self.notice_received.emit(message.text)
        elif isinstance(message, Ping):
            if self._conn is not None:
                self._conn.send(Pong(message.token).to_dict())
        elif isinstance(message, Pong):
            self._on_pong(message)
        elif isinstance(message, Error):
            self._on_error(message)
        elif isinstance(message, Kicked):
            self._kicked_reason = message.reason
            self.kicked.emit(message.reason)
        elif isinstance(message, Shutdown):
            self._shutdown_reason = message.reason
            self.shutdown_received.emit(message.reason)
        # A second welcome is a server bug; nothing to do with it.

    def _on_pong(self, pong: Pong) -> None:
        if pong.token is None or pong.token != self._ping_token:
            return
        self._ping_token = None
        self._rtt = time.monotonic() - self._ping_sent_at
        self.rtt_measured.emit(self._rtt)
        if self._replaying and pong.token == self._replay_token:
            self._finish_replay()

    def _on_error(self, error: Error) -> None:
        if error.fatal:
            self._attempt_error = error
        out: Outgoing | None = None
        if error.cid is not None:
            out = self._pending.get(error.cid)
        elif error.error_code in _SAY_ERRORS:
            # An older server does not echo the cid: errors come in the order of the says.
            out = next((o for o in self._pending.values() if o.sent_on == self._generation), None)
        if out is None:
            self.error_received.emit(error.code, error.message)
            return
        self._fail(out, error.message or error.code)

    def _fail(self, out: Outgoing, reason: str) -> None:
        self._pending.pop(out.cid, None)
        out.state = SendState.FAILED
        out.reason = reason
        self._failed[out.cid] = out
        self.send_state_changed.emit(out.cid, SendState.FAILED.value, reason)

    def _finish_replay(self) -> None:
        if not self._replaying:
            return
        self._replaying = False
        self._replay_timer.stop()
        self._replay_token = None
        self.replay_finished.emit(self._replay_count, self._replay_first)

    # --- sending -------------------------------------------------------------------

    def _send_say(self, out: Outgoing) -> None:
        assert self._conn is not None
        out.sent_on = self._generation
        self._conn.send(Say(text=out.text, cid=out.cid, to=out.to).to_dict())

    def _resend_pending(self) -> None:
        for out in list(self._pending.values()):
            if self._conn is None or self._state is not ClientState.CONNECTED:
                return
            self._send_say(out)

    # --- liveness ------------------------------------------------------------------

    def _ping(self) -> None:
        if self._conn is None:
            return
        self._ping_token = uuid.uuid4().hex[:8]
        self._ping_sent_at = time.monotonic()
        self._conn.send(Ping(self._ping_token).to_dict())
        self._pong_timer.start()

    def _on_idle_timer_timeout(self) -> None:
        if self._state is ClientState.CONNECTED:
            self._ping()

    def _on_pong_timer_timeout(self) -> None:
        # No frame at all since our ping: the connection is dead even if TCP has not noticed.
        if self._conn is not None and self._state is ClientState.CONNECTED:
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
        was = self._state
        if self._user_quit:
            self._set_state(ClientState.DISCONNECTED)
            if was is ClientState.CONNECTED:
                self.disconnected.emit(DisconnectReason.QUIT.value)
            return
        if was is ClientState.CONNECTED:
            self._on_session_ended()
        else:
            self._on_attempt_failed()

    def _forget_connection(self) -> None:
        """Drop what belonged to the connection that just ended (timers, unread frames)."""
        for timer in (self._idle_timer, self._pong_timer, self._connect_timer, self._replay_timer):
            timer.stop()
        self._drain_timer.stop()
        self._run.clear()
        self._backlog.clear()
        self._just_welcomed = False
        self._replaying = False
        self._ping_token = None

    def _on_session_ended(self) -> None:
        if self._kicked_reason is not None:
            self._set_state(ClientState.DISCONNECTED)
            self.disconnected.emit(DisconnectReason.KICKED.value)
            return
        error = self._attempt_error
        if error is not None and error.code in FATAL_FOR_RETRY:
            self._set_state(ClientState.DISCONNECTED)
            self.disconnected.emit(DisconnectReason.ERROR.value)
            return
        if self._shutdown_reason is not None:
            reason = DisconnectReason.SHUTDOWN
        elif error is not None:
            reason = DisconnectReason.ERROR
        else:
            reason = DisconnectReason.LOST
        # The state leaves "connected" before anyone hears of the drop, so a say typed
        # in a slot of ``disconnected`` is queued, not written to a dead connection.
        self._set_state(ClientState.RECONNECTING)
        self.disconnected.emit(reason.value)
        self._schedule_reconnect()

    def _on_attempt_failed(self) -> None:
        assert self._request is not None
        error = self._attempt_error
        if error is not None:
            kind = error.code
            detail = error.message
        else:
            kind = (self._socket_failure or FailureKind.CLOSED).value
            detail = self._socket_detail
        message = describe_failure(
            kind,
            name=self._request.name,
            address=self._request.address,
            password_given=bool(self._request.password),
            detail=detail,
        )
        # A failed first attempt is for the user to fix (the dialog shows it). On a
        # reconnect "name taken" is most likely our own previous connection, which the
        # server has not timed out yet: waiting for it is what the user wants.
        retry = self._had_session and kind not in FATAL_FOR_RETRY
        self._set_state(ClientState.RECONNECTING if retry else ClientState.DISCONNECTED)
        self.attempt_failed.emit(kind, message)
        if retry:
            self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        delay = self._backoff.next_delay()
        self._reconnect_due = time.monotonic() + delay
        self._reconnect_timer.start(max(1, int(delay * 1000)))
        self._countdown_timer.start()
        self.reconnect_scheduled.emit(delay)
        self.reconnect_countdown.emit(math.ceil(delay))

    def _on_countdown_timer_timeout(self) -> None:
        remaining = self.reconnect_remaining
        if remaining > 0:
            self.reconnect_countdown.emit(math.ceil(remaining))

    def _on_reconnect_timer_timeout(self) -> None:
        self._countdown_timer.stop()
        if self._state is ClientState.RECONNECTING and self._request is not None:
            self._attempt()

    def _stop_reconnect(self) -> None:
        self._reconnect_timer.stop()
        self._countdown_timer.stop()

    def _set_state(self, state: ClientState) -> None:
        if state is self._state:
            return
        self._state = state
        self.state_changed.emit(state.value)


# From the class: QMetaMethod.fromSignal(self.message_received) keeps its instance alive.
_META = ClientController.staticMetaObject  # type: ignore[attr-defined]  # PySide's stubs omit it
_PER_MESSAGE: QMetaMethod = _META.method(_META.indexOfSignal("message_received(PyObject)"))
