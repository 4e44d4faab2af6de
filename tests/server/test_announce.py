"""LAN announce (PROTOCOL.md §7), sent to loopback only: tests never broadcast on a real LAN."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QUdpSocket
from pytestqt.qtbot import QtBot

from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from shared.discovery import Announce


def _listener() -> QUdpSocket:
    sock = QUdpSocket()
    assert sock.bind(
        QHostAddress(QHostAddress.SpecialAddress.LocalHost),
        0,
        QAbstractSocket.BindFlag.ShareAddress | QAbstractSocket.BindFlag.ReuseAddressHint,
    )
    return sock


def _received(sock: QUdpSocket) -> list[bytes]:
    out = []
    while sock.hasPendingDatagrams():
        out.append(bytes(sock.receiveDatagram().data().data()))
    return out


def test_a_listening_server_announces_name_port_and_users(qtbot: QtBot, tmp_path: Path) -> None:
    listener = _listener()
    settings = Settings(
        host="127.0.0.1", port=0, name="Aula 3", data_dir=tmp_path, announce_port=listener.localPort()
    )
    server = ChatServer(settings, MemoryStore(), announce_targets=[QHostAddress("127.0.0.1")])
    server.start()
    try:
        qtbot.waitUntil(listener.hasPendingDatagrams, timeout=3000)
        announces = [Announce.from_datagram(d) for d in _received(listener)]
        assert announces[0] == Announce(server="Aula 3", port=server.port, tls=False, users=0)
        assert server.announcer.active
    finally:
        server.stop()
    assert not server.announcer.active


def test_no_announce_sends_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(host="127.0.0.1", port=0, data_dir=tmp_path, no_announce=True)
    server = ChatServer(settings, MemoryStore(), announce_targets=[QHostAddress("127.0.0.1")])
    server.start()
    try:
        assert not server.announcer.active
        assert server.announcer.sent == 0
    finally:
        server.stop()


def test_garbage_datagrams_are_not_announces() -> None:
    for data in [
        b"",
        b"\xff",
        b"[]",
        b'{"type":"announce"}',
        b'{"type":"announce","server":"x","port":0}',
        b'{"type":"announce","server":"x","port":5001,"users":-1,"version":1}',
        b"{" * 3000,
    ]:
        assert Announce.from_datagram(data) is None
    ok = b'{"type":"announce","version":1,"server":"x","port":5001,"tls":true,"users":2,"extra":1}'
    assert Announce.from_datagram(ok) == Announce(server="x", port=5001, tls=True, users=2, version=1)
