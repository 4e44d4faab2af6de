"""The operator's orders: kick, notices, read-only, names, bans, shutdown.

A part of :class:`~chat_server_app.core.server.ServerCore` kept apart so that the
rules of the wire and the operator's powers each read on their own.
"""

from __future__ import annotations

from chat_server_app.core.outbox import Entry
from chat_server_app.core.outputs import NoticeSent, ReadOnlyChanged, Send, UserKicked
from chat_server_app.core.session import Link, Session, SessionState
from chat_server_app.core.state import CoreState
from chat_server_app.store import Ban, BanKind, Reservation
from shared.codec import encode
from shared.messages import Kicked, LeftReason, Notice, Shutdown

__all__ = ["OperatorOrders"]


class OperatorOrders(CoreState):
    """What the dashboard, the headless runner and the CLI may order."""

    def kick(self, session: Session[Link], reason: str = "") -> None:
        """Disconnect a user; the driver flushes first, so what they were sent comes first."""
        self._replays.cancel(session)
        self._send(session, Kicked(reason).to_dict())
        self._outputs.append(UserKicked(session, reason))
        self._drop(session, LeftReason.KICKED)

    def send_notice(self, text: str, read_only: bool | None = None) -> None:
        """A message from the operator to everyone (``read_only``: it tells of that switch)."""
        if not text.strip():
            return
        ts, _ = self._clock()
        notice = Notice(text, ts, read_only=read_only)
        self._outbox.append(Entry(encode(notice.to_dict()), next(self._seqs), presence=True))
        self._outputs.append(NoticeSent(text))

    def set_read_only(self, on: bool) -> None:
        """Classroom switch: while on, every ``say`` gets ``read_only``; a notice says so."""
        room = self.rooms.general
        if on == room.read_only:
            return
        room.read_only = on
        self._rooms_dirty = True
        self.send_notice(
            "The chat is now read-only: only the operator can write."
            if on
            else "The chat is open again: everyone can write.",
            read_only=on,
        )
        self._outputs.append(ReadOnlyChanged(on))

    # --- names and bans (§8.1) ---------------------------------------------------------

    @property
    def reservations(self) -> list[Reservation]:
        return self.identities.reservations

    def release_name(self, name: str) -> bool:
        """Let anyone take a reserved name again; whether it was reserved.

        Raises :class:`~chat_server_app.store.StoreError` if the store cannot forget it."""
        return self.identities.release(name)

    def ban(self, kind: BanKind, value: str, seconds: float | None, reason: str = "") -> list[Ban]:
        """Ban a name (and its owner's token) or an address; whoever it shuts out now is
        kicked. Raises :class:`~chat_server_app.store.StoreError` if it cannot be kept."""
        now = self._wall()
        made = self.identities.ban(kind, value, seconds, reason, now)
        for session in list(self._users.values()):
            if self.identities.ban_for(session.key, session.owner, session.address, now) is not None:
                self.kick(session, f"banned: {reason}" if reason else "banned")
        return made

    def unban(self, kind: BanKind, value: str) -> bool:
        return self.identities.unban(kind, value)

    def bans(self) -> list[Ban]:
        """The bans in force."""
        return self.identities.bans(self._wall())

    def shut_down(self, reason: str) -> None:
        """Everyone gets ``shutdown`` and is closed; no ``left`` goes out."""
        data = encode(Shutdown(reason).to_dict())
        for session in list(self.sessions):
            self._replays.cancel(session)
            if session.state is not SessionState.CLOSED:
                self._outputs.append(Send(session, data))
            self._drop(session, None)
        for held in self._presence.clear():
            self._roster.remove(held.name)
        self._outbox.clear()
        self._fresh.clear()
