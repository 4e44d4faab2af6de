"""The client's protocol rules as a pure state machine (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable

from chat_client_app.backoff import Backoff
from chat_client_app.session.ending import Ending
from chat_client_app.session.events import (
    Connected,
    Disconnected,
    HistoryReset,
    KickReceived,
    MessageQueued,
    MessagesReceived,
    Output,
    ReconnectScheduled,
    RoomsChanged,
    RttMeasured,
    SendStateChanged,
    ShutdownReceived,
    StateChanged,
    UsersReset,
)
from chat_client_app.session.history import History
from chat_client_app.session.ids import new_cid, new_ping_token
from chat_client_app.session.lookups import LOOKUP_FRAMES, Lookups
from chat_client_app.session.outbox import Outbox
from chat_client_app.session.places import ROOM_FRAMES, Places
from chat_client_app.session.replay import Replay
from chat_client_app.session.state import (
    ClientState,
    ConnectRequest,
    DisconnectReason,
    FailureKind,
    Outgoing,
    SendState,
    same_place,
)
from shared.messages import (
    Bye,
    ChatMessage,
    Error,
    Hello,
    Kicked,
    Notice,
    Ping,
    Pong,
    ServerMessage,
    Shutdown,
    Welcome,
)
from shared.validation import GENERAL, name_key

__all__ = ["ClientSession"]


class ClientSession:
    """What one client knows of its conversation with one server, and what it answers.

    Every method returns the list of :data:`~chat_client_app.session.events.Output` to
    act on, in order: message objects to write on the current connection and events to
    tell. Times are arguments (``now``, seconds of the caller's clock), ids come from
    ``new_cid`` / ``new_token``, delays from ``backoff``: the same calls give the same
    answers.
    """

    def __init__(
        self,
        *,
        backoff: Backoff | None = None,
        new_cid: Callable[[], str] = new_cid,
        new_token: Callable[[], str] = new_ping_token,
        stable_after: float | None = None,
    ) -> None:
        self._backoff = backoff if backoff is not None else Backoff()
        # A session ending sooner after its welcome is no success: a server that welcomes
        # and drops at once gets the growing waits of one that refuses (at most once per cap).
        self._stable_after = stable_after if stable_after is not None else self._backoff.cap
        self._welcomed_at = 0.0
        self._new_cid = new_cid
        self._new_token = new_token
        self._state = ClientState.DISCONNECTED
        self._request: ConnectRequest | None = None
        self._token: str | None = None  # the secret that owns our name on this server
        self._generation = 0
        self._welcome: Welcome | None = None
        self._own_key = ""
        self._had_session = False  # a welcome arrived since connect_to: drops reconnect
        self._user_quit = False
        self._history = History()
        self._outbox = Outbox()
        self._ending = Ending()
        self._ping_token: str | None = None
        self._ping_sent_at = 0.0
        self._rtt: float | None = None
        self._replay = Replay()
        self._places = Places()
        self._run: list[ChatMessage] = []
        self._just_welcomed = False
        self.lookups = Lookups(new_cid)  # searches and pages of history: ask through it

    # --- what the driver reads -------------------------------------------------------

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
    def last_seen(self) -> int:
        return self._history.last_seen

    @property
    def floor(self) -> int:
        return self._history.floor

    @property
    def since(self) -> int | None:
        """The ``since`` of the next hello: none on a first connection."""
        if not self._had_session:
            return None
        return self._history.since

    @property
    def pending(self) -> list[Outgoing]:
        """Says waiting for their echo, oldest first."""
        return self._outbox.pending

    @property
    def places(self) -> Places:
        """Rooms, members, presence and typing: read them, and ask through them (with
        ``connected=``:attr:`connected`) to join, part, list rooms, set a status, type."""
        return self._places

    @property
    def connected(self) -> bool:
        return self._state is ClientState.CONNECTED

    @property
    def rtt(self) -> float | None:
        return self._rtt

    @property
    def replaying(self) -> bool:
        return self._replay.active

    @property
    def socket_failure(self) -> FailureKind | None:
        """How the current connection failed below the protocol, once known."""
        return self._ending.socket_failure

    # --- what the user asks ----------------------------------------------------------

    def connect_to(
        self, request: ConnectRequest, *, left_reason: str, token: str | None = None, server_id: str = ""
    ) -> list[Output]:
        """Take ``request`` as the place to be; the driver has ended any connection first.

        ``token`` is this client's secret for that server (§8.1), sent in every hello;
        ``server_id`` the one of its last welcome, as remembered from an earlier run.

        Another place fails what was pending (with ``left_reason``) and forgets the
        conversation; the same place keeps both, so the next welcome continues it.
        """
        outputs: list[Output] = []
        previous = self._request
        if previous is None or not same_place(previous, request):
            if previous is not None:
                outputs += self._outbox.fail_all(left_reason)
            self._welcome = None
            self._had_session = False
            self._history.forget(server_id)
            if previous is not None:
                self._places = Places()
                outputs.append(RoomsChanged(self._places.rooms))
        self._request = request
        self._token = token
        self._backoff.reset()
        return outputs

    def say(
        self,
        text: str,
        to: str | None = None,
        *,
        now: float,
        typed_at: float | None = None,
        room: str = GENERAL,
    ) -> tuple[Outgoing, list[Output]]:
        """Queue a say to ``room`` (or privately ``to``) typed at ``typed_at`` (wall clock,
        default ``now``); it is written as soon as the connection is up, its replay over
        and the pace allows. It keeps its room until it is settled."""
        out = Outgoing(
            cid=self._new_cid(), text=text, to=to, queued_at=now if typed_at is None else typed_at, room=room
        )
        self._outbox.add(out)
        self._places.typists.told_message(out.chat)
        return out, [MessageQueued(out), *self.pump(now)]

    def restore(self, saved: list[Outgoing]) -> list[Output]:
        """Says pending when the app last ended, with their cids: queued again (first)."""
        known = {out.cid for out in self._outbox.pending}
        fresh = [out for out in saved if out.cid not in known]
        self._outbox.restore(fresh)
        return [MessageQueued(out) for out in fresh]

    def discard(self) -> list[Output]:
        """Forget every pending say: the user chose not to send them."""
        return [SendStateChanged(cid, SendState.FAILED, "") for cid in self._outbox.discard()]

    def retry(self, cid: str, *, now: float) -> list[Output]:
        """Make a failed say pending again with its ``cid``; nothing when there is no such say."""
        if self._outbox.revive(cid) is None:
            return []
        return [SendStateChanged(cid, SendState.PENDING), *self.pump(now)]

    def pump(self, now: float) -> list[Output]:
        """Write the pending says that may go now; :class:`SendPaused` when some must wait.

        Nothing is written before the replay after a welcome is over: a say it shows as
        stored is acknowledged by it, not sent twice (§6, §8.2).
        """
        return self._outbox.due(now, self._generation)

    def may_retry_now(self) -> bool:
        """Whether the user can skip the countdown (or reconnect after a kick or a failure)."""
        return self._request is not None and self._state in (
            ClientState.DISCONNECTED,
            ClientState.RECONNECTING,
        )

    def bye(self) -> list[Output]:
        """A ``bye`` when the server may have registered us: our hello went first on the
        same stream, so even while registering the server reads it after the hello."""
        if self._state in (ClientState.REGISTERING, ClientState.CONNECTED):
            return [Bye("quit")]
        return []

    def quit(self, *, has_connection: bool) -> list[Output]:
        """Leave, never to reconnect by itself; with a connection: the ``bye`` to close it with."""
        self._user_quit = True
        if not has_connection:
            return self._set_state(ClientState.DISCONNECTED)
        return self.bye()

    # --- one connection ----------------------------------------------------------------

    def begin_attempt(self, *, hello_sent: bool = False) -> list[Output]:
        """A new connection for the current request (``hello_sent``: a Trial's, welcome next)."""
        assert self._request is not None
        self._user_quit = False
        self._ending.reset()
        self._generation += 1
        return self._set_state(ClientState.REGISTERING if hello_sent else ClientState.CONNECTING)

    def connection_made(self) -> list[Output]:
        """The socket is up: register."""
        request = self._request
        assert request is not None
        since = self.since
        # The since counts ids of the history named by the last welcome: a server that
        # started over ignores it rather than skip as many of its new messages.
        server_id = (self._history.server_id or None) if since is not None else None
        hello = Hello(
            name=request.name, password=request.password, since=since, token=self._token, server_id=server_id
        )
        # The hello goes out before anyone hears "registering": a slot that quits on
        # that signal then says bye after it, on the same stream.
        return [hello, *self._set_state(ClientState.REGISTERING)]

    def socket_failed(self, kind: FailureKind, detail: str = "") -> None:
        """What went wrong under the protocol; the connection is about to end."""
        self._ending.socket_failure = kind
        self._ending.socket_detail = detail

    def connect_timed_out(self) -> bool:
        """No welcome in time: whether that ends the connection (it does until connected)."""
        if self._state not in (ClientState.CONNECTING, ClientState.REGISTERING):
            return False
        self.socket_failed(FailureKind.TIMEOUT)
        return True

    def ping_timed_out(self) -> bool:
        """No frame at all since our ping: dead even if TCP has not noticed, when connected."""
        return self._state is ClientState.CONNECTED

    def idle(self, now: float) -> list[Output]:
        """The server has been quiet for a while: ping it (when connected)."""
        if self._state is not ClientState.CONNECTED:
            return []
        return [self._ping(now)]

    def receive(self, message: ServerMessage, now: float) -> list[Output]:
        """React to one message from the server, received at ``now`` (monotonic).

        Consecutive chat messages are kept as one run, told before whatever follows
        them or when the driver calls :meth:`flush`.
        """
        if self._state is ClientState.REGISTERING:
            if isinstance(message, Welcome):
                return self._on_welcome(message, now)
            if isinstance(message, Error):
                self._ending.error = message
            return []
        if isinstance(message, ChatMessage):
            return self._take_message(message, now)
        return [*self.flush(), *self._take_event(message, now)]

    def flush(self) -> list[Output]:
        """The run of chat messages received since the last other output, if any."""
        if not self._run:
            return []
        run, self._run = tuple(self._run), []
        return [MessagesReceived(run)]

    def caught_up(self, now: float) -> list[Output]:
        """Everything received so far is handled.

        Right after a welcome, the first read of its replay is in: the ping written now
        is answered after every replayed frame, so its pong marks the replay's end, and
        the pending says are written then (:meth:`pump`).
        """
        if not self._just_welcomed or self._state is not ClientState.CONNECTED:
            return []
        self._just_welcomed = False
        ping = self._ping(now)
        self._replay.token = ping.token
        return [ping]

    def replay_quiet(self, now: float) -> list[Output]:
        """No pong came to mark the end of the replay (an older server): quiet is the end."""
        return self._end_replay(now)

    def forget_connection(self) -> None:
        """Drop what belonged to the connection that just ended."""
        self._run.clear()
        self._just_welcomed = False
        self._outbox.open = False
        self._replay.drop()
        self._ping_token = None

    def connection_lost(self, now: float) -> list[Output]:
        """The connection ended at ``now`` (monotonic): what that means, and whether to come back."""
        self.forget_connection()
        was = self._state
        if self._user_quit:
            outputs = self._set_state(ClientState.DISCONNECTED)
            if was is ClientState.CONNECTED:
                outputs.append(Disconnected(DisconnectReason.QUIT))
            return outputs
        if was is ClientState.CONNECTED:
            return self._session_ended(now)
        return self._attempt_failed()

    # --- receiving -----------------------------------------------------------------

    def _on_welcome(self, welcome: Welcome, now: float) -> list[Output]:
        reconnect = self._had_session
        reset = self._history.welcomed(welcome)
        self._welcome = welcome
        self._own_key = name_key(welcome.name)
        self._had_session = True
        self._welcomed_at = now  # the backoff starts over only if this session lasts
        self._just_welcomed = True
        self._outbox.welcomed(welcome)
        outputs = self._set_state(ClientState.CONNECTED)
        outputs += [UsersReset(tuple(welcome.users)), Connected(welcome)]
        if reset:
            outputs.append(HistoryReset(welcome.server_id))
        # Every welcome has a replay to wait for (history_on_join too); the views hear of
        # it only after a reconnect, as "missed while you were away".
        outputs += self._replay.start(announce=reconnect)
        # Without a token the server forgets our rooms with us: we join them again.
        return outputs + self._places.welcomed(welcome, restores=self._token is not None)

    def _take_message(self, message: ChatMessage, now: float) -> list[Output]:
        outputs: list[Output] = []
        if self._replay.active and not message.history:
            outputs += self.flush()
            outputs += self._end_replay(now)
        cid = message.cid
        # name_key only when needed: a burst is thousands of messages.
        acked = cid is not None and self._outbox.is_pending(cid) and name_key(message.sender) == self._own_key
        if self._history.is_new(message.id) or self._places.past(message):
            if self._replay.active:
                self._replay.saw(message.id, from_others=name_key(message.sender) != self._own_key)
            self._run.append(message)
            stopped = self._places.spoke(message)
            if stopped:
                outputs += [*self.flush(), *stopped]
        if acked:
            assert cid is not None
            # The echo reaches the views before its state does, so a view can turn the
            # pending row into the stored message first.
            outputs += self.flush()
            outputs.append(self._outbox.acknowledge(cid))
        return outputs

    def _take_event(self, message: ServerMessage, now: float) -> list[Output]:
        outputs: list[Output] = []
        if self._replay.active and not isinstance(message, Pong) and not self._places.before_replay(message):
            outputs += self._end_replay(now)
        if isinstance(message, ROOM_FRAMES):
            outputs += self._places.receive(message, now)
        elif isinstance(message, LOOKUP_FRAMES):
            outputs += self.lookups.receive(message, self._own_key)
        elif isinstance(message, Notice):
            outputs += self._places.noticed(message)
        elif isinstance(message, Ping):
            outputs.append(Pong(message.token))
        elif isinstance(message, Pong):
            outputs += self._on_pong(message, now)
        elif isinstance(message, Error):
            outputs += self._on_error(message, now)
        elif isinstance(message, Kicked):
            self._ending.kicked = message.reason
            outputs.append(KickReceived(message.reason))
        elif isinstance(message, Shutdown):
            self._ending.shutdown = message.reason
            outputs.append(ShutdownReceived(message.reason))
        # A second welcome is a server bug; nothing to do with it.
        return outputs

    def _on_pong(self, pong: Pong, now: float) -> list[Output]:
        if pong.token is None or pong.token != self._ping_token:
            return []
        self._ping_token = None
        self._rtt = now - self._ping_sent_at
        outputs: list[Output] = [RttMeasured(self._rtt)]
        if self._replay.ends_with(pong.token):
            outputs += self._end_replay(now)
        return outputs

    def _on_error(self, error: Error, now: float) -> list[Output]:
        if error.fatal:
            self._ending.error = error
        return self._outbox.on_error(error, self._generation, now)

    def _end_replay(self, now: float) -> list[Output]:
        outputs = self._replay.end()
        self._outbox.open = self._state is ClientState.CONNECTED
        if self._outbox.open:
            outputs += self._places.restored()
        return outputs + self.pump(now)

    # --- sending -------------------------------------------------------------------

    def _ping(self, now: float) -> Ping:
        self._ping_token = self._new_token()
        self._ping_sent_at = now
        return Ping(self._ping_token)

    # --- ending --------------------------------------------------------------------

    def _session_ended(self, now: float) -> list[Output]:
        state, why = self._ending.of_session()
        if now - self._welcomed_at >= self._stable_after:
            self._backoff.reset()
        # The state leaves "connected" before anyone hears of the drop, so a say typed
        # in a slot of ``disconnected`` is queued, not written to a dead connection.
        outputs: list[Output] = [*self._set_state(state), why]
        if state is ClientState.RECONNECTING:
            outputs.append(ReconnectScheduled(self._backoff.next_delay()))
        return outputs

    def _attempt_failed(self) -> list[Output]:
        state, failed = self._ending.of_attempt(had_session=self._had_session)
        outputs: list[Output] = [*self._set_state(state), failed]
        if state is ClientState.RECONNECTING:
            outputs.append(ReconnectScheduled(self._backoff.next_delay()))
        return outputs

    def _set_state(self, state: ClientState) -> list[Output]:
        if state is self._state:
            return []
        self._state = state
        return [StateChanged(state)]
