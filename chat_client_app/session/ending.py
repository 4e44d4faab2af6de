"""How one connection ends: what was learnt of its end, and what that means next."""

from __future__ import annotations

from chat_client_app.session.events import AttemptFailed, Disconnected
from chat_client_app.session.state import FATAL_FOR_RETRY, ClientState, DisconnectReason, FailureKind
from shared.messages import Error

__all__ = ["Ending"]


class Ending:
    """The fatal error, socket failure, kick or shutdown of the current connection.

    Gathered while the connection lives; read once it is gone, to decide whether to
    come back and what to tell.
    """

    __slots__ = ("error", "socket_failure", "socket_detail", "kicked", "shutdown")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new connection: nothing known of its end yet."""
        self.error: Error | None = None  # the fatal error of this connection, if any
        self.socket_failure: FailureKind | None = None
        self.socket_detail = ""
        self.kicked: str | None = None  # the operator's reason
        self.shutdown: str | None = None  # the server's reason

    def of_session(self) -> tuple[ClientState, Disconnected]:
        """A session that had its welcome ended: the next state, and why it ended."""
        if self.kicked is not None:
            return ClientState.DISCONNECTED, Disconnected(DisconnectReason.KICKED)
        error = self.error
        if error is not None and error.code in FATAL_FOR_RETRY:
            return ClientState.DISCONNECTED, Disconnected(DisconnectReason.ERROR)
        if self.shutdown is not None:
            reason = DisconnectReason.SHUTDOWN
        elif error is not None:
            reason = DisconnectReason.ERROR
        else:
            reason = DisconnectReason.LOST
        return ClientState.RECONNECTING, Disconnected(reason)

    def of_attempt(self, *, had_session: bool) -> tuple[ClientState, AttemptFailed]:
        """A connection ended before its welcome: the next state, and what failed."""
        error = self.error
        if error is not None:
            failed = AttemptFailed(error.code, error.message, error.until)
        else:
            failed = AttemptFailed((self.socket_failure or FailureKind.CLOSED).value, self.socket_detail)
        # A failed first attempt is for the user to fix (the dialog shows it). On a
        # reconnect "name taken" is most likely our own previous connection, which the
        # server has not timed out yet: waiting for it is what the user wants.
        retry = had_session and failed.kind not in FATAL_FOR_RETRY
        return (ClientState.RECONNECTING if retry else ClientState.DISCONNECTED), failed
