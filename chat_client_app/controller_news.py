"""What the windows hear from the controller: its signals, and how the session's plain
events become them.

:class:`ControllerNews` is the part of
:class:`~chat_client_app.controller.ClientController` that only tells: the signals, and
for each event of the session that needs nothing but telling, the signal it is. The
controller adds the events it acts on too (the state, the welcome, the failures).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaMethod, QObject, Signal

from chat_client_app.server_errors import refusal
from chat_client_app.session import events as ev
from shared.validation import GENERAL

__all__ = ["ControllerNews"]


class ControllerNews(QObject):
    """The signals of a client controller, and the events told as they are."""

    # Whatever carries data from the wire is declared ``object``: ``str`` and ``list``
    # signals convert through Qt types, which drops a leading U+FEFF from a text and
    # overflows on integers past 64 bits (a hostile server's ids). The enums are
    # ``object`` too, so that they arrive as members, not as their strings.
    state_changed = Signal(object)  # ClientState
    connected = Signal(object)  # Welcome
    history_reset = Signal()  # the welcome brought another server_id: the history started over
    attempt_failed = Signal(object, object)  # kind (error code or FailureKind), human sentence
    disconnected = Signal(object)  # DisconnectReason of a session that was up
    message_received = Signal(object)  # ChatMessage, one by one (only emitted when connected)
    messages_received = Signal(object)  # list[ChatMessage]: each run of consecutive messages at once
    message_queued = Signal(object)  # Outgoing: the user typed it (pending)
    send_state_changed = Signal(str, object, object)  # cid, SendState, reason (failed only)
    user_joined = Signal(object)  # name
    user_left = Signal(object, object)  # name, reason
    users_reset = Signal(object)  # list[str]: welcome's names
    notice_received = Signal(object, object)  # text, room (general: to everyone)
    read_only_changed = Signal(
        object, bool
    )  # room (general: the whole chat), whether only the operator writes
    error_received = Signal(object, object)  # code, message: errors not about one say
    kicked = Signal(object)  # reason
    shutdown_received = Signal(object)  # reason
    reconnect_scheduled = Signal(float)  # seconds until the next attempt
    reconnect_countdown = Signal(int)  # whole seconds left, every second
    rtt_measured = Signal(float)  # seconds
    replay_started = Signal()
    replay_finished = Signal(int, object)  # messages from others replayed, id of the first (0: none)
    search_results_received = Signal(object)  # ev.SearchResults: sid, messages, more, before
    history_page_received = Signal(object)  # ev.HistoryPageReceived: sid, Chat, around, messages

    def _plain_tellers(self) -> dict[type, Callable[[Any], None]]:
        """For each kind of event that is only told, how."""
        return {
            ev.MessagesReceived: self._tell_messages,
            ev.SendStateChanged: self._tell_send_state,
            ev.MessageQueued: lambda e: self.message_queued.emit(e.out),
            ev.UserJoined: lambda e: self.user_joined.emit(e.name),
            ev.UserLeft: lambda e: self.user_left.emit(e.name, e.reason),
            ev.UsersReset: lambda e: self.users_reset.emit(list(e.names)),
            ev.HistoryReset: lambda e: self.history_reset.emit(),
            ev.NoticeReceived: self._tell_notice,
            ev.ServerError: lambda e: self.error_received.emit(e.code, e.message),
            ev.KickReceived: lambda e: self.kicked.emit(e.reason),
            ev.ShutdownReceived: lambda e: self.shutdown_received.emit(e.reason),
            ev.RttMeasured: lambda e: self.rtt_measured.emit(e.seconds),
            ev.ReplayStarted: lambda e: self.replay_started.emit(),
            ev.SearchResults: self.search_results_received.emit,
            ev.HistoryPageReceived: self.history_page_received.emit,
            ev.Disconnected: lambda e: self.disconnected.emit(e.reason),
        }

    def _tell_send_state(self, event: ev.SendStateChanged) -> None:
        # The server's refusal in the user's language, by its code: never its English.
        reason = refusal(event.code, event.reason) if event.code else event.reason
        self.send_state_changed.emit(event.cid, event.state, reason)

    def _tell_messages(self, event: ev.MessagesReceived) -> None:
        run = list(event.messages)
        self.messages_received.emit(run)
        if self.isSignalConnected(_PER_MESSAGE):
            for message in run:
                self.message_received.emit(message)

    def _tell_notice(self, event: ev.NoticeReceived) -> None:
        # The whole chat's switch is told in the user's language (server_news), not in the server's.
        if event.read_only is None or event.room != GENERAL:
            self.notice_received.emit(event.text, event.room)
        if event.read_only is not None:
            self.read_only_changed.emit(event.room, event.read_only)


# From the class: QMetaMethod.fromSignal(self.message_received) keeps its instance alive.
_META = ControllerNews.staticMetaObject  # type: ignore[attr-defined]  # PySide's stubs omit it
_PER_MESSAGE: QMetaMethod = _META.method(_META.indexOfSignal("message_received(PyObject)"))
