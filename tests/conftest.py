"""Fixtures for every test."""

from __future__ import annotations

import pytest
from PySide6.QtNetwork import QSslSocket
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def _tls_backend_loaded(qapp: QApplication) -> None:
    """Load Qt's TLS backend once, before any test watches Qt's log.

    Under pytest-qt's QApplication the first TLS call of the process makes Qt
    print "QObject::connect(QObject, Unknown): invalid nullptr parameter" from
    inside the backend's loading; it is Qt's, once per process, and would fail
    whichever test happened to touch TLS first.
    """
    assert QSslSocket.supportsSsl(), "Qt's OpenSSL backend is missing"
