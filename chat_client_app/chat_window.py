"""The chat window: the controller's signals wired to models and views.

No protocol logic lives here: what a typed line means comes from
:mod:`chat_client_app.commands` (through :class:`~chat_client_app.send_box.SendBox`),
what the server says comes from
:class:`~chat_client_app.controller.ClientController`'s signals, and the rows are
kept by :class:`~chat_client_app.message_model.MessageModel`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListView, QMainWindow, QSplitter, QVBoxLayout, QWidget

from chat_client_app.attention import Attention
from chat_client_app.attention_settings import AttentionChoice, AttentionMenu
from chat_client_app.colours import palette_is_dark
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.connection_status import ConnectionStatus
from chat_client_app.controller import (
    Chat,
    ClientController,
    ClientState,
    ConnectRequest,
    Outgoing,
)
from chat_client_app.find_bar import FindBar
from chat_client_app.finder import Finder
from chat_client_app.icons import app_icon
from chat_client_app.idle_away import IdleAway
from chat_client_app.input_line import InputLine
from chat_client_app.mentions_dock import MentionsDock
from chat_client_app.message_model import DEFAULT_MAX_ROWS, EntryKind, MentionsFilter, MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.notices import notice_for
from chat_client_app.read_only_banner import ReadOnlyBanner
from chat_client_app.room_list_panel import RoomListPanel
from chat_client_app.send_box import COUNTER_FROM, SendBox
from chat_client_app.server_news import ServerNews
from chat_client_app.server_search import SearchResultsPanel, ServerSearch
from chat_client_app.unsent_dialog import UnsentChoice, UnsentDialog
from chat_client_app.user_list_panel import UserListPanel
from chat_client_app.user_model import UserListModel
from chat_client_app.window_connect import ServerChooser
from chat_client_app.window_menus import WindowMenus
from chat_client_app.window_names import name_window_parts
from chat_client_app.window_rooms import WindowRooms
from chat_client_app.window_title import window_title
from shared.messages import ChatMessage, PresenceState, Welcome
from shared.validation import GENERAL, name_key
from shared_gui.appearance import AppearanceMenu

__all__ = ["ChatWindow", "COUNTER_FROM"]


class ChatWindow(QMainWindow):
    """The main window of the client."""

    def __init__(
        self,
        controller: ClientController,
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        announce_port: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._unread = 0
        self._marker_due = False  # the next live message gets an unread marker above it
        self._session: tuple[str, int, str] | None = None
        self._closing = False
        self._server_name = ""
        # Closing with messages not sent asks what to do with them; a stop signal does
        # not ask (nobody may be there to answer): they are kept.
        self.ask_before_closing = True

        self._model = MessageModel(max_rows, self)
        self._users = UserListModel(self)
        self._mentions = MentionsFilter(self)
        self._mentions.setSourceModel(self._model)

        self.setWindowIcon(app_icon())
        self.resize(900, 600)
        self.setMinimumSize(480, 360)  # a half-screen tile of a small laptop: still a usable chat
        self._create_widgets()
        self._menus = WindowMenus(
            self,
            connect=self._on_connect_triggered,
            find=self.open_find,
            find_next=self.find_next,
            find_previous=self.find_previous,
            clear=self._clear,
            quit=self.close,
            mentions=self._mentions_dock.toggleViewAction(),
            go_to_input=self._send_box.focus_input,
            go_to_users=self._users_panel.list_view.setFocus,
            help=self._show_help,
            status=self._set_status,
        )
        self._attention_menu = AttentionMenu(self._menus.view_menu, self._attention.settings)
        self._appearance_menu = AppearanceMenu(self._menus.view_menu)
        name_window_parts(self)
        self._chooser = ServerChooser(
            self, controller, announce_port=announce_port, done=self._send_box.focus_input
        )
        self._connect_controller()
        self._connect_widgets()
        self._on_palette_changed()
        self._update_title()
        self._on_controller_state_changed(controller.state)

    # --- building -------------------------------------------------------------------

    def _create_widgets(self) -> None:
        self._view = MessageView(self)
        self._view.setModel(self._model)
        self._view.setAccessibleName(self.tr("Messages"))
        self._view.setAccessibleDescription(self.tr("The chat's messages, newest at the bottom."))
        self._users_panel = UserListPanel(self._users, self)
        self._typing_line = QLabel(self)
        self._typing_line.setTextFormat(Qt.TextFormat.PlainText)  # names are the wire's
        self._typing_line.setAccessibleDescription(self.tr("Who is typing"))
        self._typing_line.hide()  # until someone types (window_rooms)
        self._rooms = WindowRooms(
            self._controller, self._model, self._users, self._view, self._users_panel, self._typing_line, self
        )
        self._room_panel = RoomListPanel(self._rooms.rooms_model, self)
        self._rooms.attach(self._room_panel)
        self._idle = IdleAway(self._controller.rooms, parent=self)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setAccessibleName(self.tr("Rooms, messages and users"))
        splitter.addWidget(self._room_panel)
        splitter.addWidget(self._view)
        splitter.addWidget(self._users_panel)
        splitter.setChildrenCollapsible(False)  # dragged to nothing, a panel looks gone
        for column, stretch in enumerate((1, 4, 1)):
            splitter.setStretchFactor(column, stretch)
        splitter.setSizes([160, 560, 180])

        self._find_bar = FindBar(self)
        self._find_bar.hide()
        self._search_results = SearchResultsPanel(self)
        self._search_results.hide()
        self._send_box = SendBox(self._users, self)
        self._paused_banner = ReadOnlyBanner(self._controller, self)
        self._paused_banner.paused_changed.connect(lambda paused: self._send_box.setEnabled(not paused))
        self._rooms.chat_changed.connect(self._paused_banner.show_chat)

        central = QWidget(self)
        central.setAccessibleName(self.tr("Chat"))
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter, 1)
        layout.addWidget(self._typing_line)
        layout.addWidget(self._search_results)
        layout.addWidget(self._find_bar)
        layout.addWidget(self._paused_banner)
        layout.addWidget(self._send_box)
        self.setCentralWidget(central)

        # Mentions: rows naming the user, and private ones, in a dock of their own.
        self._mentions_dock = MentionsDock(self._mentions, self)
        self._mentions_view = self._mentions_dock.view
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self._mentions_dock)
        self._mentions_dock.hide()

        self._status = ConnectionStatus(self.statusBar())
        self._finder = Finder(self._model, self._view, self._mentions_view, self._find_bar)
        self.server_search = ServerSearch(
            self._controller, self._find_bar, self._search_results, self._rooms, self._view, self
        )
        self._attention = Attention(self, self._view)
        self._news = ServerNews(
            self._controller,
            self._model,
            self._users,
            self._view,
            self._notify,
            self._rooms.timelines.missed_in_general,
        )

        self.setTabOrder(self._send_box.send_button, self._view)
        self.setTabOrder(self._view, self._users_panel.list_view)
        self._send_box.focus_input()

    def _connect_controller(self) -> None:
        c = self._controller
        c.state_changed.connect(self._on_controller_state_changed)
        c.connected.connect(self._on_controller_connected)
        c.attempt_failed.connect(self._on_controller_attempt_failed)
        c.messages_received.connect(self._on_controller_messages_received)
        c.message_queued.connect(self._on_controller_message_queued)
        c.send_state_changed.connect(self._model.set_send_state)
        c.send_state_changed.connect(self._rooms.timelines.set_send_state)
        c.rooms.status_changed.connect(self._on_rooms_status_changed)
        c.users_reset.connect(self._users.reset)
        c.reconnect_scheduled.connect(self._status.show_reconnect_in)
        c.reconnect_countdown.connect(self._status.show_countdown)
        c.rtt_measured.connect(self._status.show_rtt)

    def _connect_widgets(self) -> None:
        box = self._send_box
        box.say_requested.connect(self._on_send_box_say_requested)
        box.quit_requested.connect(self.close)
        box.help_requested.connect(self._show_help)
        box.clear_requested.connect(self._clear)
        box.info.connect(self._info)
        box.problem.connect(self._status.flash)
        box.join_requested.connect(self._rooms.join)
        box.part_requested.connect(self._rooms.part)
        box.status_requested.connect(self._set_status)
        box.typed.connect(self._rooms.typed)
        self._status.retry_clicked.connect(self._on_status_retry_clicked)
        self._users_panel.name_activated.connect(self._send_box.write_privately_to)
        for view in (self._view, self._mentions_view):
            view.link_clicked.connect(self._on_view_link_clicked)
            view.retry_requested.connect(self._controller.retry)
        self._mentions_dock.source_activated.connect(self._on_mentions_dock_source_activated)
        self._find_bar.closed.connect(self._send_box.focus_input)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self._find_bar)
        escape.activated.connect(self._find_bar.close_bar)

    # --- what tests and the app read ---------------------------------------------------

    @property
    def model(self) -> MessageModel:
        return self._model

    @property
    def users(self) -> UserListModel:
        return self._users

    @property
    def mentions(self) -> MentionsFilter:
        return self._mentions

    @property
    def view(self) -> MessageView:
        return self._view

    @property
    def input_line(self) -> InputLine:
        return self._send_box.input_line

    @property
    def find_bar(self) -> FindBar:
        return self._find_bar

    @property
    def unread(self) -> int:
        return self._unread

    # --- the user's requests ------------------------------------------------------------

    @property
    def rooms(self) -> WindowRooms:
        return self._rooms

    @property
    def controller(self) -> ClientController:
        return self._controller

    @property
    def idle(self) -> IdleAway:
        return self._idle

    @property
    def room_panel(self) -> RoomListPanel:
        return self._room_panel

    @property
    def typing_line(self) -> QLabel:
        return self._typing_line

    def _on_send_box_say_requested(self, text: str, to: str | None) -> None:
        room, to = self._rooms.target() if to is None else (GENERAL, to)
        self._controller.say(text, to=to, room=room)

    def _set_status(self, state: PresenceState, text: str = "") -> None:
        self._idle.user_chose()
        self._controller.rooms.set_status(state, text)

    def _on_rooms_status_changed(self, name: str, state: PresenceState, text: str) -> None:
        if name_key(name) == name_key(self._controller.name):
            self._menus.show_status(state)

    def _show_help(self) -> None:
        for line in self._send_box.help_lines():
            self._info(line)

    def _clear(self) -> None:
        self._model.clear()
        self._send_box.focus_input()

    def _info(self, text: str) -> None:
        if not self._rooms.current.is_general:
            self._rooms.info(text)
            return
        self._model.add_event(EntryKind.INFO, text)
        self._view.scroll_to_end()

    def _on_status_retry_clicked(self) -> None:
        self._controller.retry_now()
        self._send_box.focus_input()

    def _on_view_link_clicked(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def _on_mentions_dock_source_activated(self, source: QModelIndex) -> None:
        self._view.setCurrentIndex(source)
        self._view.scrollTo(source, QListView.ScrollHint.PositionAtCenter)

    # --- the controller's news ---------------------------------------------------------

    def _on_controller_state_changed(self, state: ClientState | str) -> None:
        request = self._controller.request
        name = self._controller.name
        self._status.show_state(ClientState(state), request, name)
        if request is not None:
            # What is typed before the first welcome is shown under the name asked for.
            self._model.set_own_name(name)
        self._update_title()

    def _on_controller_connected(self, welcome: Welcome) -> None:
        request = self._controller.request
        assert request is not None
        session = (request.host.lower(), request.port, name_key(welcome.name))
        if self._session is not None and session != self._session:
            # Another server or another name: the old conversation (and its unread) is not this one.
            self._model.clear(include_pending=True)
            self._unread = 0
        first = self._session != session
        self._session = session
        self._server_name = welcome.server
        self._model.set_own_name(welcome.name)
        self._rooms.timelines.set_own_name(welcome.name)
        self._users.set_own_name(welcome.name)
        if first:
            self._info(
                self.tr("Connected to {server} ({address}) as {name}.").format(
                    server=welcome.server, address=request.address, name=welcome.name
                )
            )
            if welcome.motd:
                motd = self.tr("Message of the day: {motd}").format(motd=welcome.motd)
                self._model.add_event(EntryKind.NOTICE, motd)
        else:
            self._info(self.tr("Reconnected."))
        self._news.welcomed(welcome, first=first)
        self._status.show_operator_reads_private(welcome.operator_reads_private)
        self._update_title()

    def _on_controller_attempt_failed(self, kind: str, message: str) -> None:
        self._status.flash(message)
        self._chooser.attempt_failed(kind, message)

    def _on_controller_messages_received(self, messages: list[ChatMessage]) -> None:
        own = name_key(self._controller.name)
        attentive = self._is_attentive()
        live = [m for m in messages if not m.history and name_key(m.sender) != own]
        self._rooms.timelines.add_messages(messages, attentive=attentive)
        # Private messages stay in general's timeline too (and so in the mentions dock).
        general = [m for m in messages if m.to is not None or Chat.room(m.room).is_general]
        if live and not attentive and self._marker_due and any(m in general for m in live):
            self._marker_due = False
            self._model.place_unread_marker(self.tr("New"))
        self._model.add_messages(general)
        if not live:
            return
        if not attentive:
            self._unread += len(live)
            self._update_title()
        only_urgent = self._attention.settings.get(AttentionChoice.ONLY_URGENT)
        looking = self._rooms.current if attentive else None
        notice = notice_for(live, self._controller.name, looking, only_urgent=only_urgent)
        if notice is not None:
            self._attention.tell(notice)
        if len(live) == 1:
            self._attention.announce(f"{live[0].sender}: {live[0].text}")
        else:
            self._attention.announce(self.tr("%n new message(s)", "", len(live)))

    def _on_controller_message_queued(self, out: Outgoing) -> None:
        if self._controller.request is not None and self._model.own_name != self._controller.name:
            # Says kept from the last run are queued as the connection starts, before
            # any state change told the model whose they are.
            self._model.set_own_name(self._controller.name)
        if self._rooms.add_outgoing(out) or out.to is not None:
            self._model.add_outgoing(out)
        self._view.scroll_to_end()  # what you send, you see

    # --- finding ----------------------------------------------------------------------

    def open_find(self) -> None:
        self._finder.open()

    def find_next(self) -> None:
        self._finder.find_next()

    def find_previous(self) -> None:
        self._finder.find_previous()

    # --- attention: title, tray, screen readers -------------------------------------------

    def _is_attentive(self) -> bool:
        """Whether the user is looking at this window (new messages are not "unread")."""
        return self.isActiveWindow() and not self.isMinimized()

    def _notify(self, title: str, text: str) -> None:
        if not self._is_attentive():
            self._attention.notify(title, text)

    def _update_title(self) -> None:
        c, request = self._controller, self._controller.request
        here = request is not None and self._session is not None and self._session[:2] == request.place
        server = self._server_name if here else (request.host if request is not None else "")
        self.setWindowTitle(window_title(c.name if request else "", server, c.state, self._unread))
        self._attention.show_unread(self._unread)

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.ActivationChange:
            if self._is_attentive():
                self._rooms.timelines.looked_at()
                if self._unread:
                    self._unread = 0
                    self._update_title()
            else:
                self._marker_due = True
        elif kind == QEvent.Type.PaletteChange:
            self._on_palette_changed()
        elif kind == QEvent.Type.FontChange:
            self._model.invalidate_sizes()
            self._view.doItemsLayout()
        super().changeEvent(event)

    def _on_palette_changed(self) -> None:
        dark = palette_is_dark(self.palette())
        self._model.set_dark(dark)
        self._rooms.timelines.set_dark(dark)
        self._rooms.members.set_dark(dark)
        self._users.set_dark(dark)

    # --- connecting and leaving ------------------------------------------------------------

    @property
    def connect_dialog(self) -> ConnectDialog | None:
        """The connect dialog beside the window, if one is open."""
        return self._chooser.dialog

    def _on_connect_triggered(self) -> None:
        self._chooser.ask()

    def start(self, request: ConnectRequest) -> None:
        """Show the window and connect (the ``--connect`` path)."""
        self.show()
        self._controller.connect_to(request)

    def closeEvent(self, event: QCloseEvent) -> None:
        pending = len(self._controller.pending)
        if pending and self.ask_before_closing and not self._closing:
            choice = UnsentDialog.ask(self, pending)
            if choice is UnsentChoice.CANCEL:
                event.ignore()
                return
            if choice is UnsentChoice.DISCARD:
                self._controller.discard_pending()
        # Closing the window is leaving the chat: bye, then a clean close.
        self._closing = self._chooser.closing = True
        self._attention.stop()
        self._controller.quit()
        event.accept()
