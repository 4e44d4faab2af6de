"""Parla's desktop chat client: a controller with no widgets, models, and the windows over them.

Layers, top to bottom (arrows are imports)::

    app ──> chat_window ──> connect_dialog, models, views, and the window's parts:
                 │          send_box (commands), connection_status, user_list_panel,
                 │          mentions_dock, finder, attention
                 └────────> controller ──> session ──> shared (codec, messages)
                                  └──────────────────> shared.qt (connection)

The session holds the protocol's rules with no Qt at all; the controller drives it
over a connection and its timers and knows nothing of widgets; the window wires the
controller's signals to the models and holds no protocol logic.
"""

ORGANIZATION = "Parla"
"""QSettings organisation, shared with the server's dashboard."""

APPLICATION = "Parla Client"
"""QSettings application name, also the window's application name."""

__all__ = ["ORGANIZATION", "APPLICATION"]
