"""The chat window: the controller's signals wired to models and views.

No protocol logic lives here: what a typed line means comes from
:mod:`chat_client_app.commands`, what the server says comes from
:class:`~chat_client_app.controller.ClientController`'s signals, and the rows are
kept by :class:`~chat_client_app.message_model.MessageModel`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from chat_client_app.colours import palette_is_dark
from chat_client_app.commands import (
    COMMANDS,
    TRANSLATION_CONTEXT,
    ClearCommand,
    HelpCommand,
    PrivateCommand,
    QuitCommand,
    SayCommand,
    UnknownCommand,
    UsageProblem,
    msg_prefix,
    parse_command,
)
from chat_client_app.connect_dialog import ConnectDialog
from chat_client_app.controller import ClientController, ClientState, ConnectRequest, Outgoing
from chat_client_app.find_bar import FindBar
from chat_client_app.icons import app_icon
from chat_client_app.input_line import InputLine
from chat_client_app.message_model import DEFAULT_MAX_ROWS, EntryKind, MentionsFilter, MessageModel
from chat_client_app.message_view import MessageView
from chat_client_app.trust_dialog import TLS_TRUST_KINDS, settle_certificate
from chat_client_app.user_model import UserListModel
from shared.limits import TEXT_MAX_CHARS
from shared.messages import ChatMessage, Welcome
from shared.validation import name_key, text_problem

__all__ = ["ChatWindow", "COUNTER_FROM"]

COUNTER_FROM = TEXT_MAX_CHARS - 500
"""The character counter shows from here on: far enough ahead to stop mid-sentence."""

ANNOUNCE_MS = 400
"""Screen-reader announcements are merged over this long: a burst is one sentence."""

_WARNING_STYLE_LIGHT = "color: #c62828; font-weight: bold;"
_WARNING_STYLE_DARK = "color: #ff8a80; font-weight: bold;"


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
        self._announce_port = announce_port
        self._unread = 0
        self._marker_due = False  # the next live message gets an unread marker above it
        self._session: tuple[str, int, str] | None = None
        self._dialog_open = False
        self._closing = False
        self._tray: QSystemTrayIcon | None = None
        self._pending_announcement = ""
        self._server_name = ""

        self._model = MessageModel(max_rows, self)
        self._users = UserListModel(self)
        self._mentions = MentionsFilter(self)
        self._mentions.setSourceModel(self._model)
        self._build()
        self._wire()
        self._on_palette_changed()
        self._update_title()
        self._on_controller_state_changed(controller.state.value)

    # --- building -------------------------------------------------------------------

    def _build(self) -> None:
        self.setWindowIcon(app_icon())
        self.setAccessibleName(self.tr("Parla chat"))
        self.resize(900, 600)

        self._view = MessageView(self)
        self._view.setModel(self._model)
        self._view.setAccessibleName(self.tr("Messages"))
        self._view.setAccessibleDescription(self.tr("The chat's messages, newest at the bottom."))

        self._user_count = QLabel(self)
        self._user_count.setAccessibleName(self.tr("Number of users"))
        self._user_list = QListView(self)
        self._user_list.setModel(self._users)
        self._user_list.setAccessibleName(self.tr("Users"))
        self._user_list.setAccessibleDescription(self.tr("Double-click or press Enter to write privately."))
        self._user_list.setToolTip(self.tr("Double-click a name to send a private message"))
        self._user_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        users_panel = QWidget(self)
        users_panel.setAccessibleName(self.tr("Users panel"))
        users_layout = QVBoxLayout(users_panel)
        users_layout.setContentsMargins(0, 0, 0, 0)
        users_layout.addWidget(self._user_count)
        users_layout.addWidget(self._user_list)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setAccessibleName(self.tr("Messages and users"))
        splitter.addWidget(self._view)
        splitter.addWidget(users_panel)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 200])

        self._find_bar = FindBar(self)
        self._find_bar.hide()

        self._input = InputLine(self)
        self._input.setAccessibleName(self.tr("Message"))
        self._input.setAccessibleDescription(
            self.tr("Type a message and press Enter. Type /help for the commands.")
        )
        self._input.setPlaceholderText(self.tr("Type a message, Enter to send — /help for commands"))
        self._counter = QLabel(self)
        self._counter.setAccessibleName(self.tr("Characters typed"))
        self._counter.hide()
        self._send = QPushButton(self.tr("&Send"), self)
        self._send.setAccessibleName(self.tr("Send"))
        input_row = QHBoxLayout()
        input_row.addWidget(self._input, 1)
        input_row.addWidget(self._counter)
        input_row.addWidget(self._send)

        central = QWidget(self)
        central.setAccessibleName(self.tr("Chat"))
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter, 1)
        layout.addWidget(self._find_bar)
        layout.addLayout(input_row)
        self.setCentralWidget(central)

        # Mentions: rows naming the user, and private ones, in a dock of their own.
        self._mentions_view = MessageView(self)
        self._mentions_view.setModel(self._mentions)
        self._mentions_view.setAccessibleName(self.tr("Mentions and private messages"))
        self._mentions_dock = QDockWidget(self.tr("Mentions"), self)
        self._mentions_dock.setObjectName("mentions")
        self._mentions_dock.setAccessibleName(self.tr("Mentions"))
        self._mentions_dock.setWidget(self._mentions_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self._mentions_dock)
        self._mentions_dock.hide()

        status = self.statusBar()
        status.setAccessibleName(self.tr("Status bar"))
        self._state_label = QLabel(self)
        self._state_label.setAccessibleName(self.tr("Connection state"))
        self._address_label = QLabel(self)
        self._address_label.setAccessibleName(self.tr("Name and server"))
        self._rtt_label = QLabel(self)
        self._rtt_label.setAccessibleName(self.tr("Round-trip time"))
        self._countdown_label = QLabel(self)
        self._countdown_label.setAccessibleName(self.tr("Reconnect countdown"))
        # Transient news in a label of its own: QStatusBar.showMessage would hide the
        # other status widgets, the "Retry now" button among them.
        self._flash_label = QLabel(self)
        self._flash_label.setAccessibleName(self.tr("Last problem"))
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._flash_label.clear)
        self._retry = QPushButton(self.tr("&Retry now"), self)
        self._retry.setAccessibleName(self.tr("Retry now"))
        self._retry.hide()
        status.addWidget(self._state_label)
        status.addWidget(self._address_label)
        status.addWidget(self._countdown_label)
        status.addWidget(self._retry)
        status.addWidget(self._flash_label, 1)
        status.addPermanentWidget(self._rtt_label)

        self._build_menus()
        self.setTabOrder(self._input, self._send)
        self.setTabOrder(self._send, self._view)
        self.setTabOrder(self._view, self._user_list)
        self._input.setFocus()

        self._announce_timer = QTimer(self)
        self._announce_timer.setSingleShot(True)
        self._announce_timer.setInterval(ANNOUNCE_MS)

    def _build_menus(self) -> None:
        chat = self.menuBar().addMenu(self.tr("&Chat"))
        chat.addAction(self.tr("&Connect to a server…"), self._on_connect_action_triggered)
        chat.addSeparator()
        chat.addAction(self.tr("&Find…"), QKeySequence.StandardKey.Find, self.open_find)
        chat.addAction(self.tr("Find &next"), QKeySequence.StandardKey.FindNext, self.find_next)
        chat.addAction(self.tr("Find &previous"), QKeySequence.StandardKey.FindPrevious, self.find_previous)
        chat.addAction(self.tr("C&lear the view"), QKeySequence("Ctrl+L"), self._clear)
        chat.addSeparator()
        chat.addAction(self.tr("&Leave and quit"), QKeySequence.StandardKey.Quit, self.close)
        view = self.menuBar().addMenu(self.tr("&View"))
        toggle = self._mentions_dock.toggleViewAction()
        toggle.setText(self.tr("&Mentions and private messages"))
        toggle.setShortcut(QKeySequence("Ctrl+M"))
        view.addAction(toggle)
        view.addAction(self.tr("Go to the &message line"), QKeySequence("Ctrl+K"), self._focus_input)
        view.addAction(self.tr("Go to the &users"), QKeySequence("Ctrl+U"), self._user_list.setFocus)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&Commands"), self._show_help)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self._find_bar)
        escape.activated.connect(self._find_bar.close_bar)

    def _wire(self) -> None:
        c = self._controller
        c.state_changed.connect(self._on_controller_state_changed)
        c.connected.connect(self._on_controller_connected)
        c.attempt_failed.connect(self._on_controller_attempt_failed)
        c.disconnected.connect(self._on_controller_disconnected)
        c.messages_received.connect(self._on_controller_messages_received)
        c.message_queued.connect(self._on_controller_message_queued)
        c.send_state_changed.connect(self._model.set_send_state)
        c.user_joined.connect(self._on_controller_user_joined)
        c.user_left.connect(self._on_controller_user_left)
        c.users_reset.connect(self._users.reset)
        c.notice_received.connect(self._on_controller_notice_received)
        c.error_received.connect(self._on_controller_error_received)
        c.kicked.connect(self._on_controller_kicked)
        c.shutdown_received.connect(self._on_controller_shutdown_received)
        c.reconnect_scheduled.connect(self._on_controller_reconnect_scheduled)
        c.reconnect_countdown.connect(self._on_controller_reconnect_countdown)
        c.rtt_measured.connect(self._on_controller_rtt_measured)
        c.replay_finished.connect(self._on_controller_replay_finished)
        self._users.count_changed.connect(self._on_users_count_changed)
        self._on_users_count_changed(0)
        self._input.returnPressed.connect(self._on_input_return_pressed)
        self._input.textChanged.connect(self._on_input_text_changed)
        self._send.clicked.connect(self._on_input_return_pressed)
        self._retry.clicked.connect(self._on_retry_clicked)
        self._user_list.activated.connect(self._on_user_list_activated)
        self._user_list.doubleClicked.connect(self._on_user_list_activated)
        self._view.link_clicked.connect(self._on_view_link_clicked)
        self._view.retry_requested.connect(self._on_view_retry_requested)
        self._mentions_view.link_clicked.connect(self._on_view_link_clicked)
        self._mentions_view.retry_requested.connect(self._on_view_retry_requested)
        self._mentions_view.activated.connect(self._on_mentions_view_activated)
        self._mentions.rowsInserted.connect(self._on_mentions_rows_changed)
        self._mentions.rowsRemoved.connect(self._on_mentions_rows_changed)
        self._mentions.modelReset.connect(self._on_mentions_rows_changed)
        self._find_bar.text_changed.connect(self._on_find_bar_text_changed)
        self._find_bar.next_requested.connect(self.find_next)
        self._find_bar.previous_requested.connect(self.find_previous)
        self._find_bar.closed.connect(self._on_find_bar_closed)
        self._announce_timer.timeout.connect(self._on_announce_timer_timeout)

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
        return self._input

    @property
    def find_bar(self) -> FindBar:
        return self._find_bar

    @property
    def unread(self) -> int:
        return self._unread

    # --- the input line -------------------------------------------------------------

    def _focus_input(self) -> None:
        self._input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_input_text_changed(self, text: str) -> None:
        length = len(text)
        over = length > TEXT_MAX_CHARS
        self._counter.setVisible(length >= COUNTER_FROM)
        self._counter.setText(f"{length} / {TEXT_MAX_CHARS}")
        warning = _WARNING_STYLE_DARK if palette_is_dark(self.palette()) else _WARNING_STYLE_LIGHT
        self._counter.setStyleSheet(warning if over else "")
        self._counter.setToolTip(
            self.tr("Too long: a message can have at most {max} characters.").format(max=TEXT_MAX_CHARS)
            if over
            else ""
        )
        self._send.setEnabled(not over)

    def _on_input_return_pressed(self) -> None:
        line = self._input.text()
        command = parse_command(line, self._users.names)
        if command is None:
            return
        if isinstance(command, SayCommand | PrivateCommand):
            problem = text_problem(command.text)
            if problem is not None:
                # Nothing is sent and nothing typed is lost: the user shortens it.
                self._flash(self.tr("Not sent: {problem}.").format(problem=problem))
                return
            to = command.name if isinstance(command, PrivateCommand) else None
            self._controller.say(command.text, to=to)
        elif isinstance(command, QuitCommand):
            self._input.clear()
            self.close()
            return
        elif isinstance(command, HelpCommand):
            self._show_help()
        elif isinstance(command, ClearCommand):
            self._clear()
        elif isinstance(command, UnknownCommand):
            self._info(
                self.tr("Unknown command {command}: nothing was sent. Type /help for the commands.").format(
                    command=command.word
                )
            )
            return  # kept in the line, to correct it
        elif isinstance(command, UsageProblem):
            usage = QCoreApplication.translate(TRANSLATION_CONTEXT, command.usage)
            self._info(self.tr("Usage: {usage}").format(usage=usage))
            return
        self._input.remember(line)
        self._input.clear()
        self._focus_input()

    def _show_help(self) -> None:
        self._info(self.tr("Commands:"))
        for usage, meaning in COMMANDS:
            self._info(f"{usage} — {QCoreApplication.translate(TRANSLATION_CONTEXT, meaning)}")
        self._info(self.tr("Up and Down recall what you sent; Ctrl+F finds; Ctrl+M shows mentions."))

    def _clear(self) -> None:
        self._model.clear()
        self._focus_input()

    def _info(self, text: str) -> None:
        self._model.add_event(EntryKind.INFO, text)
        self._view.scroll_to_end()

    # --- the controller's news ---------------------------------------------------------

    def _on_controller_state_changed(self, state: str) -> None:
        words = {
            ClientState.DISCONNECTED.value: self.tr("Disconnected"),
            ClientState.CONNECTING.value: self.tr("Connecting…"),
            ClientState.REGISTERING.value: self.tr("Joining…"),
            ClientState.CONNECTED.value: self.tr("Connected"),
            ClientState.RECONNECTING.value: self.tr("Reconnecting"),
        }
        self._state_label.setText(words.get(state, state))
        request = self._controller.request
        if request is not None:
            name = self._controller.name
            self._address_label.setText(f"{name} @ {request.address}")
            # What is typed before the first welcome is shown under the name asked for.
            self._model.set_own_name(name)
        reconnecting = state == ClientState.RECONNECTING.value
        offline = state == ClientState.DISCONNECTED.value and request is not None
        self._retry.setVisible(reconnecting or offline)
        self._retry.setText(self.tr("&Retry now") if reconnecting else self.tr("&Reconnect"))
        if not reconnecting:
            self._countdown_label.clear()
        if state != ClientState.CONNECTED.value:
            self._rtt_label.clear()
        self._update_title()

    def _on_controller_connected(self, welcome: Welcome) -> None:
        request = self._controller.request
        assert request is not None
        session = (request.host.lower(), request.port, name_key(welcome.name))
        if self._session is not None and session != self._session:
            # Another server or another name: the old conversation is not this one.
            self._model.clear(include_pending=True)
        first = self._session != session
        self._session = session
        self._server_name = welcome.server
        self._model.set_own_name(welcome.name)
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
        self._update_title()

    def _flash(self, text: str, ms: int = 10_000) -> None:
        self._flash_label.setText(text)
        self._flash_label.setToolTip(text)
        self._flash_timer.start(ms)

    def _on_controller_attempt_failed(self, kind: str, message: str) -> None:
        self._flash(message)
        if kind in TLS_TRUST_KINDS and not self._dialog_open and not self._closing and self.isVisible():
            # Only the user can settle a certificate; nothing retries until they do.
            QTimer.singleShot(0, self._settle_certificate)
            return
        if self._controller.had_session:
            return  # reconnecting: the countdown says what happens next
        if self._dialog_open or not self.isVisible() or self._closing:
            return  # a connect dialog is handling it
        # The first attempt failed (e.g. --connect to a wrong port): let the user fix it.
        QTimer.singleShot(0, lambda: self._ask_for_server(message))

    def _on_controller_disconnected(self, reason: str) -> None:
        if reason == "lost":
            self._info(self.tr("The connection was lost: reconnecting…"))
        elif reason == "error":
            self._info(self.tr("The server closed the connection after an error."))
        elif reason == "quit":
            self._info(self.tr("You left the chat."))
        self._users.clear()

    def _on_controller_messages_received(self, messages: list[ChatMessage]) -> None:
        own = name_key(self._controller.name)
        attentive = self._is_attentive()
        live = [m for m in messages if not m.history and name_key(m.sender) != own]
        if live and not attentive and self._marker_due:
            self._marker_due = False
            self._model.place_unread_marker(self.tr("New"))
        entries = self._model.add_messages(messages)
        if not live:
            return
        if not attentive:
            self._unread += len(live)
            self._update_title()
            mentions = [e for e in entries if e.mention and not e.history]
            if mentions:
                first = mentions[0]
                title = (
                    self.tr("Private message from {name}").format(name=first.sender)
                    if first.private
                    else self.tr("{name} mentioned you").format(name=first.sender)
                )
                several = self.tr("%n mention(s)", "", len(mentions))
                self._notify(title, first.text if len(mentions) == 1 else several)
        if len(live) == 1:
            self._announce(f"{live[0].sender}: {live[0].text}")
        else:
            self._announce(self.tr("%n new message(s)", "", len(live)))

    def _on_controller_message_queued(self, out: Outgoing) -> None:
        self._model.add_outgoing(out)
        self._view.scroll_to_end()  # what you send, you see

    def _on_controller_user_joined(self, name: str) -> None:
        self._users.add(name)
        self._model.add_event(EntryKind.JOINED, self.tr("→ {name} joined the chat").format(name=name), name)

    def _on_controller_user_left(self, name: str, reason: str) -> None:
        self._users.remove(name)
        why = {
            "quit": self.tr("left the chat"),
            "disconnected": self.tr("lost the connection"),
            "timeout": self.tr("stopped answering"),
            "kicked": self.tr("was removed by the operator"),
            "send_queue": self.tr("could not keep up and was disconnected"),
        }.get(reason, self.tr("left ({reason})").format(reason=reason))
        self._model.add_event(EntryKind.LEFT, f"← {name} {why}", name)

    def _on_controller_notice_received(self, text: str) -> None:
        self._model.add_event(EntryKind.NOTICE, self.tr("Notice: {text}").format(text=text))
        if not self._is_attentive():
            self._notify(self.tr("Notice from the server"), text)

    def _on_controller_error_received(self, code: str, message: str) -> None:
        text = self.tr("Error from the server: {message}").format(message=message)
        self._model.add_event(EntryKind.ERROR, text)

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
        text = self.tr("The server is shutting down ({reason}). Reconnecting when it is back.").format(
            reason=reason.rstrip(".") or "—"
        )
        self._model.add_event(EntryKind.NOTICE, text)

    def _on_controller_reconnect_scheduled(self, seconds: float) -> None:
        self._countdown_label.setText(self.tr("Reconnecting in %n s", "", max(1, round(seconds))))

    def _on_controller_reconnect_countdown(self, seconds: int) -> None:
        self._countdown_label.setText(self.tr("Reconnecting in %n s", "", seconds))

    def _on_controller_rtt_measured(self, seconds: float) -> None:
        self._rtt_label.setText(self.tr("RTT {ms} ms").format(ms=max(0, round(seconds * 1000))))

    def _on_controller_replay_finished(self, count: int, first_id: int) -> None:
        if count > 0:
            self._model.add_divider(self.tr("%n missed while you were away", "", count), count, first_id)

    def _on_retry_clicked(self) -> None:
        self._controller.retry_now()
        self._focus_input()

    def _on_users_count_changed(self, count: int) -> None:
        self._user_count.setText(self.tr("%n user(s) online", "", count))

    def _on_user_list_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        name = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(name, str) and name:
            self._input.setText(msg_prefix(name))
            self._input.end(False)
            self._focus_input()

    def _on_view_link_clicked(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    def _on_view_retry_requested(self, cid: str) -> None:
        self._controller.retry(cid)

    def _on_mentions_view_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        source = self._mentions.mapToSource(index)
        if source.isValid():
            self._view.setCurrentIndex(source)
            self._view.scrollTo(source, QListView.ScrollHint.PositionAtCenter)

    def _on_mentions_rows_changed(self) -> None:
        count = self._mentions.rowCount()
        self._mentions_dock.setWindowTitle(self.tr("Mentions ({count})").format(count=count))

    # --- finding ----------------------------------------------------------------------

    def open_find(self) -> None:
        self._find_bar.open_bar()
        self._on_find_bar_text_changed(self._find_bar.text)

    def _matches(self) -> list[int]:
        needle = self._find_bar.text.casefold()
        if not needle:
            return []
        return [row for row, e in enumerate(self._model.entries()) if needle in e.text.casefold()]

    def _on_find_bar_text_changed(self, text: str) -> None:
        self._view.delegate.set_highlight(text)
        self._mentions_view.delegate.set_highlight(text)
        self._view.viewport().update()
        self._mentions_view.viewport().update()
        self._find_bar.set_count(0, len(self._matches()))

    def _find(self, backwards: bool) -> None:
        if self._find_bar.isHidden():
            self.open_find()
        matches = self._matches()
        if not matches:
            self._find_bar.set_count(0, 0)
            return
        current = self._view.currentIndex().row() if self._view.currentIndex().isValid() else -1
        if backwards:
            before = [r for r in matches if r < current]
            row = before[-1] if before else matches[-1]
        else:
            after = [r for r in matches if r > current]
            row = after[0] if after else matches[0]
        index = self._model.index(row)
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)
        self._find_bar.set_count(matches.index(row) + 1, len(matches))

    def find_next(self) -> None:
        self._find(backwards=False)

    def find_previous(self) -> None:
        self._find(backwards=True)

    def _on_find_bar_closed(self) -> None:
        self._view.delegate.set_highlight("")
        self._mentions_view.delegate.set_highlight("")
        self._view.viewport().update()
        self._focus_input()

    # --- attention: title, tray, screen readers -------------------------------------------

    def _is_attentive(self) -> bool:
        """Whether the user is looking at this window (new messages are not "unread")."""
        return self.isActiveWindow() and not self.isMinimized()

    def _update_title(self) -> None:
        request = self._controller.request
        parts = ["Parla"]
        if self._server_name:
            parts.append(self._server_name)
        if request is not None and self._controller.name:
            parts.append(self._controller.name)
        title = " — ".join(parts)
        if self._unread:
            title = f"({self._unread}) {title}"
        self.setWindowTitle(title)
        if self._tray is not None:
            self._tray.setIcon(app_icon(badge=self._unread > 0))

    def _notify(self, title: str, text: str) -> None:
        if self._is_attentive() or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(app_icon(badge=True), self)
            self._tray.setToolTip("Parla")
            self._tray.activated.connect(self._on_tray_activated)
            self._tray.show()
        self._tray.showMessage(title, text[:200], QSystemTrayIcon.MessageIcon.Information, 6000)

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _announce(self, text: str) -> None:
        # Merged over ANNOUNCE_MS: a burst of 10 000 is one sentence, not 10 000.
        self._pending_announcement = text if not self._announce_timer.isActive() else self.tr("New messages")
        if not self._announce_timer.isActive():
            self._announce_timer.start()

    def _on_announce_timer_timeout(self) -> None:
        text = self._pending_announcement
        self._pending_announcement = ""
        self._view.setAccessibleDescription(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self._view, text))

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.ActivationChange:
            if self._is_attentive():
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
        self._users.set_dark(dark)

    # --- connecting and leaving ------------------------------------------------------------

    def _on_connect_action_triggered(self) -> None:
        self._ask_for_server("")

    def _settle_certificate(self) -> None:
        request = self._controller.request
        if request is not None and settle_certificate(self, self._controller):
            self._controller.connect_to(request)

    def _ask_for_server(self, error: str) -> None:
        if self._dialog_open or self._closing:
            return
        request = self._controller.request
        prefill: dict[str, object] = {}
        if request is not None:
            prefill = {"name": request.name, "host": request.host, "port": request.port}
            if request.password:
                prefill["password"] = request.password
            prefill["tls"] = request.tls
        if self._announce_port is not None:
            prefill["announce_port"] = self._announce_port
        self._dialog_open = True
        try:
            ConnectDialog.ask(self, controller=self._controller, error=error, **prefill)
        finally:
            self._dialog_open = False
        self._focus_input()

    def start(self, request: ConnectRequest) -> None:
        """Show the window and connect (the ``--connect`` path)."""
        self.show()
        self._controller.connect_to(request)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window is leaving the chat: bye, then a clean close.
        self._closing = True
        self._announce_timer.stop()
        if self._tray is not None:
            self._tray.hide()
        self._controller.quit()
        event.accept()
