"""Another server, tried while the session stays with its own: from the socket to the welcome.

"Connect to a server…" keeps the current conversation until the new server lets the
user in. A :class:`Trial` is that attempt's registration, on a connection of its own:
the ``hello``, then the ``welcome`` that makes the driver switch over
(:meth:`~chat_client_app.session.ClientSession.take_over`), or what failed, in the
words of a failed first attempt (the session itself is never touched by a failure).
"""

from __future__ import annotations

from chat_client_app.session.ending import Ending
from chat_client_app.session.events import AttemptFailed
from chat_client_app.session.state import ClientState, ConnectRequest, FailureKind
from shared.messages import Error, Hello, ServerMessage, Welcome

__all__ = ["Trial"]


class Trial:
    """The registration of ``request`` with this client's ``token`` for that server."""

    def __init__(self, request: ConnectRequest, token: str | None) -> None:
        self.request = request
        self._token = token
        self._state = ClientState.CONNECTING
        self._ending = Ending()
        self.welcome: Welcome | None = None

    @property
    def state(self) -> ClientState:
        """Connecting, registering, or connected once welcomed."""
        return self._state

    @property
    def socket_failure(self) -> FailureKind | None:
        return self._ending.socket_failure

    def connection_made(self) -> Hello:
        """The socket is up: the ``hello`` to write. A first visit to the session: no
        ``since`` (the switch starts the conversation over, as ``connect_to`` does)."""
        self._state = ClientState.REGISTERING
        request = self.request
        return Hello(name=request.name, password=request.password, token=self._token)

    def receive(self, message: ServerMessage) -> bool:
        """One frame before the welcome; whether it is the welcome (switch over now)."""
        if self._state is not ClientState.REGISTERING:
            return False
        if isinstance(message, Welcome):
            self.welcome = message
            self._state = ClientState.CONNECTED
            return True
        if isinstance(message, Error):
            self._ending.error = message  # before the welcome, every error ends the attempt
        return False

    def socket_failed(self, kind: FailureKind, detail: str = "") -> None:
        """What went wrong under the protocol; the connection is about to end."""
        self._ending.socket_failure = kind
        self._ending.socket_detail = detail

    def timed_out(self) -> bool:
        """No welcome in time: whether that ends the attempt (it does until welcomed)."""
        if self._state is ClientState.CONNECTED:
            return False
        self.socket_failed(FailureKind.TIMEOUT)
        return True

    def failure(self) -> AttemptFailed:
        """The connection ended before its welcome: what failed, as the user is told."""
        return self._ending.of_attempt(had_session=False)[1]
