"""What the operator may see of a message (PROTOCOL.md §8.1, ``operator_reads_private``).

One rule for the dashboard and the headless log: a private message shows that it
passed, between whom, and its text only when the server was started with
``--operator-reads-private`` (and then every user is told in the ``welcome``).
"""

from __future__ import annotations

from chat_server_app.store import StoredMessage

__all__ = ["operator_view"]


def operator_view(message: StoredMessage, reads_private: bool) -> tuple[str, str | None]:
    """Who wrote to whom (``Bruno``, ``Bruno → #giochi`` in a room, ``Bruno → Anna``
    in private), and the text the operator may read, ``None`` for a private
    message's text kept from them."""
    if message.to is None:
        if message.room is not None:
            return f"{message.sender} → #{message.room}", message.text
        return message.sender, message.text
    header = f"{message.sender} → {message.to}"
    return header, message.text if reads_private else None
