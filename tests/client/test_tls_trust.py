"""TLS from the client's side: trust on first use, pinned per host:port, a changed certificate refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState, ConnectRequest
from chat_client_app.trust import Verdict
from chat_client_app.trust_dialog import TrustDialog
from chat_server_app.engine import ChatServer
from chat_server_app.settings import Settings
from chat_server_app.store import MemoryStore
from chat_server_app.tls import self_signed_identity

WAIT_MS = 5000


@pytest.fixture
def make_tls_server(tmp_path: Path) -> Iterator[Callable[..., ChatServer]]:
    servers: list[ChatServer] = []

    def factory(identity_dir: str = "a", port: int | None = None, tls: bool = True) -> ChatServer:
        settings = Settings(host="127.0.0.1", port=0, no_announce=True, data_dir=tmp_path)
        identity = self_signed_identity(tmp_path / identity_dir, "Aula") if tls else None
        server = ChatServer(settings, MemoryStore(), tls=identity)
        server.start(port=port)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


def _failures(controller: ClientController) -> list[str]:
    kinds: list[str] = []
    controller.attempt_failed.connect(lambda kind, message: kinds.append(kind))
    return kinds


def test_first_use_asks_then_the_pinned_certificate_connects(
    qtbot: QtBot, make_tls_server: Callable[..., ChatServer], make_controller: Callable[..., ClientController]
) -> None:
    server = make_tls_server()
    controller = make_controller()
    kinds = _failures(controller)
    request = ConnectRequest("anna", "127.0.0.1", server.port, tls=True)
    controller.connect_to(request)
    qtbot.waitUntil(lambda: kinds == ["tls_untrusted"], timeout=WAIT_MS)
    problem = controller.tls_problem
    assert problem is not None
    assert problem.verdict is Verdict.UNKNOWN
    assert problem.fingerprint == server.tls_fingerprint
    assert controller.state is ClientState.DISCONNECTED  # nothing retries behind the user's back

    controller.trust_certificate(problem.fingerprint)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        controller.connect_to(request)
    assert [u.name for u in server.users] == ["anna"]


def test_a_changed_certificate_is_refused_naming_both(
    qtbot: QtBot, make_tls_server: Callable[..., ChatServer], make_controller: Callable[..., ClientController]
) -> None:
    first = make_tls_server("a")
    controller = make_controller()
    request = ConnectRequest("anna", "127.0.0.1", first.port, tls=True)
    kinds = _failures(controller)
    controller.connect_to(request)
    qtbot.waitUntil(lambda: kinds == ["tls_untrusted"], timeout=WAIT_MS)
    assert controller.tls_problem is not None
    controller.trust_certificate(controller.tls_problem.fingerprint)
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        controller.connect_to(request)
    old = first.tls_fingerprint

    port = first.port
    first.close()
    impostor = make_tls_server("b", port=port)  # same address, another certificate
    qtbot.waitUntil(lambda: "tls_changed" in kinds, timeout=WAIT_MS)
    problem = controller.tls_problem
    assert problem is not None
    assert problem.verdict is Verdict.CHANGED
    assert problem.pinned == old
    assert problem.fingerprint == impostor.tls_fingerprint != old
    qtbot.waitUntil(lambda: controller.state is ClientState.DISCONNECTED, timeout=WAIT_MS)
    assert impostor.users == []


def test_tls_client_to_a_plain_server_fails_quickly(
    qtbot: QtBot, make_tls_server: Callable[..., ChatServer], make_controller: Callable[..., ClientController]
) -> None:
    plain = make_tls_server(tls=False)
    controller = make_controller()
    kinds = _failures(controller)
    controller.connect_to(ConnectRequest("anna", "127.0.0.1", plain.port, tls=True))
    qtbot.waitUntil(lambda: bool(kinds), timeout=WAIT_MS)
    assert kinds == ["tls_unexpected"]  # and not OpenSSL's words: test_tls_mismatch.py


def test_the_dialog_asks_about_the_certificate_and_connects_once_trusted(
    qtbot: QtBot,
    make_tls_server: Callable[..., ChatServer],
    make_controller: Callable[..., ClientController],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = make_tls_server()
    controller = make_controller()
    asked: list[tuple[str, str, str | None]] = []

    def ask(parent: object, address: str, fingerprint: str, previous: str | None = None) -> bool:
        asked.append((address, fingerprint, previous))
        return True

    monkeypatch.setattr(TrustDialog, "ask", classmethod(lambda cls, *a, **k: ask(*a, **k)))
    dialog = ConnectDialog(controller=controller, name="anna", host="127.0.0.1", port=server.port, tls=True)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(controller.connected, timeout=WAIT_MS):
        dialog._connect_button.click()
    assert asked == [(f"127.0.0.1:{server.port}", server.tls_fingerprint, None)]
    qtbot.waitUntil(lambda: dialog.result() == ConnectDialog.DialogCode.Accepted, timeout=WAIT_MS)
