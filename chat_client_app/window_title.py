"""The chat window's title: who, where, and whether connected.

"Anna — Aula 3", then the state when it is not "connected". The desktop adds the
application's name (``QGuiApplication.applicationDisplayName``, "Parla") after it on
Linux and Windows, so the title does not say it again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from chat_client_app.controller import ClientState

__all__ = ["window_title"]


def window_title(name: str, server: str, state: ClientState, unread: int = 0) -> str:
    """The title for ``name`` on ``server`` (its display name, or the address asked for)."""
    # Literal QCoreApplication.translate calls: pyside6-lupdate finds only these.
    if not name:
        return "Parla"  # nothing asked for yet: the application, once
    title = f"{name} — {server}" if server else name
    if state is ClientState.DISCONNECTED:
        title = QCoreApplication.translate("WindowTitle", "{title} (disconnected)").format(title=title)
    elif state is ClientState.RECONNECTING:
        title = QCoreApplication.translate("WindowTitle", "{title} (reconnecting…)").format(title=title)
    elif state in (ClientState.CONNECTING, ClientState.REGISTERING):
        title = QCoreApplication.translate("WindowTitle", "{title} (connecting…)").format(title=title)
    return f"({unread}) {title}" if unread else title
