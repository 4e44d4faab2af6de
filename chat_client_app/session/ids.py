"""The ids the client makes: a say's ``cid`` and a ping's token."""

from __future__ import annotations

import uuid

__all__ = ["new_cid", "new_ping_token"]


def new_cid() -> str:
    """Unique across every client and run: the server de-duplicates by it."""
    return uuid.uuid4().hex


def new_ping_token() -> str:
    """Unique among this connection's pings: its pong names it."""
    return uuid.uuid4().hex[:8]
