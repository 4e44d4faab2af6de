"""The server's chat rules as plain Python: no Qt, no sockets (h11's style).

The rules are a state machine the Qt driver (:mod:`chat_server_app.engine`) feeds:
``open`` a session for each accepted connection, ``receive`` what it sent,
``tick`` for deadlines, ``flush`` once per event-loop pass; each call leaves
:mod:`~chat_server_app.core.outputs` (bytes to send, connections to close, events
for the dashboard) that the driver takes with ``take_outputs``. A connection is
only asked how much it still has queued (:class:`~chat_server_app.core.session.Link`).

Rooms are :mod:`~chat_server_app.core.rooms`; the operator's orders over them,
:mod:`~chat_server_app.core.room_orders`.
"""

from chat_server_app.core.outbox import Delivery
from chat_server_app.core.outputs import (
    Close,
    ErrorSent,
    MessagesPosted,
    NoticeSent,
    Output,
    ReadOnlyChanged,
    RoomsChanged,
    Send,
    StoreFailed,
    UserJoined,
    UserKicked,
    UserLeft,
)
from chat_server_app.core.room_orders import RoomOrderError
from chat_server_app.core.server import ServerCore
from chat_server_app.core.session import Link, Session, SessionState

__all__ = [
    "ServerCore",
    "Delivery",
    "Session",
    "SessionState",
    "Link",
    "Output",
    "Send",
    "Close",
    "UserJoined",
    "UserLeft",
    "UserKicked",
    "MessagesPosted",
    "NoticeSent",
    "ErrorSent",
    "ReadOnlyChanged",
    "RoomsChanged",
    "RoomOrderError",
    "StoreFailed",
]
