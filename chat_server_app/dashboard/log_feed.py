"""Turns the engine's signals into log entries: one model update per event-loop pass."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from chat_server_app.dashboard.addresses import with_port
from chat_server_app.dashboard.log_model import LogEntry, LogKind, LogModel, message_entry
from chat_server_app.engine import ChatServer, Session
from chat_server_app.store import StoredMessage
from shared.messages import LeftReason

__all__ = ["LogFeed"]


class LogFeed(QObject):
    """Collects what happens during one pass and appends it to the model at its end.

    A flood brings hundreds of joins, errors and message batches per pass; one
    insertion for all of them keeps the view's layout work per pass constant.
    """

    def __init__(self, engine: ChatServer, model: LogModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._model = model
        self._pending: list[LogEntry] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self.flush)

        engine.listening_changed.connect(self._on_engine_listening_changed)
        engine.user_joined.connect(self._on_engine_user_joined)
        engine.user_left.connect(self._on_engine_user_left)
        engine.user_kicked.connect(self._on_engine_user_kicked)
        engine.error_sent.connect(self._on_engine_error_sent)
        engine.notice_sent.connect(self._on_engine_notice_sent)
        engine.messages_posted.connect(self._on_engine_messages_posted)
        engine.store_failed.connect(self._on_engine_store_failed)
        engine.warnings_summarised.connect(self._on_engine_warnings_summarised)

    def add(self, kind: LogKind, text: str) -> None:
        """Log an event of the window's own (a listen error, say) in order with the rest."""
        self._pending.append(LogEntry(kind, time.time(), text))
        self._schedule()

    def flush(self) -> None:
        self._flush_timer.stop()
        pending, self._pending = self._pending, []
        self._model.append(pending)

    def _schedule(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    # --- engine slots --------------------------------------------------------------

    def _on_engine_listening_changed(self, listening: bool) -> None:
        if listening:
            where = with_port(self._engine.host, self._engine.port)
            self.add(LogKind.SERVER, self.tr("Listening on {address}").format(address=where))
        else:
            self.add(LogKind.SERVER, self.tr("Stopped listening"))

    def _on_engine_user_joined(self, session: Session) -> None:
        text = self.tr("{name} joined from {address}").format(name=session.name, address=session.address)
        self.add(LogKind.JOIN, text)

    def _on_engine_user_left(self, session: Session, reason: str) -> None:
        if reason == LeftReason.KICKED:
            return  # the kick entry just before says it, with the reason
        templates = {
            LeftReason.QUIT.value: self.tr("{name} left"),
            LeftReason.DISCONNECTED.value: self.tr("{name} disconnected"),
            LeftReason.TIMEOUT.value: self.tr("{name} timed out (no answer to ping)"),
            LeftReason.SEND_QUEUE.value: self.tr("{name} was dropped: too slow to receive"),
        }
        template = templates.get(reason, self.tr("{name} left ({reason})"))
        self.add(LogKind.LEAVE, template.format(name=session.name, reason=reason))

    def _on_engine_user_kicked(self, session: Session, reason: str) -> None:
        if reason:
            text = self.tr("{name} was kicked: {reason}").format(name=session.name, reason=reason)
        else:
            text = self.tr("{name} was kicked").format(name=session.name)
        self.add(LogKind.KICK, text)

    def _on_engine_error_sent(self, session: Session, code: str, message: str) -> None:
        who = session.name or session.address  # an error before hello has no name yet
        text = self.tr("Error to {who}: {code}: {message}").format(who=who, code=code, message=message)
        self.add(LogKind.ERROR, text)

    def _on_engine_notice_sent(self, text: str) -> None:
        self.add(LogKind.NOTICE, self.tr("Notice: {text}").format(text=text))

    def _on_engine_messages_posted(self, messages: list[StoredMessage]) -> None:
        reads_private = self._engine.settings.operator_reads_private
        self._pending.extend(message_entry(m, reads_private) for m in messages)
        self._schedule()

    def _on_engine_store_failed(self, error: str) -> None:
        self.add(LogKind.ERROR, self.tr("History error: {error}").format(error=error))

    def _on_engine_warnings_summarised(self, address: str, kind: str, count: int) -> None:
        text = self.tr("… {count} more like this ({kind}) from {address}")
        self.add(LogKind.ERROR, text.format(count=count, kind=kind, address=address))
