"""One row of the chat view (:class:`Entry`), its kinds and the model's data roles.

Plain data: :class:`~chat_client_app.message_model.MessageModel` keeps the rows, the
delegate paints them.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt

from chat_client_app.session.state import SendState
from shared.messages import parse_ts

__all__ = ["EntryKind", "Entry", "Role", "PRESENCE_KINDS", "ROLE_NAMES", "epoch_of"]


class EntryKind(enum.StrEnum):
    MESSAGE = "message"
    JOINED = "joined"
    LEFT = "left"
    NOTICE = "notice"
    ERROR = "error"
    INFO = "info"  # local: help, hints, connection news
    DIVIDER = "divider"  # "N missed while you were away"
    UNREAD = "unread"  # where the user left off


PRESENCE_KINDS = frozenset({EntryKind.JOINED, EntryKind.LEFT})
"""Rows that say who came and went: kept apart from the scrollback's cap on messages."""


class Role(enum.IntEnum):
    KIND = Qt.ItemDataRole.UserRole + 1
    SENDER = enum.auto()
    TEXT = enum.auto()
    TIMESTAMP = enum.auto()  # QDateTime, local time
    OWN = enum.auto()
    STATE = enum.auto()  # "pending", "sent", "failed" or "" for other people's rows
    REASON = enum.auto()  # why a failed message failed
    PEER = enum.auto()  # the other party of a private message, "" if public
    PRIVATE = enum.auto()
    COLOUR = enum.auto()  # QColor of the sender's name in the current palette
    MENTION = enum.auto()  # mentions the user's name, or private to them
    MESSAGE_ID = enum.auto()  # the server's id, 0 if none (yet)
    CID = enum.auto()
    ENTRY = enum.auto()  # the Entry itself, for the delegate


ROLE_NAMES: dict[int, QByteArray] = {int(role): QByteArray(role.name.lower().encode()) for role in Role}


@dataclass(slots=True, eq=False)
class Entry:
    """One row. ``epoch`` is seconds since 1970 (UTC); shown in local time."""

    kind: EntryKind
    text: str
    sender: str = ""
    epoch: float = 0.0
    msg_id: int = 0
    cid: str | None = None
    own: bool = False
    state: SendState | None = None
    reason: str = ""
    peer: str | None = None
    mention: bool = False
    history: bool = False  # replayed by the server, not live
    offline: bool = False  # own private message, kept for a reserved name that is away (§8.1)
    count: int = 0
    # The delegate's cache: (width, height) of the last layout, so that a view laying
    # out 10 000 rows lays out each text once per width, not once per pass.
    size_cache: tuple[int, int] = (-1, 0)
    time_text: str = ""
    # The local calendar day of ``epoch`` (day_rule.day_of), and the epoch it is of.
    day: int = 0
    day_epoch: float = 0.0

    @property
    def private(self) -> bool:
        return self.peer is not None

    def local_time(self) -> str:
        """``HH:MM`` in local time (computed once)."""
        if not self.time_text and self.epoch:
            self.time_text = time.strftime("%H:%M", time.localtime(self.epoch))
        return self.time_text


def epoch_of(ts: str) -> float:
    try:
        return parse_ts(ts).timestamp()
    except ValueError:
        return time.time()  # a server with a broken clock format: show the arrival time
