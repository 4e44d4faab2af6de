"""The state every part of the server's rules shares, and the few moves they all
make: reply to one session, refuse with an ``error``, drop a session, the pass's clock.

:class:`~chat_server_app.core.server.ServerCore` is this state with its parts
(registration, posting, delivery, rooms, the operator's orders) mixed in, each in a
module of its own; each part subclasses :class:`CoreState`, so it reads the shared
state and calls these moves as its own, without restating their signatures.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Hashable

from chat_server_app.core.cids import CidMemory
from chat_server_app.core.gate import Gate
from chat_server_app.core.identity import Identities, address_of
from chat_server_app.core.liveness import Liveness
from chat_server_app.core.lookups import InlineLookups, Lookups
from chat_server_app.core.outbox import Entry, Move
from chat_server_app.core.outputs import Close, ErrorSent, Output, RoomsChanged, Send, StoreFailed, UserLeft
from chat_server_app.core.presence import Presence
from chat_server_app.core.ratelimit import AddressBuckets
from chat_server_app.core.replay import Replays
from chat_server_app.core.rooms import Room, Rooms
from chat_server_app.core.roster import Roster
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.core.transfers import Transfers
from chat_server_app.settings import Settings
from chat_server_app.store import HistoryStore, StoredMessage, StoreError
from chat_server_app.store.file_vault import FileRecord, FileVault
from shared.codec import encode
from shared.errors import ErrorCode, ProtocolError
from shared.file_messages import FileInfo
from shared.limits import PRESENCE_WINDOW
from shared.messages import Error, Left, LeftReason, format_ts
from shared.validation import name_key, normalize_name

__all__ = ["CoreState", "file_info"]


class CoreState:
    """The rules' state and shared moves (see the module's docstring)."""

    def __init__(
        self,
        settings: Settings,
        store: HistoryStore,
        *,
        wall_clock: Callable[[], float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        files: FileVault | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.lookups: Lookups = InlineLookups(store)
        """Where searches and pages of the past are read: the driver may give one that
        reads on a thread of its own (lookups.py)."""
        # Files (§8.5): None when the server keeps none (no data directory, --no-files).
        self.vault = files
        self.transfers = Transfers(settings.send_queue)
        self.files_off_in: set[str] = {name_key(normalize_name(room)) for room in settings.no_files_in}
        # Looked up at each call by default, so that a test can set the clock.
        self._wall = wall_clock if wall_clock is not None else lambda: time.time()
        self._monotonic = monotonic
        self._outputs: list[Output] = []
        self.sessions: set[Session[Link]] = set()
        # Who is due for a deadline, oldest first: a tick reads the due ones only.
        self._liveness: Liveness[Session[Link]] = Liveness(
            settings.hello_timeout, settings.ping_after, settings.ping_timeout
        )
        # The vault's own look-up, not a method of the rules: a bound method would make
        # a cycle (rules -> replays -> rules) that only the garbage collector breaks.
        self._replays = Replays(store, settings.send_queue, file_json_in(files))
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
        self.rooms = Rooms(store.rooms())
        self._next_id = store.last_id() + 1
        self._first_id = self._next_id
        self._unaccepted = 0
        self._pending: list[StoredMessage] = []
        self._outbox: list[Entry] = []
        # Who entered or left a room in this pass, in order (see _moved).
        self._moves: dict[Session[Link], list[Move]] = {}
        # Whether a room changed since the outputs were last taken: one RoomsChanged
        # for a storm of joins, not one each.
        self._rooms_dirty = False
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

    def take_outputs(self) -> list[Output]:
        """What the calls so far left for the driver, in order; taken once."""
        if self._rooms_dirty:
            self._rooms_dirty = False
            self._outputs.append(RoomsChanged())
        outputs, self._outputs = self._outputs, []
        return outputs

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
        file_id: str | None = None,
    ) -> None:
        if session.state is SessionState.CLOSED:
            return
        is_fatal = ProtocolError(code, message).fatal if fatal is None else fatal
        if is_fatal:
            self._replays.cancel(session)  # the error goes out now, and the connection ends
        self._send(session, Error(code.value, message, is_fatal, cid, until, file_id).to_dict())
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
        for room in list(session.rooms.values()):
            # The general left below says it for every room: no left per room.
            self._leave_room(session, room, parted=False)
        self._replays.cancel(session)
        self.transfers.forget(session, self.vault, self._monotonic())
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

    def _file_json(self, message_id: int) -> str | None:
        """A file message's ``file``, as JSON (None: not a file message)."""
        return file_json_in(self.vault)(message_id)

    def _leave_room(self, session: Session[Link], room: Room, *, parted: bool) -> None:
        """``session`` is out of ``room``: it ``parted`` (its reserved name goes too, and
        the room if no one is left in it), or went offline (its reserved name stays a
        member, and the room stays whoever is left: a disconnection or a restart does
        not end a room)."""
        del session.rooms[room.key]
        room.fanout.pop(session.sink, None)
        self._moved(session, room, entered=False)
        if not parted:
            return
        if session.owner is not None and session.owner in room.reserved:
            room.reserved.discard(session.owner)
            self._save_room(room)
        if room.abandoned:
            self.rooms.remove(room)
            try:
                self.store.drop_room(room.key)
            except StoreError as exc:
                self._outputs.append(StoreFailed(str(exc)))

    def _moved(self, session: Session[Link], room: Room, *, entered: bool) -> None:
        """Note that ``session`` entered or left ``room`` now: the pass's frames for the
        room from before go by the membership it had then (:func:`outbox.stream_of`)."""
        self._moves.setdefault(session, []).append(Move(room, next(self._seqs), entered))
        self._rooms_dirty = True

    def _save_room(self, room: Room) -> None:
        """Keep a room's record; a store that fails is told, the chat goes on."""
        try:
            self.store.save_room(room.record())
        except StoreError as exc:
            self._outputs.append(StoreFailed(str(exc)))

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

    def _clock(self) -> tuple[str, float]:
        """The pass's timestamp: formatted once per pass, not once per message."""
        if self._pass_clock is None:
            epoch = self._wall()
            self._pass_clock = (format_ts(epoch), epoch)
        return self._pass_clock


def file_info(record: FileRecord) -> FileInfo:
    """What a ``message``'s ``file`` says of a file sent."""
    return FileInfo(record.file_id, record.name, record.size, record.sha256, record.mime, record.gone)


def file_json_in(vault: FileVault | None) -> Callable[[int], str | None]:
    """A file message's ``file`` as JSON by message id, from ``vault`` (None: no files)."""

    def file_json(message_id: int) -> str | None:
        if vault is None or (record := vault.of_message(message_id)) is None:
            return None
        return file_info(record).to_json()

    return file_json
