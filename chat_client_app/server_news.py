"""What the server says besides chat messages, told as rows of the timeline.

Presence, notices, errors, a kick, a shutdown, the end of a replay: :class:`ServerNews`
wires those signals of the controller to the message and user models, in words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from chat_client_app.controller import ClientController, DisconnectReason
from chat_client_app.message_model import EntryKind, MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.reasons import left_reason
from chat_client_app.server_errors import server_error
from chat_client_app.user_model import UserListModel
from shared.messages import GENERAL, SHUTDOWN_REASON, LeftReason, Welcome

__all__ = ["ServerNews"]


class ServerNews(QObject):
    """Rows for the controller's news; ``notify(title, text)`` for what deserves a notice."""

    def __init__(
        self,
        controller: ClientController,
        model: MessageModel,
        users: UserListModel,
        view: MessageView,
        notify: Callable[[str, str], None],
        missed_here: Callable[[], tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(model)
        self._model = model
        self._users = users
        self._view = view
        self._notify = notify
        # The replay of every room comes as one; the divider here counts this timeline's.
        self._missed_here = missed_here
        self._operator_reads: bool | None = None  # as the last welcome said
        self._read_only = False  # the whole chat's switch, as last told
        c = controller
        c.history_reset.connect(self._on_controller_history_reset)
        c.disconnected.connect(self._on_controller_disconnected)
        c.user_joined.connect(self._on_controller_user_joined)
        c.user_left.connect(self._on_controller_user_left)
        c.notice_received.connect(self._on_controller_notice_received)
        c.error_received.connect(self._on_controller_error_received)
        c.kicked.connect(self._on_controller_kicked)
        c.shutdown_received.connect(self._on_controller_shutdown_received)
        c.replay_finished.connect(self._on_controller_replay_finished)
        c.read_only_changed.connect(self._on_controller_read_only_changed)

    def _info(self, text: str) -> None:
        self._model.add_event(EntryKind.INFO, text)
        self._view.scroll_to_end()

    def welcomed(self, welcome: Welcome, *, first: bool) -> None:
        """What a welcome says about the history and privacy, after the window's greeting."""
        if welcome.replay_truncated:
            self._info(self.tr("Older messages are not shown."))
        reads = welcome.operator_reads_private
        if reads and (first or self._operator_reads is not True):
            # Said in the timeline once per server (and again if it changes), and kept in
            # the status bar for as long as it holds.
            self._model.add_event(
                EntryKind.NOTICE, self.tr("The operator of this server can read private messages.")
            )
        self._operator_reads = reads
        self._read_only = welcome.read_only  # the banner shows it; the timeline tells changes

    def _on_controller_read_only_changed(self, room: str, on: bool) -> None:
        if room != GENERAL or on == self._read_only:
            return
        self._read_only = on
        text = (
            self.tr("The teacher has paused the chat: only they can write for now.")
            if on
            else self.tr("The chat is open again: everyone can write.")
        )
        self._model.add_event(EntryKind.NOTICE, text)
        self._view.scroll_to_end()

    def _on_controller_history_reset(self) -> None:
        # Older rows stay: they are what the user saw, from the history that ended.
        self._model.add_event(EntryKind.NOTICE, self.tr("This server's history was reset."))
        self._view.scroll_to_end()

    def _on_controller_disconnected(self, reason: DisconnectReason | str) -> None:
        # Kicked and shutdown have said so already, in their own words.
        said = {
            DisconnectReason.LOST: self.tr("The connection was lost: reconnecting…"),
            DisconnectReason.ERROR: self.tr("The server closed the connection after an error."),
            DisconnectReason.QUIT: self.tr("You left the chat."),
        }.get(DisconnectReason(reason))
        if said is not None:
            self._info(said)
        self._users.clear()

    def _on_controller_user_joined(self, name: str) -> None:
        self._users.add(name)
        self._model.add_event(EntryKind.JOINED, self.tr("→ {name} joined the chat").format(name=name), name)

    def _on_controller_user_left(self, name: str, reason: str) -> None:
        self._users.remove(name)
        why = {
            LeftReason.QUIT: self.tr("left the chat"),
            LeftReason.DISCONNECTED: self.tr("lost the connection"),
            LeftReason.TIMEOUT: self.tr("stopped answering"),
            LeftReason.KICKED: self.tr("was removed by the operator"),
            LeftReason.SEND_QUEUE: self.tr("could not keep up and was disconnected"),
        }
        known = left_reason(reason)
        said = why[known] if known is not None else self.tr("left ({reason})").format(reason=reason)
        self._model.add_event(EntryKind.LEFT, f"← {name} {said}", name)

    def _on_controller_notice_received(self, text: str, room: str) -> None:
        if room != GENERAL:
            return  # a room's own: its timeline shows it (window_rooms)
        self._model.add_event(EntryKind.NOTICE, self.tr("Notice: {text}").format(text=text))
        self._notify(self.tr("Notice from the server"), text)

    def _on_controller_error_received(self, code: str, message: str) -> None:
        self._model.add_event(EntryKind.ERROR, server_error(code, message))

    def _on_controller_kicked(self, reason: str) -> None:
        text = (
            self.tr("The operator removed you from the chat: {reason}").format(reason=reason)
            if reason
            else self.tr("The operator removed you from the chat.")
        )
        self._model.add_event(EntryKind.ERROR, text)
        self._view.scroll_to_end()
        self._notify(self.tr("Removed from the chat"), text)

    def _on_controller_shutdown_received(self, reason: str) -> None:
        # The server's stock reason only says again that it shuts down, in English: the
        # notice says it once, in the user's language; an operator's own words follow it.
        said = " ".join(reason.split())
        if not said or said.casefold().rstrip(".") == SHUTDOWN_REASON.casefold().rstrip("."):
            text = self.tr("The server is shutting down. Reconnecting when it is back.")
        else:
            text = self.tr("The server is shutting down: {reason}. Reconnecting when it is back.").format(
                reason=said.rstrip(".")
            )
        self._model.add_event(EntryKind.NOTICE, text)

    def _on_controller_replay_finished(self, count: int, first_id: int) -> None:
        if self._missed_here is not None:
            count, first_id = self._missed_here()
        if count > 0:
            self._model.add_divider(self.tr("%n missed while you were away", "", count), count, first_id)
