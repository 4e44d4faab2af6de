"""The operator's orders over names on the running server: reservations and bans
(docs/PROTOCOL.md §8.1).

:class:`NameDesk` is the engine's (:attr:`ChatServer.names
<chat_server_app.engine.ChatServer.names>`), as :class:`~chat_server_app.room_desk.RoomDesk`
is for rooms: each order is the rules' own (:mod:`chat_server_app.core.orders`), then
the engine carries out what they said and tells the dashboard what changed.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from chat_server_app.store import Ban, BanKind, Reservation, StoreError

if TYPE_CHECKING:
    from chat_server_app.engine import ChatServer

__all__ = ["NameDesk"]


class NameDesk:
    def __init__(self, engine: ChatServer) -> None:
        # Weakly: the engine holds its desk; a strong reference back would keep a
        # server that was let go alive until the cycle collector runs.
        self._engine = weakref.ref(engine)

    def _server(self) -> ChatServer:
        engine = self._engine()
        assert engine is not None, "the server is gone"
        return engine

    def release(self, name: str) -> bool:
        """Let anyone take a reserved name again (§8.1); whether it was reserved."""
        engine = self._server()
        try:
            return engine.core.release_name(name)
        except StoreError as exc:
            engine.store_failed.emit(str(exc))
            return True  # released for this run: the store could not forget it
        finally:
            engine.reservations_changed.emit()

    @property
    def reservations(self) -> list[Reservation]:
        return self._server().core.reservations

    def ban(self, kind: BanKind, value: str, seconds: float | None, reason: str = "") -> None:
        """Ban a name (and its owner's token) or an address; whoever it shuts out now
        is kicked, after what they were sent."""
        engine = self._server()
        engine.flush()
        try:
            engine.core.ban(kind, value, seconds, reason)
        except StoreError as exc:
            engine.store_failed.emit(str(exc))  # in force until the server stops
        engine.apply_outputs()
        engine.bans_changed.emit()

    def unban(self, kind: BanKind, value: str) -> bool:
        engine = self._server()
        try:
            return engine.core.unban(kind, value)
        except StoreError as exc:
            engine.store_failed.emit(str(exc))
            return True
        finally:
            engine.bans_changed.emit()

    @property
    def bans(self) -> list[Ban]:
        """The bans in force (the config's included)."""
        return self._server().core.bans()
