"""A scripted stand-in for a server, for what the real engine cannot be made to do:
stay mute after welcome, deliver a huge burst the way a network does, or speak the
parts of PROTOCOL.md §8 the engine does not speak yet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from shared.codec import FrameDecoder, encode
from shared.messages import Welcome

Frame = dict[str, object]


def in_pieces(frames: list[bytes], piece: int) -> list[bytes]:
    """``frames`` joined into pieces of at most ``piece`` bytes (or one frame each)."""
    pieces: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for frame in frames:
        if current and size + len(frame) > piece:
            pieces.append(b"".join(current))
            current, size = [], 0
        current.append(frame)
        size += len(frame)
    if current:
        pieces.append(b"".join(current))
    return pieces


class FakeServer(QObject):
    """Answers ``hello`` with ``welcome``, then writes the ``after_welcome`` frames in pieces.

    A piece holds whole frames only (at most ``piece`` bytes, or one frame), so that a
    pong written between two pieces lands between frames. ``on_frame(socket, frame)``
    sees every frame from the client (pings included). ``replays`` gives the frames
    after the welcome by hello number instead (the last list holds for later hellos),
    and then a pong waits for the last piece, as a real server's does.
    ``drop_after_welcome`` closes every connection right after its welcome (a server
    that crashes on each new session, or a hostile one).
    """

    def __init__(
        self,
        after_welcome: list[bytes] | None = None,
        piece: int = 64 * 1024,
        on_frame: Callable[[QTcpSocket, Frame], None] | None = None,
        answer_pings: bool = True,
        refuse: dict[int, Frame] | None = None,
        welcomes: list[Frame] | None = None,
        replays: list[list[bytes]] | None = None,
        drop_after_welcome: bool = False,
    ) -> None:
        super().__init__()
        self._drop_after_welcome = drop_after_welcome
        self._refuse = refuse or {}  # hello number (0-based) -> the error frame that answers it
        # Extra welcome fields by hello number; the last one holds for later hellos.
        self._welcomes = welcomes or [{}]
        self._piece = piece
        self._replays = replays
        self.hellos = 0
        self._pieces = in_pieces(after_welcome or [], piece)
        self._on_frame = on_frame
        self._answer_pings = answer_pings
        self._listener = QTcpServer(self)
        assert self._listener.listen(QHostAddress("127.0.0.1"), 0)
        self._listener.newConnection.connect(self._on_listener_new_connection)
        self.sockets: list[QTcpSocket] = []
        self.frames: list[Frame] = []
        self.replay_written: list[bool] = []  # by hello number: its last piece is written
        self._held_pongs: dict[int, list[bytes]] = {}

    @property
    def port(self) -> int:
        return int(self._listener.serverPort())

    def set_replays(self, replays: list[list[bytes]]) -> None:
        self._replays = replays

    def _on_listener_new_connection(self) -> None:
        socket = self._listener.nextPendingConnection()
        decoder = FrameDecoder()
        self.sockets.append(socket)
        number = -1

        def read() -> None:
            nonlocal number
            for frame in decoder.feed(bytes(socket.readAll().data())):
                self.frames.append(frame)
                if self._on_frame is not None:
                    self._on_frame(socket, frame)
                if frame["type"] == "hello":
                    number, self.hellos = self.hellos, self.hellos + 1
                    self.replay_written.append(False)
                    if number in self._refuse:
                        socket.write(encode(self._refuse[number]))
                        socket.disconnectFromHost()
                        return
                    name = str(frame["name"])
                    extra = self._welcomes[min(number, len(self._welcomes) - 1)]
                    socket.write(encode({**Welcome(name, (name,), "fake", "", 0).to_dict(), **extra}))
                    if self._drop_after_welcome:
                        socket.disconnectFromHost()
                        return
                    pieces = self._pieces
                    if self._replays is not None:
                        pieces = in_pieces(self._replays[min(number, len(self._replays) - 1)], self._piece)
                        self._held_pongs[number] = []
                    self._write_from(socket, pieces, 0, number)
                elif frame["type"] == "ping" and self._answer_pings:
                    pong = encode({"type": "pong", "token": frame.get("token")})
                    held = self._held_pongs.get(number)
                    if held is not None and not self.replay_written[number]:
                        held.append(pong)  # frames are answered in order: after the replay
                    else:
                        socket.write(pong)

        socket.readyRead.connect(read)

    def _write_from(self, socket: QTcpSocket, pieces: list[bytes], index: int, number: int) -> None:
        if socket.state() != QTcpSocket.SocketState.ConnectedState:
            return
        if index >= len(pieces):
            self.replay_written[number] = True
            for pong in self._held_pongs.pop(number, []):
                socket.write(pong)
            return
        socket.write(pieces[index])
        # The next piece in a later pass, as data trickles in from a network.
        QTimer.singleShot(0, self, lambda: self._write_from(socket, pieces, index + 1, number))

    def close(self) -> None:
        self._listener.close()
        for socket in self.sockets:
            socket.abort()
