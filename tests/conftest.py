"""Fixtures for every test."""

from __future__ import annotations

import faulthandler
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtNetwork import QSslSocket
from PySide6.QtWidgets import QApplication

from shared.qt import connection as connection_module
from shared.qt import outgoing as outgoing_module


@pytest.fixture(scope="session", autouse=True)
def _tls_backend_loaded(qapp: QApplication) -> None:
    """Load Qt's TLS backend once, before any test watches Qt's log.

    Under pytest-qt's QApplication the first TLS call of the process makes Qt
    print "QObject::connect(QObject, Unknown): invalid nullptr parameter" from
    inside the backend's loading; it is Qt's, once per process, and would fail
    whichever test happened to touch TLS first.
    """
    assert QSslSocket.supportsSsl(), "Qt's OpenSSL backend is missing"


@pytest.fixture(autouse=True)
def _keep_unsent_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chat window closed with says pending asks in a modal dialog, whose event loop
    would wait for a click that never comes; tests that mean it drive the dialog
    themselves."""
    from chat_client_app.unsent_dialog import UnsentChoice, UnsentDialog

    monkeypatch.setattr(UnsentDialog, "ask", classmethod(lambda cls, parent, count: UnsentChoice.KEEP))


@pytest.fixture(autouse=True)
def _no_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sends a notification to the desktop of whoever runs it: the notifier sees
    no session bus (tests that want one start their own)."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "")


WATCHDOG_S = 300
"""pytest-timeout's alarm (120 s) raises only when Python runs; a test stuck inside a
C++ event loop (a modal dialog's ``exec()``) never sees it. Past this, the whole run
stops with every thread's stack instead of eating CI's budget in silence."""


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(params=["reactor", "portable"])
def read_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every connection on Linux's fast path (accepted sockets read through the reactor's
    epoll set, bytes written straight to the descriptor), then on the portable path that
    macOS and Windows get: no reactor, and Qt's own reads and writes for everything.
    Modules that want every test both ways say
    ``pytestmark = pytest.mark.usefixtures("read_path")``."""
    if request.param == "portable":
        monkeypatch.setattr(connection_module, "read_reactor", lambda: None)
        monkeypatch.setattr(outgoing_module, "DIRECT_WRITES", False)
    assert isinstance(request.param, str)
    return request.param
