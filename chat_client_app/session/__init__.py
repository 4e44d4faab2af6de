"""The client's side of PROTOCOL.md as a pure state machine: no Qt, no socket, no clock.

In the manner of h11 and wsproto, :class:`ClientSession` only decides. Its driver (the
:class:`~chat_client_app.controller.ClientController`) owns the connection and the
timers, feeds it what happened (a message from the server, the socket coming up or
going down, a timer running out, with the time as an argument) and acts on the list it
gets back, in order: message objects of :mod:`shared.messages` to write, and events
(:mod:`chat_client_app.session.events`) to tell the windows.

State machine::

    disconnected ──connect_to──> connecting ──socket up──> registering ──welcome──> connected
         ^                            │                          │                      │
         │        (first attempt fails, kicked, quit, fatal)     │                      │ unexpected drop
         └────────────────────────────┴──────────────────────────┴──── reconnecting <───┘
                                                                      (backoff, then connecting)

Delivery guarantees the session adds on top of the protocol (§6):

- every ``say`` carries a fresh ``cid`` and stays *pending* until the server echoes that
  ``cid`` (then *sent*) or answers it with an error (then *failed*, with the reason;
  ``rate_limited`` only delays it);
- a say typed while disconnected is queued as pending and sent after the next welcome;
- after an unexpected drop it reconnects by itself with ``since`` = the last message id
  seen, drops replayed messages it already has (ids only increase, §6), and re-sends every
  still-pending say with its original ``cid`` (the server's cid memory makes that safe);
- a message whose id is not above the last one seen is dropped, live or replayed (a
  server going backwards cannot reorder the view; ids past 2**53-1 never reach the
  session: the codec refuses them);
- the waits between reconnects grow until a session lasts as long as the longest wait:
  a server that welcomes and drops at once is not retried every second;
- nothing is written before the replay after a welcome has ended (the pong of the ping
  sent after its first read): a say the replay shows as stored is acknowledged by it;
- pending says go at the :mod:`~chat_client_app.session.pacer`'s pace, under the
  server's rate limit, so that a long offline queue arrives whole.
"""

from __future__ import annotations

from chat_client_app.session.events import (
    AttemptFailed,
    Connected,
    Disconnected,
    Event,
    HistoryReset,
    KickReceived,
    MessageQueued,
    MessagesReceived,
    NoticeReceived,
    Outbound,
    Output,
    ReconnectScheduled,
    ReplayFinished,
    ReplayStarted,
    RttMeasured,
    SendPaused,
    SendStateChanged,
    ServerError,
    ShutdownReceived,
    StateChanged,
    UserJoined,
    UserLeft,
    UsersReset,
)
from chat_client_app.session.machine import ClientSession
from chat_client_app.session.state import (
    FATAL_FOR_RETRY,
    ClientState,
    ConnectRequest,
    DisconnectReason,
    FailureKind,
    Outgoing,
    SendState,
    same_place,
)

__all__ = [
    "ClientSession",
    "ClientState",
    "SendState",
    "DisconnectReason",
    "FailureKind",
    "FATAL_FOR_RETRY",
    "ConnectRequest",
    "Outgoing",
    "same_place",
    "Event",
    "HistoryReset",
    "Outbound",
    "Output",
    "AttemptFailed",
    "Connected",
    "Disconnected",
    "KickReceived",
    "MessageQueued",
    "MessagesReceived",
    "NoticeReceived",
    "ReconnectScheduled",
    "ReplayFinished",
    "ReplayStarted",
    "RttMeasured",
    "SendStateChanged",
    "SendPaused",
    "ServerError",
    "ShutdownReceived",
    "StateChanged",
    "UserJoined",
    "UserLeft",
    "UsersReset",
]
