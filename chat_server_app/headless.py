"""The server with no window: one log line per event, graceful stop on SIGINT/SIGTERM."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer

from chat_server_app.core.privacy import operator_view
from chat_server_app.engine import ChatServer, ListenError, Session
from chat_server_app.settings import Settings
from chat_server_app.store import StoredMessage
from shared.qt.stop_signals import StopSignalWatcher
from shared.quoting import quoted

__all__ = ["run_headless", "DRAIN_TIMEOUT_MS"]

DRAIN_TIMEOUT_MS = 3000
"""After ``shutdown`` frames are queued, how long to wait for clients to take them."""


def _log(text: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} {text}", file=sys.stderr, flush=True)


STORE_ERROR_EVERY = 60.0
"""Seconds between two log lines of the same history error."""


class HeadlessLog:
    """Writes the engine's events to stderr, message text only when asked.

    What a peer chose (a name, a message's text) is quoted short (:func:`quoted`);
    the error messages come quoted so from the rules, and a flood of warnings about
    one address comes as one summary line (``warnings_summarised``).
    """

    def __init__(self, engine: ChatServer, log_messages: bool) -> None:
        self._log_messages = log_messages
        self._reads_private = engine.settings.operator_reads_private
        engine.user_joined.connect(self._on_user_joined)
        engine.user_left.connect(self._on_user_left)
        engine.user_kicked.connect(self._on_user_kicked)
        engine.error_sent.connect(self._on_error_sent)
        engine.notice_sent.connect(lambda text: _log(f"notice: {text}"))
        engine.store_failed.connect(self._on_store_failed)
        self._store_error = ""  # the last history error logged, and when, and how many since
        self._store_error_at = 0.0
        self._store_errors_since = 0
        engine.connection_failed.connect(lambda peer, text: _log(f"connection from {peer} failed: {text}"))
        engine.accept_failed.connect(
            lambda text: _log(f"cannot accept new connections ({text}): trying again every 0.25 s")
        )
        engine.warnings_summarised.connect(self._on_warnings_summarised)
        engine.messages_posted.connect(self._on_messages_posted)

    def _on_store_failed(self, text: str) -> None:
        # A full disk fails every pass: the first failure is logged, then one line a
        # minute with how many more came, not one line a pass.
        now = time.monotonic()
        if text == self._store_error and now - self._store_error_at < STORE_ERROR_EVERY:
            self._store_errors_since += 1
            return
        more = self._store_errors_since
        suffix = f" ({more} more like the last one before it)" if more else ""
        _log(f"HISTORY ERROR: {text}{suffix}")
        self._store_error, self._store_error_at, self._store_errors_since = text, now, 0

    def _on_user_joined(self, session: Session) -> None:
        _log(f"join {quoted(session.name)} from {session.address}")

    def _on_user_left(self, session: Session, reason: str) -> None:
        _log(f"leave {quoted(session.name)} ({reason})")

    def _on_user_kicked(self, session: Session, reason: str) -> None:
        _log(f"kick {quoted(session.name)}: {reason}")

    def _on_error_sent(self, session: Session, code: str, message: str) -> None:
        who = quoted(session.name) if session.name else session.address
        _log(f"error to {who}: {code}: {message}")

    def _on_warnings_summarised(self, address: str, kind: str, count: int) -> None:
        _log(f"… {count} more like this ({kind}) from {address}")

    def _on_messages_posted(self, messages: list[StoredMessage]) -> None:
        if not self._log_messages:
            return
        for m in messages:
            header, text = operator_view(m, self._reads_private)
            _log(
                f"message #{m.id} {header}: {quoted(text)}"
                if text is not None
                else f"message #{m.id} {header} (private)"
            )


def run_headless(settings: Settings, engine: ChatServer) -> int:
    """Run ``engine`` until SIGINT/SIGTERM; the caller made the QCoreApplication."""
    app = QCoreApplication.instance()
    assert app is not None
    log = HeadlessLog(engine, settings.log_messages)

    def stop(signum: int) -> None:
        _log(f"signal {signum}: shutting down")
        engine.stop()
        deadline = time.monotonic() + DRAIN_TIMEOUT_MS / 1000

        def wait_for_clients() -> None:
            if engine.connection_count == 0 or time.monotonic() > deadline:
                app.quit()
            else:
                QTimer.singleShot(20, wait_for_clients)

        wait_for_clients()

    # Watch for signals before announcing readiness: a supervisor may signal
    # as soon as it reads the line below.
    watcher = StopSignalWatcher(stop)
    try:
        engine.start()
    except ListenError as exc:
        print(f"chat-server: error: {exc}", file=sys.stderr)
        watcher.close()
        return 1
    host = settings.host if ":" not in settings.host else f"[{settings.host}]"
    print(f"listening on {host}:{engine.port}", flush=True)
    _log(f"server {settings.display_name!r} listening on {host}:{engine.port}")
    if engine.tls_fingerprint is not None:
        _log(f"TLS certificate SHA-256 fingerprint: {engine.tls_fingerprint}")
    status = app.exec()
    watcher.close()
    del log
    engine.close()
    _log("stopped")
    return status
