"""Registration: a ``hello`` checked in order (the join limit, the password, bans
and reservations, a name taken), then the ``welcome`` with its replay (PROTOCOL.md
§2-§4, §8.1-§8.2)."""

from __future__ import annotations

import hmac

from chat_server_app.core.identity import address_of, owner_of
from chat_server_app.core.outbox import Entry
from chat_server_app.core.outputs import Send, StoreFailed, UserJoined
from chat_server_app.core.room_rules import RoomRules
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.store import StoreError
from shared.codec import encode
from shared.errors import ErrorCode, ProtocolError
from shared.limits import ECHO_MAX_CHARS
from shared.messages import Hello, Joined, Welcome
from shared.quoting import quoted
from shared.validation import name_key

__all__ = ["Registration"]


class Registration(RoomRules):
    """From a connection's first frame to its ``welcome``."""

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
        # A reserved name is back in its rooms (§8.3): its replay holds theirs too.
        rooms = tuple(r.name for r in self.rooms.of_owner(owner)) if owner is not None else ()
        try:
            after, truncated = self.store.replay_start(-1 if since is None else since, owner, count, rooms)
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
            read_only=self.rooms.general.read_only,
        )
        # The sorted list comes ready-made, encoded: at 10 000 users it is most of it.
        welcome = head.frame_with_users(self._roster.json())
        if held is None:  # else the others never saw them leave
            ts, _ = self._clock()
            joined = encode(Joined(hello.name, ts).to_dict())
            self._outbox.append(Entry(joined, next(self._seqs), {session: b""}, presence=True))
        # Then its rooms (the others hear of them after its general joined) and the
        # others' states, before the replay.
        welcome += self._restore_rooms(session) + self._statuses()
        self._outputs.append(Send(session, welcome))
        self._burst_bytes += len(welcome)
        if count > 0 and after < last_id:
            self._replays.start(session, after, last_id, owner, rooms)
        self._fresh[session] = None
        self._outputs.append(UserJoined(session))
