"""The chat rules of PROTOCOL.md §2-§6 as a state machine: calls in, outputs out.

Delivery is batched per event-loop pass: what a pass accepts is stored in one
transaction (:meth:`ServerCore.flush`), then every client gets one write holding all
of the pass's frames for it. Each frame is encoded once; the sender's copy (which
carries its ``cid``) is the one variant.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import time
from collections.abc import Callable, Hashable

from chat_server_app.core.cids import CidMemory
from chat_server_app.core.frames import cid_of
from chat_server_app.core.gate import Gate
from chat_server_app.core.identity import Identities, address_of, owner_of
from chat_server_app.core.liveness import Liveness
from chat_server_app.core.orders import OperatorOrders
from chat_server_app.core.outbox import Delivery, Entry, common_bytes, spliced, stream_of
from chat_server_app.core.outputs import (
    Close,
    ErrorSent,
    MessagesPosted,
    Output,
    Send,
    StoreFailed,
    UserJoined,
    UserLeft,
)
from chat_server_app.core.posting import Posting
from chat_server_app.core.presence import Presence
from chat_server_app.core.ratelimit import AddressBuckets, TokenBucket
from chat_server_app.core.replay import Replays
from chat_server_app.core.rooms import Rooms
from chat_server_app.core.roster import Roster
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, StoredMessage, StoreError
from shared.codec import encode
from shared.errors import ErrorCode, ProtocolError
from shared.limits import ECHO_MAX_CHARS, PRESENCE_WINDOW
from shared.messages import (
    Bye,
    Error,
    Hello,
    Joined,
    Left,
    LeftReason,
    Ping,
    Pong,
    Say,
    Welcome,
    format_ts,
    parse_client_message,
)
from shared.quoting import quoted
from shared.validation import name_key, normalize_name

__all__ = ["ServerCore", "TRIM_AFTER_BYTES"]

TRIM_AFTER_BYTES = 32 * 1024 * 1024
"""Bytes sent since the last heap trim that make the next quiet moment trim again:
a burst of that size leaves enough freed buffers behind to be worth returning."""


class ServerCore(Posting, OperatorOrders):
    """Every rule of the protocol, for every session, with no I/O of its own."""

    def __init__(
        self,
        settings: Settings,
        store: HistoryStore,
        *,
        wall_clock: Callable[[], float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        # Looked up at each call by default, so that a test can set the clock.
        self._wall = wall_clock if wall_clock is not None else lambda: time.time()
        self._monotonic = monotonic
        self._outputs: list[Output] = []
        self.sessions: set[Session[Link]] = set()
        # Who is due for a deadline, oldest first: a tick reads the due ones only.
        self._liveness: Liveness[Session[Link]] = Liveness(
            settings.hello_timeout, settings.ping_after, settings.ping_timeout
        )
        self._replays = Replays(store, settings.send_queue)
        self._gate: Gate[Session[Link]] = Gate(
            settings.max_unregistered, settings.max_unregistered_per_address
        )
        self.identities = Identities(store, settings.ban, self._wall())
        for name in settings.release_name:
            self.identities.release(name)
        self.server_id = store.server_id()
        self._users: dict[str, Session[Link]] = {}
        self._roster = Roster()
        self._presence = Presence(PRESENCE_WINDOW)
        # Every hello spends one of its address's tokens, before its password is
        # checked: a loop of hello and bye cannot make joins faster than this.
        self._joins = AddressBuckets(settings.join_burst, settings.join_per_sec, monotonic)
        self.rooms = Rooms()
        self._next_id = store.last_id() + 1
        self._first_id = self._next_id
        self._unaccepted = 0
        self._pending: list[StoredMessage] = []
        self._outbox: list[Entry] = []
        # Ordered (dicts): the pass writes to them in the order they came.
        self._fresh: dict[Session[Link], None] = {}
        # Every registered session by its driver's sink, for the broadcast's tight loop.
        self.fanout: dict[Hashable, Session[Link]] = {}
        self._seqs = itertools.count(1)
        self._pass_clock: tuple[str, float] | None = None
        self._cids = CidMemory(store, self._wall, monotonic)
        # Bytes the bursts handed out since the last heap trim (the whole pass to every
        # client, welcomes with their replay), counted as they go out.
        self._burst_bytes = 0

    # --- what the driver reads ------------------------------------------------------

    def take_outputs(self) -> list[Output]:
        """What the calls so far left for the driver, in order; taken once."""
        outputs, self._outputs = self._outputs, []
        return outputs

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
                self._reject(session, exc.code, exc.message, cid=cid_of(obj))
                continue
            if isinstance(message, Say):
                self._on_say(session, message)
            elif isinstance(message, Ping):
                self._send(session, Pong(message.token).to_dict())
            elif isinstance(message, Pong):
                self._on_pong(session, message, now)
            elif isinstance(message, Bye):
                self._drop(session, LeftReason.QUIT)

    def protocol_error(self, session: Session[Link], code: ErrorCode, message: str) -> None:
        """The peer broke the framing: one ``error``, then the connection closes."""
        self._reject(session, code, message, fatal=True)

    # --- registration -------------------------------------------------------------------

    def _greet(self, session: Session[Link], obj: dict[str, object], now: float) -> None:
        if obj.get("type") != "hello":
            got = quoted(obj.get("type"), ECHO_MAX_CHARS)
            self._reject(session, ErrorCode.PROTOCOL_ERROR, f"expected hello, got {got}")
            return
        if not self._joins.take(address_of(session.address)):
            message = "too many connections from your address: try again in a few seconds"
            self._reject(session, ErrorCode.RATE_LIMITED, message, fatal=True)
            return
        try:
            hello = Hello.from_dict(obj)
        except ProtocolError as exc:
            self._reject(session, exc.code, exc.message)
            return
        password = self.settings.password
        if password is not None and (
            hello.password is None or not hmac.compare_digest(hello.password.encode(), password.encode())
        ):
            _, delay = self._gate.wrong_password(address_of(session.address), now)
            self._gate.hold(session, now + delay)
            self._liveness.forget(session)  # the hold ends it, within PENALTY_MAX
            return
        if password is not None:
            self._gate.right_password(address_of(session.address))
        key = name_key(hello.name)
        owner = owner_of(hello.token)
        refusal = self.identities.refusal(key, owner, session.address, self._wall())
        if refusal is not None:
            code = ErrorCode.BANNED if refusal.banned else ErrorCode.NAME_RESERVED
            self._reject(session, code, refusal.message, until=refusal.until)
            return
        if key in self._users:
            self._reject(session, ErrorCode.NAME_TAKEN, f"the name {quoted(hello.name)} is taken")
            return
        self._register(session, hello, key, owner)

    def _register(self, session: Session[Link], hello: Hello, key: str, owner: str | None) -> None:
        # Where the replay starts, before anything is promised: a history that cannot
        # be read answers server_error, never a welcome with a silent gap (§8.2).
        since = hello.since
        if hello.server_id is not None and hello.server_id != self.server_id:
            # The since counts ids of another history (this one was wiped, or is another
            # server's): of this one the client has seen nothing, and a since would skip
            # as many of its messages without a word.
            since = None
        count = self.settings.history_on_join if since is None else self.settings.replay_max
        try:
            after, truncated = self.store.replay_start(-1 if since is None else since, owner, count)
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))
            self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot read its history", fatal=True)
            return
        try:
            self.identities.claim(key, hello.name, owner, self._wall())
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))  # reserved until the server stops
        held = self._presence.take_held(key)
        if held is not None and held.name != hello.name:
            # Another spelling: the others are shown the old one leaving, before the
            # newcomer's seq, so that the newcomer is not.
            self._show_left(held.name, held.reason)
            held = None
        self._presence.joined(key, self._monotonic(), returned=held is not None)
        session.name = hello.name
        session.key = key
        session.owner = owner
        session.state = SessionState.REGISTERED
        self._leave_gate(session)
        session.registered_seq = next(self._seqs)
        self._users[key] = session
        self.fanout[session.sink] = session
        self._liveness.registered(session, session.last_heard)
        self._roster.add(hello.name)
        last_id = self.store.last_id()
        head = Welcome(
            hello.name,
            (),
            self.settings.display_name,
            self.settings.motd,
            last_id,
            server_id=self.server_id,
            # Without since, the last history_on_join are what was asked for.
            replay_truncated=truncated and since is not None,
            operator_reads_private=self.settings.operator_reads_private,
            rate_burst=self.settings.rate_burst,
            rate_per_sec=float(self.settings.rate_per_sec),
        )
        # The sorted list comes ready-made, encoded: at 10 000 users it is most of it.
        welcome = head.frame_with_users(self._roster.json())
        self._outputs.append(Send(session, welcome))
        self._burst_bytes += len(welcome)
        if count > 0 and after < last_id:
            self._replays.start(session, after, last_id, owner)
        if held is None:  # else the others never saw them leave
            ts, _ = self._clock()
            joined = encode(Joined(hello.name, ts).to_dict())
            self._outbox.append(Entry(joined, next(self._seqs), {session: b""}, presence=True))
        self._fresh[session] = None
        self._outputs.append(UserJoined(session))

    def _on_pong(self, session: Session[Link], pong: Pong, now: float) -> None:
        if session.ping_token is not None and pong.token == session.ping_token:
            session.rtt = now - session.ping_sent_at
            session.ping_token = None

    # --- errors and leaving ---------------------------------------------------------------

    def _send(self, session: Session[Link], message: dict[str, object]) -> None:
        """A reply to one session (a pong, an error, a ping): like a broadcast, it
        counts against the send queue, or a client that sends and never reads would
        have the server buffer its answers without end."""
        data = encode(message)
        if session in self._replays:
            # Behind the replay: the client reads the pong to its ping as its end.
            if not self._replays.hold(session, data):
                self._drop(session, LeftReason.SEND_QUEUE, abort=True)
            return
        if session.conn.bytes_to_write + len(data) > self.settings.send_queue:
            self._drop(session, LeftReason.SEND_QUEUE, abort=True)
            return
        self._outputs.append(Send(session, data))

    def _reject(
        self,
        session: Session[Link],
        code: ErrorCode,
        message: str,
        *,
        cid: str | None = None,
        fatal: bool | None = None,
        until: str | None = None,
    ) -> None:
        if session.state is SessionState.CLOSED:
            return
        is_fatal = ProtocolError(code, message).fatal if fatal is None else fatal
        if is_fatal:
            self._replays.cancel(session)  # the error goes out now, and the connection ends
        self._send(session, Error(code.value, message, is_fatal, cid, until).to_dict())
        self._outputs.append(ErrorSent(session, code.value, message))
        if is_fatal:
            self._drop(session, LeftReason.DISCONNECTED)

    def _drop(self, session: Session[Link], reason: LeftReason | None, *, abort: bool = False) -> None:
        """Forget a session and close its connection; registered users get a ``left``.

        ``reason`` ``None`` means no ``left`` is sent (the server is stopping).
        """
        if session.state is SessionState.CLOSED:
            return
        was_registered = session.state is SessionState.REGISTERED
        session.state = SessionState.CLOSED
        self._leave_gate(session)
        self._gate.forget(session)
        self._liveness.forget(session)
        self._replays.cancel(session)
        self._fresh.pop(session, None)
        if was_registered and self._users.get(session.key) is session:
            del self._users[session.key]
            del self.fanout[session.sink]
            # A held left keeps the name in the roster until it is shown.
            if not self._presence.left(session.key, session.name, reason, self._monotonic()):
                if reason is None:
                    self._roster.remove(session.name)
                else:
                    self._show_left(session.name, reason)
            if reason is not None:
                self._outputs.append(UserLeft(session, reason))
        self._outputs.append(Close(session, abort))

    def _leave_gate(self, session: Session[Link]) -> None:
        if session.gated:
            session.gated = False
            self._gate.leave(address_of(session.address))

    def _show_left(self, name: str, reason: LeftReason) -> None:
        """Tell the others that ``name`` left (now, or at the end of its held window)."""
        self._roster.remove(name)
        ts, _ = self._clock()
        left = encode(Left(name, ts, reason.value).to_dict())
        self._outbox.append(Entry(left, next(self._seqs), presence=True))

    # --- delivery ---------------------------------------------------------------------------

    def _clock(self) -> tuple[str, float]:
        """The pass's timestamp: formatted once per pass, not once per message."""
        if self._pass_clock is None:
            epoch = self._wall()
            self._pass_clock = (format_ts(epoch), epoch)
        return self._pass_clock

    def flush(self) -> Delivery | None:
        """Store the pass's messages in one transaction; what each client gets of the pass."""
        self._pass_clock = None
        batch, self._pending = self._pending, []
        entries, self._outbox = self._outbox, []
        if batch:
            try:
                self.store.append(batch)
            except StoreError as exc:
                entries = self._unaccept(batch, entries, str(exc))
            else:
                self._outputs.append(MessagesPosted(batch))
        fresh, self._fresh = self._fresh, {}
        if not entries:
            self._pump_replays()
            return None
        common, offsets, own = common_bytes(entries)
        fanout = self.fanout
        self._burst_bytes += len(common) * len(fanout)
        skip: set[Hashable] = set()
        writes: list[tuple[Session[Link], bytes]] = []
        for session in self._replays.sessions:
            skip.add(session.sink)
            if not self._replays.hold(session, stream_of(session, entries)):
                self._drop(session, LeftReason.SEND_QUEUE, abort=True)
        for session in {**fresh, **own}:
            if fanout.get(session.sink) is not session or session.sink in skip:
                continue  # gone during the pass, or replaying
            skip.add(session.sink)
            if self.keeps_up(session):
                if session in fresh:
                    data = stream_of(session, entries)
                else:
                    # Registered before every entry of the pass: the common bytes
                    # with its own few spliced in.
                    data = spliced(common, entries, offsets, own[session], session)
                writes.append((session, data))
        self._pump_replays()
        return Delivery(writes, common, list(fanout), skip)

    def _pump_replays(self) -> None:
        def send(session: Session[Link], data: bytes) -> None:
            self._burst_bytes += len(data)
            self._outputs.append(Send(session, data))

        def failed(session: Session[Link], reason: str) -> None:
            self._outputs.append(StoreFailed(reason))
            self._reject(session, ErrorCode.SERVER_ERROR, "the server cannot read its history", fatal=True)

        if self._replays:
            self._replays.pump(send, failed)

    def keeps_up(self, session: Session[Link]) -> bool:
        """Whether a reader keeps up with its send queue; one too far behind is dropped."""
        # What is still queued from earlier passes decides: one busy pass may be
        # larger than the limit without the reader being slow.
        if session.conn.bytes_to_write > self.settings.send_queue:
            self._drop(session, LeftReason.SEND_QUEUE, abort=True)
            return False
        return True

    def _unaccept(self, batch: list[StoredMessage], entries: list[Entry], reason: str) -> list[Entry]:
        """The history cannot be written: nothing of the batch may be shown to anyone.

        Broadcasting unstored messages would break §6 (stored before broadcast) and,
        after a restart, hand their ids out again. Senders are told, per ``cid``.
        """
        self._outputs.append(StoreFailed(reason))
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

    # --- deadlines ----------------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Hello and liveness deadlines."""
        for session in self._gate.due(now):
            self._reject(session, ErrorCode.AUTH_FAILED, "wrong password")
        for held in self._presence.due(now):
            self._show_left(held.name, held.reason)
        self._joins.prune()
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
