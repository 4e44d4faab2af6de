"""A scripted stand-in for a server, for what the real engine cannot be made to do:
stay mute after welcome, or deliver a huge burst the way a network does."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from shared.codec import FrameDecoder, encode
from shared.messages import Welcome

Frame = dict[str, object]


class FakeServer(QObject):
    """Answers ``hello`` with ``welcome``, then writes the ``after_welcome`` frames in pieces.

    A piece holds whole frames only (at most ``piece`` bytes, or one frame), so that a
    pong written between two pieces lands between frames. ``on_frame(socket, frame)``
    sees every frame from the client (pings included).
    """

    def __init__(
        self,
        after_welcome: list[bytes] | None = None,
        piece: int = 64 * 1024,
        on_frame: Callable[[QTcpSocket, Frame], None] | None = None,
        answer_pings: bool = True,
        refuse: dict[int, Frame] | None = None,
        welcomes: list[Frame] | None = None,
    ) -> None:
        super().__init__()
        self._refuse = refuse or {}  # hello number (0-based) -> the error frame that answers it
        # Extra welcome fields by hello number; the last one holds for later hellos.
        self._welcomes = welcomes or [{}]
        self.hellos = 0
        self._pieces: list[bytes] = []
        current: list[bytes] = []
        size = 0
        for frame in after_welcome or []:
            if current and size + len(frame) > piece:
                self._pieces.append(b"".join(current))
                current, size = [], 0
            current.append(frame)
            size += len(frame)
        if current:
            self._pieces.append(b"".join(current))
        self._on_frame = on_frame
        self._answer_pings = answer_pings
        self._listener = QTcpServer(self)
        assert self._listener.listen(QHostAddress("127.0.0.1"), 0)
        self._listener.newConnection.connect(self._on_listener_new_connection)
        self.sockets: list[QTcpSocket] = []
        self.frames: list[Frame] = []

    @property
    def port(self) -> int:
        return int(self._listener.serverPort())

    def _on_listener_new_connection(self) -> None:
        socket = self._listener.nextPendingConnection()
        decoder = FrameDecoder()
        self.sockets.append(socket)

        def read() -> None:
            for frame in decoder.feed(bytes(socket.readAll().data())):
                self.frames.append(frame)
                if self._on_frame is not None:
                    self._on_frame(socket, frame)
                if frame["type"] == "hello":
                    number, self.hellos = self.hellos, self.hellos + 1
                    if number in self._refuse:
                        socket.write(encode(self._refuse[number]))
                        socket.disconnectFromHost()
                        return
                    name = str(frame["name"])
                    extra = self._welcomes[min(number, len(self._welcomes) - 1)]
                    socket.write(encode({**Welcome(name, (name,), "fake", "", 0).to_dict(), **extra}))
                    self._write_from(socket, 0)
                elif frame["type"] == "ping" and self._answer_pings:
                    socket.write(encode({"type": "pong", "token": frame.get("token")}))

        socket.readyRead.connect(read)

    def _write_from(self, socket: QTcpSocket, number: int) -> None:
        if number >= len(self._pieces) or socket.state() != QTcpSocket.SocketState.ConnectedState:
            return
        socket.write(self._pieces[number])
        # The next piece in a later pass, as data trickles in from a network.
        QTimer.singleShot(0, self, lambda: self._write_from(socket, number + 1))

    def close(self) -> None:
        self._listener.close()
        for socket in self.sockets:
            socket.abort()
