"""The client's Qt side: one connection, its timers, and the signals the windows hear.

:class:`ClientController` owns the client's :class:`~chat_client_app.server_link.ServerLink`
(its connection) and drives a :class:`~chat_client_app.session.ClientSession`, where the
rules of PROTOCOL.md live (its docstring has the state machine and the delivery
guarantees): it feeds the session what the socket and the timers say, writes what it
answers and turns its events into signals (:mod:`~chat_client_app.controller_news`). It
has no widgets: windows and dialogs connect to its signals.

Another server is tried beside the current connection
(:class:`~chat_client_app.server_switch.ServerSwitch`, :meth:`ClientController.switch_to`):
the controller leaves the old server only once the new one has welcomed the user.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, SignalInstance, Slot

from chat_client_app.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from chat_client_app.clocks import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_IDLE_PING,
    DEFAULT_PING_TIMEOUT,
    ConnectionClocks,
)
from chat_client_app.controller_news import ControllerNews
from chat_client_app.drain import FrameDrain
from chat_client_app.failures import describe_attempt
from chat_client_app.recent_servers import memory_folder, open_settings
from chat_client_app.reconnect_clock import ReconnectClock
from chat_client_app.rooms_controller import RoomsController
from chat_client_app.server_link import CLIENT_READ_PER_PASS, ServerLink
from chat_client_app.server_memory import ServerMemory
from chat_client_app.server_switch import ServerSwitch
from chat_client_app.session import (
    ClientSession,
    ClientState,
    ConnectRequest,
    DisconnectReason,
    FailureKind,
    Outgoing,
    Output,
    SendState,
    same_place,
)
from chat_client_app.session import events as ev
from chat_client_app.session.state import Chat
from chat_client_app.transport_probe import TransportCheck
from chat_client_app.trust import TlsProblem, TrustStore
from shared.messages import Bye, Ping, ServerMessage, Welcome
from shared.search_messages import SEARCH_QUERY_MAX_CHARS, Search
from shared.validation import GENERAL

__all__ = [
    "Chat", "ClientController", "ClientState", "SendState", "ConnectRequest", "Outgoing", "DisconnectReason",
    "DEFAULT_IDLE_PING", "DEFAULT_PING_TIMEOUT", "CLIENT_READ_PER_PASS", "DEFAULT_CONNECT_TIMEOUT"
]  # fmt: skip


class ClientController(ControllerNews):
    """The Qt driver of one chat client's :class:`~chat_client_app.session.ClientSession`.

    Every timing is a constructor parameter so tests can use fractions of a second.
    """

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
        self._conn: ServerLink | None = None
        self._connect_timeout = connect_timeout
        self._switch: ServerSwitch | None = None  # another server, tried while this one stays
        self._quitting = False  # the user left: the end of the connection needs no explaining
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
        self.cancel_switch()
        self._leave_server()
        self._take_request(request)
        self._attempt()

    def switch_to(self, request: ConnectRequest) -> ServerSwitch | None:
        """Connect to another server, staying on this one until that one's welcome.

        The current conversation goes on while the new server is tried; its welcome
        ends the old connection with a ``bye`` and carries on as :meth:`connect_to`
        would; a failure is the switch's ``failed`` and changes nothing here. With
        nothing to stay on (no server yet, or this very one again), it is
        :meth:`connect_to`, and ``None``.
        """
        self.cancel_switch()
        current = self._session.request
        if current is None or same_place(current, request):
            self.connect_to(request)
            return None
        token = self._memory.token(request.host, request.port)
        switch = ServerSwitch(
            request, token=token, trust=self._trust, connect_timeout=self._connect_timeout, parent=self
        )
        switch.welcomed.connect(self._on_switch_welcomed)
        self._switch = switch
        switch.start()
        return switch

    def cancel_switch(self) -> None:
        """Give up the server being tried (if any); the current one was never left."""
        switch, self._switch = self._switch, None
        if switch is not None:
            switch.cancel()

    def _on_switch_welcomed(
        self, request: ConnectRequest, link: ServerLink, frames: list[dict[str, object]]
    ) -> None:
        self._switch = None
        self._leave_server()
        self._take_request(request)
        link.setParent(self)
        self._use(link)
        self._act(self._session.begin_attempt(hello_sent=True))
        self._clocks.attempt_started()
        self._on_link_frames_received(frames)  # the welcome first

    def _leave_server(self) -> None:
        """End the current connection, with a ``bye`` if registered, unheard from now on."""
        old, self._conn = self._conn, None
        if old is not None:
            if old.is_open:
                for bye in self._session.bye():
                    assert isinstance(bye, Bye)
                    old.send(bye.to_dict())
            old.forsake()
        self._stop_reconnect()
        self._forget_connection()

    def _take_request(self, request: ConnectRequest) -> None:
        left = self.tr("you left that server before it was sent")
        previous = self._session.request
        token = self._memory.token(request.host, request.port)
        server_id = self._memory.server_id(request.host, request.port)
        outputs = self._session.connect_to(request, left_reason=left, token=token, server_id=server_id)
        if previous is not None and outputs:
            self._memory.keep_pending(previous, [])  # failed there, in words: not sent later
        # What an earlier run left unsent here, before anything typed since.
        self._act(outputs + self._session.restore(self._memory.pending_for(request)))

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
        self.cancel_switch()
        self._stop_reconnect()
        self._quitting = True
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
        link = ServerLink(request, self._trust, self)
        self._use(link)
        self._act(self._session.begin_attempt())
        self._clocks.attempt_started()
        link.open()

    def _use(self, link: ServerLink) -> None:
        self._tls_problem = None
        self._quitting = False
        self._conn = link
        wiring: list[tuple[SignalInstance, Callable[..., None]]] = [
            (link.opened, self._on_link_opened),
            (link.frames_received, self._on_link_frames_received),
            (link.failed, self._on_link_failed),
            (link.ended, self._on_link_ended),
        ]
        for signal, slot in wiring:
            signal.connect(slot)

    def _on_link_opened(self) -> None:
        self._act(self._session.connection_made())

    def _on_clocks_welcome_overdue(self) -> None:
        if self._conn is not None and self._session.connect_timed_out():
            self._conn.abort()

    def _on_link_failed(self, kind: FailureKind, detail: str) -> None:
        if self._conn is not None and self._session.socket_failure is None:  # a timeout's abort: no news
            self._tls_problem = self._conn.tls_problem
            self._session.socket_failed(kind, detail)

    @property
    def tls_problem(self) -> TlsProblem | None:
        """Why the last TLS handshake was refused, with the fingerprints to show."""
        return self._tls_problem

    def trust_certificate(self, fingerprint: str) -> None:
        """The user accepted ``fingerprint`` for the current server: pin it."""
        request = self._session.request
        assert request is not None
        self._trust.pin(request.host, request.port, fingerprint)

    # --- receiving -----------------------------------------------------------------

    def _on_link_frames_received(self, objects: list[dict[str, object]]) -> None:
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
        """For each kind of event of the session, how it is told (and acted on)."""
        return {
            **self._plain_tellers(),
            ev.StateChanged: self._tell_state,
            ev.Connected: self._tell_connected,
            ev.ReplayFinished: self._tell_replay_finished,
            ev.AttemptFailed: self._tell_attempt_failed,
            ev.ReconnectScheduled: lambda e: self._schedule_reconnect(e.delay),
            ev.SendPaused: lambda e: self._clocks.send_later(e.delay),
            **self.rooms.tellers(),
        }

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

    def _on_link_ended(self) -> None:
        # What arrived before the end is shown before the end is.
        self._drain.finish()
        link, self._conn = self._conn, None
        self._forget_connection()
        session = self._session
        request = session.request
        if (
            link is None
            or request is None
            or self._quitting
            or not self._check.start(request, session.state, session.socket_failure, link.bytes_received)
        ):  # TLS mismatch?
            self._act(session.connection_lost(time.monotonic()))

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
