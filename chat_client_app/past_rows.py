"""Where messages from the past go in a timeline: a page of history around a search's
result (docs/PROTOCOL.md §8.8) among the rows a timeline already holds."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from chat_client_app.message_entry import Entry
from shared.messages import ChatMessage

__all__ = ["rows_for_past"]


def rows_for_past(rows: Sequence[Entry], messages: Iterable[ChatMessage]) -> list[tuple[int, ChatMessage]]:
    """The row each of ``messages`` is inserted at among ``rows`` (a timeline's ordered
    part, in the server's order), in the order to insert them, each row counted after
    the insertions before it; a message whose id is already there is left out.

    A message goes just after the last message row with a smaller id, so above the
    rows that came after that one: an unread marker or a "missed" divider stays just
    above the newer message it marks, and the page's messages are neither new nor
    missed. One older than every message row goes first."""
    placed = [(entry.msg_id, row) for row, entry in enumerate(rows) if entry.msg_id > 0]
    ids = [msg_id for msg_id, _ in placed]
    have = set(ids)
    out: list[tuple[int, ChatMessage]] = []
    for message in sorted(messages, key=lambda m: m.id):
        if message.id in have:
            continue
        have.add(message.id)
        at = bisect.bisect_left(ids, message.id)
        after = placed[at - 1][1] + 1 if at else 0
        # Every earlier insertion was at or above this row (ids and rows both grow).
        out.append((after + len(out), message))
    return out
