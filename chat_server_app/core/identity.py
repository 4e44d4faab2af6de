"""Who owns which name, and who may not come in (PROTOCOL.md §8.1).

A name is reserved by the first ``hello`` that brings a token for it while it is
free; from then on only that token may take it. The server keeps a hash of the
token (the *owner*), never the token. Bans name a name (and so its owner's token),
an owner, or an address, each until a time or for ever.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable

from chat_server_app.bans import BanSpec, describe_left
from chat_server_app.store import Ban, BanKind, HistoryStore, Reservation
from shared.fields import format_ts
from shared.validation import name_key, normalize_name

__all__ = ["Identities", "Refusal", "owner_of", "address_of"]


def owner_of(token: str | None) -> str | None:
    """The owner a token stands for: its SHA-256. Tokens carry 128 bits or more of
    randomness, so a plain hash is as hard to reverse as a salted one would be."""
    if token is None:
        return None
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def address_of(peer: str) -> str:
    """The IP address of a ``host:port`` peer (``[v6]:port`` too), normalised."""
    host = peer.rsplit(":", 1)[0] if peer.count(":") == 1 or peer.startswith("[") else peer
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


class Refusal:
    """Why a ``hello`` may not register: ``banned`` (with when it ends) or ``name_reserved``."""

    __slots__ = ("banned", "message", "until")

    def __init__(self, banned: bool, message: str, until: str | None = None) -> None:
        self.banned = banned
        self.message = message
        self.until = until


class Identities:
    """The reserved names and the bans, in memory, written through to the store."""

    def __init__(self, store: HistoryStore, config_bans: Iterable[BanSpec], started: float) -> None:
        self._store = store
        self._reserved: dict[str, Reservation] = {r.key: r for r in store.reservations()}
        self._bans: dict[tuple[BanKind, str], Ban] = {(b.kind, b.value): b for b in store.bans()}
        # The config's bans last as long as the config says so: never stored.
        self._config_bans: dict[tuple[BanKind, str], Ban] = {}
        for spec in config_bans:
            ban = self._ban_of(spec.kind, spec.value, spec.seconds, "", started)
            self._config_bans[(ban.kind, ban.value)] = ban

    # --- names ----------------------------------------------------------------------

    def reservation(self, key: str) -> Reservation | None:
        return self._reserved.get(key)

    @property
    def reservations(self) -> list[Reservation]:
        return sorted(self._reserved.values(), key=lambda r: r.key)

    def claim(self, key: str, name: str, owner: str | None, now: float) -> bool:
        """Reserve ``name`` for ``owner`` if it is free; whether a reservation was made.

        Raises :class:`~chat_server_app.store.StoreError` if it cannot be stored (the
        reservation then holds until the server stops)."""
        if owner is None or key in self._reserved:
            return False
        reservation = Reservation(key, name, owner, now)
        self._reserved[key] = reservation
        self._store.reserve(reservation)
        return True

    def release(self, name: str) -> bool:
        """Free a reserved name (the operator's order); whether it was reserved."""
        key = name_key(normalize_name(name))
        if self._reserved.pop(key, None) is None:
            return False
        self._store.release(key)
        return True

    # --- bans -----------------------------------------------------------------------

    def _ban_of(self, kind: BanKind, value: str, seconds: float | None, reason: str, now: float) -> Ban:
        if kind is BanKind.NAME:
            value = name_key(normalize_name(value))
        elif kind is BanKind.ADDRESS:
            value = address_of(value)
        return Ban(kind, value, None if seconds is None else now + seconds, reason, now)

    def ban(self, kind: BanKind, value: str, seconds: float | None, reason: str, now: float) -> list[Ban]:
        """Ban until ``now + seconds`` (``None``: until lifted); the bans made.

        A reserved name's ban bans its owner's token too, so that the same person
        cannot come back under a new name with the same client."""
        made = [self._ban_of(kind, value, seconds, reason, now)]
        if kind is BanKind.NAME and (reservation := self._reserved.get(made[0].value)) is not None:
            made.append(Ban(BanKind.OWNER, reservation.owner, made[0].until, reason, now))
        for ban in made:
            self._bans[(ban.kind, ban.value)] = ban
            self._store.add_ban(ban)
        return made

    def unban(self, kind: BanKind, value: str) -> bool:
        key = self._ban_of(kind, value, None, "", 0.0)
        found = self._bans.pop((key.kind, key.value), None)
        if found is None:
            return False
        self._store.remove_ban(found.kind, found.value)
        reservation = self._reserved.get(found.value) if kind is BanKind.NAME else None
        if reservation is not None and self._bans.pop((BanKind.OWNER, reservation.owner), None) is not None:
            self._store.remove_ban(BanKind.OWNER, reservation.owner)
        return True

    def bans(self, now: float) -> list[Ban]:
        """The bans in force, the config's included."""
        return [
            b for b in (*self._bans.values(), *self._config_bans.values()) if b.until is None or b.until > now
        ]

    def ban_for(self, key: str, owner: str | None, address: str, now: float) -> Ban | None:
        """The ban in force that shuts out this name, owner or address, if any."""
        wanted = [(BanKind.NAME, key), (BanKind.ADDRESS, address_of(address))]
        if owner is not None:
            wanted.append((BanKind.OWNER, owner))
        for ident in wanted:
            for table in (self._bans, self._config_bans):
                ban = table.get(ident)
                if ban is not None and (ban.until is None or ban.until > now):
                    return ban
        return None

    # --- the door ---------------------------------------------------------------------

    def refusal(self, key: str, owner: str | None, address: str, now: float) -> Refusal | None:
        """Why this ``hello`` may not have this name, or ``None`` if it may."""
        ban = self.ban_for(key, owner, address, now)
        if ban is not None:
            if ban.until is None:
                return Refusal(
                    True, "you are banned from this server" + (f": {ban.reason}" if ban.reason else "")
                )
            left = describe_left(ban.until - now)
            why = f" ({ban.reason})" if ban.reason else ""
            return Refusal(
                True, f"you are banned from this server for {left} more{why}", format_ts(ban.until)
            )
        reservation = self._reserved.get(key)
        if reservation is not None and reservation.owner != owner:
            return Refusal(False, f"the name {reservation.name!r} belongs to someone else on this server")
        return None
