"""The operator's window over a :class:`ChatServer`.

The window wires the engine's signals to models and views and turns the
operator's clicks into engine calls; it holds no protocol logic.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizeGrip,
    QSpinBox,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from chat_server_app.dashboard.action_button import action_button
from chat_server_app.dashboard.addresses import reachable_addresses
from chat_server_app.dashboard.confirm_dialog import ConfirmStopDialog
from chat_server_app.dashboard.header import HeaderPanel
from chat_server_app.dashboard.log_feed import LogFeed
from chat_server_app.dashboard.log_model import LogKind, LogModel
from chat_server_app.dashboard.log_view import LogView
from chat_server_app.dashboard.rooms_actions import RoomsActions
from chat_server_app.dashboard.rooms_model import RoomsModel
from chat_server_app.dashboard.rooms_panel import RoomsPanel
from chat_server_app.dashboard.users_actions import UsersActions
from chat_server_app.dashboard.users_model import UsersModel
from chat_server_app.dashboard.users_panel import UsersPanel
from chat_server_app.engine import ChatServer, ListenError, Session
from chat_server_app.room_desk import RoomView
from chat_server_app.settings import Settings
from shared.limits import TEXT_MAX_CHARS
from shared_gui.about import about_action
from shared_gui.appearance import AppearanceMenu

__all__ = ["MainWindow", "REFRESH_INTERVAL_MS"]

REFRESH_INTERVAL_MS = 1000
"""How often counters, uptime and the users' live columns are redrawn: live enough
for a person watching, and no work per message."""

DEFAULT_SIZE = QSize(1100, 700)
"""Fits a 1280x800 laptop screen with room for the desktop's panels."""

STATUS_TIMEOUT_MS = 5000
"""How long a passing status-bar message stays (a listen error stays until cleared)."""


class MainWindow(QMainWindow):
    """Header, users table and message log side by side, notice line below."""

    closed = Signal()  # the window closed and the server stopped

    def __init__(self, settings: Settings, engine: ChatServer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._engine = engine
        self._ask_before_close = True
        self._users_model = UsersModel(self)
        self._rooms_model = RoomsModel(self)
        # Rooms change in storms (a class joining): one listing per pass, not per join.
        self._rooms_timer = QTimer(self)
        self._rooms_timer.setSingleShot(True)
        self._rooms_timer.setInterval(0)
        self._rooms_timer.timeout.connect(self._refresh_rooms)
        self._log_model = LogModel(parent=self)
        self._log_feed = LogFeed(engine, self._log_model, self)

        self.setObjectName("dashboard")
        self.setWindowTitle(self.tr("Parla Server — {name}").format(name=settings.display_name))
        self._create_actions()
        self._create_menus()
        self._create_widgets()
        self._connect_engine()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self._refresh_timer.start()

        self._users_model.reset(engine.users)  # the engine may already be running
        self._header.set_server_name(settings.display_name)
        self._header.set_fingerprint(engine.tls_fingerprint)
        self._sync_listening()
        self._on_engine_read_only_changed(engine.read_only)
        self._refresh()
        self.resize(DEFAULT_SIZE)

    # --- building --------------------------------------------------------------------

    def _action(self, text: str, name: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        style = self.style()
        self._start_action = self._action(self.tr("S&tart"), "start_action", self._on_start_action_triggered)
        self._start_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self._start_action.setToolTip(self.tr("Start listening for users on the chosen port"))
        self._stop_action = self._action(self.tr("St&op"), "stop_action", self._on_stop_action_triggered)
        self._stop_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop))
        self._stop_action.setToolTip(self.tr("Disconnect everyone and stop listening"))

        self._read_only_action = QAction(self.tr("&Read-only"), self)
        self._read_only_action.setObjectName("read_only_action")
        self._read_only_action.setCheckable(True)
        self._read_only_action.setToolTip(self.tr("While on, only the operator can write (during a lesson)"))
        # triggered, not toggled: only the operator's click reaches the engine; the
        # engine's read_only_changed then sets the check mark.
        self._read_only_action.triggered.connect(self._on_read_only_action_triggered)

        self._users_actions = UsersActions(self._engine, self.selected_session, self)
        self._users_actions.reported.connect(self._on_users_actions_reported)
        self._rooms_actions = RoomsActions(self._engine, self.selected_room, self.selected_session, self)
        self._rooms_actions.reported.connect(self._on_users_actions_reported)

        self._quit_action = self._action(self.tr("&Quit"), "quit_action", self._on_quit_action_triggered)
        # Explicit, not QKeySequence.Quit: that one is empty on Windows.
        self._quit_action.setShortcut(QKeySequence(self.tr("Ctrl+Q")))
        self._quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def _create_menus(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setAccessibleName(self.tr("Menu bar"))
        server_menu = menu_bar.addMenu(self.tr("&Server"))
        server_menu.setAccessibleName(self.tr("Server menu"))
        server_menu.addAction(self._start_action)
        server_menu.addAction(self._stop_action)
        server_menu.addAction(self._read_only_action)
        server_menu.addSeparator()
        server_menu.addAction(self._quit_action)
        users_menu = menu_bar.addMenu(self.tr("&Users"))
        users_menu.setAccessibleName(self.tr("Users menu"))
        users_menu.addAction(self._users_actions.kick)
        users_menu.addAction(self._users_actions.ban)
        users_menu.addAction(self._rooms_actions.move_user)
        users_menu.addSeparator()
        users_menu.addAction(self._users_actions.names)
        rooms_menu = menu_bar.addMenu(self.tr("Roo&ms"))
        rooms_menu.setAccessibleName(self.tr("Rooms menu"))
        for action in (self._rooms_actions.new_room, self._rooms_actions.close_room):
            rooms_menu.addAction(action)
        rooms_menu.addSeparator()
        rooms_menu.addAction(self._rooms_actions.set_topic)
        rooms_menu.addAction(self._rooms_actions.read_only)
        view_menu = menu_bar.addMenu(self.tr("&View"))
        view_menu.setAccessibleName(self.tr("View menu"))
        self._appearance_menu = AppearanceMenu(view_menu)
        help_menu = menu_bar.addMenu(self.tr("&Help"))
        help_menu.setAccessibleName(self.tr("Help menu"))
        help_menu.addAction(about_action(self))
        self.addAction(self._quit_action)  # Ctrl+Q works even with the menu bar hidden

    def _create_widgets(self) -> None:
        central = QWidget(self)
        central.setAccessibleName(self.tr("Dashboard"))
        self.setCentralWidget(central)

        self._header = HeaderPanel(central)

        line = QFrame(central)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        line.setAccessibleName(self.tr("Separator"))

        controls = self._create_controls(central)
        splitter = self._create_splitter(central)
        notice_row = self._create_notice_row(central)

        layout = QVBoxLayout(central)
        layout.addWidget(self._header)
        layout.addWidget(line)
        layout.addLayout(controls)
        layout.addWidget(splitter, 1)
        layout.addLayout(notice_row)

        self.statusBar().setAccessibleName(self.tr("Status bar"))
        # Qt gives its grips no AT-SPI role: a name is all a screen reader can say of them.
        for divided in self.findChildren(QSplitter):
            for index in range(divided.count()):
                divided.handle(index).setAccessibleName(self.tr("Divider between the panels"))
        for grip in self.statusBar().findChildren(QSizeGrip):
            grip.setAccessibleName(self.tr("Resize the window"))

        QWidget.setTabOrder(self._port_spin, self._start_button)
        QWidget.setTabOrder(self._start_button, self._stop_button)
        QWidget.setTabOrder(self._stop_button, self._read_only_button)
        QWidget.setTabOrder(self._read_only_button, self._users_panel.view)
        QWidget.setTabOrder(self._users_panel.view, self._users_panel.kick_button)
        QWidget.setTabOrder(self._users_panel.kick_button, self._users_panel.ban_button)
        QWidget.setTabOrder(self._users_panel.ban_button, self._rooms_panel.view)
        QWidget.setTabOrder(self._rooms_panel.view, self._log_view)
        QWidget.setTabOrder(self._log_view, self._notice_edit)
        QWidget.setTabOrder(self._notice_edit, self._notice_button)

    def _create_controls(self, parent: QWidget) -> QHBoxLayout:
        self._port_spin = QSpinBox(parent)
        self._port_spin.setObjectName("port_spin")
        self._port_spin.setRange(0, 65535)
        self._port_spin.setValue(self._settings.port)
        self._port_spin.setSpecialValueText(self.tr("any free"))  # port 0
        self._port_spin.setAccessibleName(self.tr("Port"))
        self._port_spin.setToolTip(self.tr("TCP port to listen on; can be changed while stopped"))
        port_label = QLabel(self.tr("&Port:"), parent)
        port_label.setBuddy(self._port_spin)
        port_label.setAccessibleName(self.tr("Port"))

        self._start_button = action_button(self._start_action, parent)
        self._stop_button = action_button(self._stop_action, parent)
        self._read_only_button = action_button(self._read_only_action, parent)

        row = QHBoxLayout()
        row.addWidget(port_label)
        row.addWidget(self._port_spin)
        row.addWidget(self._start_button)
        row.addWidget(self._stop_button)
        row.addSpacing(24)
        row.addWidget(self._read_only_button)
        row.addStretch(1)
        return row

    def _create_splitter(self, parent: QWidget) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal, parent)
        splitter.setObjectName("splitter")
        splitter.setAccessibleName(self.tr("Users and log"))
        splitter.setChildrenCollapsible(False)
        # Users above, rooms below: both in sight beside the log.
        people = QSplitter(Qt.Orientation.Vertical, splitter)
        people.setObjectName("people_splitter")
        people.setAccessibleName(self.tr("Users and rooms"))
        people.setChildrenCollapsible(False)
        self._users_panel = UsersPanel(
            self._users_model, self._users_actions.kick, self._users_actions.ban, people
        )
        self._users_panel.add_menu_action(self._rooms_actions.move_user)
        self._users_panel.selection_changed.connect(self._on_users_panel_selection_changed)
        self._rooms_panel = RoomsPanel(self._rooms_model, people)
        self._rooms_panel.set_actions(self._rooms_actions)
        self._rooms_panel.selection_changed.connect(self._rooms_actions.sync)
        self._rooms_model.read_only_requested.connect(self._rooms_actions.request_read_only)
        self._users_panel.kick_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton)
        )
        people.addWidget(self._users_panel)
        people.addWidget(self._rooms_panel)
        people.setSizes([420, 240])
        splitter.addWidget(people)
        splitter.addWidget(self._create_log_panel(splitter))
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([580, 520])
        return splitter

    def _create_log_panel(self, parent: QWidget) -> QWidget:
        panel = QWidget(parent)
        panel.setAccessibleName(self.tr("Message log"))
        self._log_view = LogView(self._log_model, panel)
        self._log_view.setObjectName("log_view")
        self._log_view.setAccessibleName(self.tr("Message log"))
        # The log is what the operator watches: however the window or the splitter is
        # dragged, a few lines of it stay, wide enough to read.
        metrics = self._log_view.fontMetrics()
        self._log_view.setMinimumSize(metrics.horizontalAdvance("M") * 24, metrics.height() * 8)
        label = QLabel(self.tr("Message &log"), panel)
        label.setBuddy(self._log_view)
        label.setAccessibleName(self.tr("Message log"))
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self._log_view, 1)
        return panel

    def _create_notice_row(self, parent: QWidget) -> QHBoxLayout:
        self._notice_edit = QLineEdit(parent)
        self._notice_edit.setObjectName("notice_edit")
        self._notice_edit.setMaxLength(TEXT_MAX_CHARS)
        self._notice_edit.setPlaceholderText(self.tr("A message from the operator to every user"))
        self._notice_edit.setAccessibleName(self.tr("Notice to everyone"))
        self._notice_edit.returnPressed.connect(self._on_notice_edit_return_pressed)
        self._notice_edit.textChanged.connect(self._on_notice_edit_text_changed)
        label = QLabel(self.tr("&Notice to everyone:"), parent)
        label.setBuddy(self._notice_edit)
        label.setAccessibleName(self.tr("Notice to everyone"))
        self._notice_button = QPushButton(self.tr("Sen&d"), parent)
        self._notice_button.setObjectName("notice_button")
        self._notice_button.setAccessibleName(self.tr("Send notice"))
        self._notice_button.clicked.connect(self._on_notice_button_clicked)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self._notice_edit, 1)
        row.addWidget(self._notice_button)
        return row

    def _connect_engine(self) -> None:
        engine = self._engine
        engine.listening_changed.connect(self._on_engine_listening_changed)
        engine.user_joined.connect(self._on_engine_user_joined)
        engine.user_left.connect(self._on_engine_user_left)
        engine.read_only_changed.connect(self._on_engine_read_only_changed)
        engine.store_failed.connect(self._on_engine_store_failed)
        engine.rooms_changed.connect(self._rooms_timer.start)

    # --- what runner.run_dashboard and tests use ----------------------------------------------

    @property
    def users_model(self) -> UsersModel:
        return self._users_model

    @property
    def log_model(self) -> LogModel:
        return self._log_model

    @property
    def rooms_model(self) -> RoomsModel:
        return self._rooms_model

    def selected_session(self) -> Session | None:
        return self._users_panel.selected_session()

    def selected_room(self) -> RoomView | None:
        return self._rooms_panel.selected_room()

    def show_listen_error(self, text: str) -> None:
        """Why the server is not listening: in the status bar until the next start, and in the log."""
        self.statusBar().showMessage(text)
        self._log_feed.add(LogKind.ERROR, text)

    def close_without_asking(self) -> None:
        """Close as the operator would, minus the confirmation (SIGINT, SIGTERM)."""
        self._ask_before_close = False
        self.close()

    def users_context_menu(self) -> QMenu:
        return self._users_panel.context_menu()

    # --- keeping widgets in step ---------------------------------------------------------

    def _sync_listening(self) -> None:
        listening = self._engine.is_listening
        self._start_action.setEnabled(not listening)
        self._stop_action.setEnabled(listening)
        self._port_spin.setEnabled(not listening)
        if listening:
            self._port_spin.setValue(self._engine.port)  # the real one when 0 asked for any
        self._header.set_listening(listening, self._addresses())
        self._notice_edit.setEnabled(listening)
        self._sync_notice_button()
        self._users_actions.sync()
        self._rooms_actions.sync()

    def _sync_notice_button(self) -> None:
        self._notice_button.setEnabled(self._engine.is_listening and bool(self._notice_edit.text().strip()))

    def _addresses(self) -> list[str]:
        if not self._engine.is_listening:
            return []
        return reachable_addresses(self._engine.host, self._engine.port)

    def _refresh(self) -> None:
        engine = self._engine
        started = engine.started_at
        self._header.set_uptime(None if started is None else time.time() - started)
        self._header.set_counters(
            users=self._users_model.rowCount(),
            messages=engine.messages_total,
            bytes_in=engine.bytes_in,
            bytes_out=engine.bytes_out,
        )
        self._header.set_files(
            used=engine.files_used,
            quota=engine.settings.files_quota,
            transfers=[(t.user, t.name, t.upload, t.done, t.size) for t in engine.transfers],
        )
        if engine.is_listening:
            # Interfaces come and go (Wi-Fi, DHCP): the addresses shown must follow.
            self._header.set_listening(True, self._addresses())
        self._users_model.refresh_live()
        self._refresh_rooms()  # members of general and messages move without a signal

    def _refresh_rooms(self) -> None:
        self._rooms_model.set_rooms(self._engine.rooms.listing())

    # --- engine slots -----------------------------------------------------------------

    def _on_engine_listening_changed(self, listening: bool) -> None:
        if listening:
            self.statusBar().clearMessage()  # a listen error is now old news
        else:
            self._users_model.reset([])  # stop() drops everyone without a user_left each
        self._sync_listening()
        self._refresh()

    def _on_engine_user_joined(self, session: Session) -> None:
        self._users_model.add(session)
        self._header.set_user_count(self._users_model.rowCount())

    def _on_engine_user_left(self, session: Session, reason: str) -> None:
        del reason  # the log tells it
        self._users_model.remove(session)
        self._header.set_user_count(self._users_model.rowCount())

    def _on_engine_read_only_changed(self, on: bool) -> None:
        self._read_only_action.setChecked(on)
        self._header.set_read_only(on)
        self._rooms_timer.start()

    def _on_engine_store_failed(self, error: str) -> None:
        message = self.tr("History error: {error}").format(error=error)
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    # --- the operator's actions ------------------------------------------------------------

    def _on_start_action_triggered(self) -> None:
        self._port_spin.interpretText()  # a number typed but not yet confirmed counts
        try:
            self._engine.start(port=self._port_spin.value())
        except ListenError as exc:
            self.show_listen_error(str(exc))

    def _on_stop_action_triggered(self) -> None:
        count = self._users_model.rowCount()
        if count and not ConfirmStopDialog.ask(self, count):
            return
        self._engine.stop()

    def _on_read_only_action_triggered(self, checked: bool) -> None:
        self._engine.set_read_only(checked)
        self._read_only_action.setChecked(self._engine.read_only)

    def _on_quit_action_triggered(self) -> None:
        self.close()

    def _on_users_panel_selection_changed(self) -> None:
        self._users_actions.sync()
        self._rooms_actions.sync()

    def _on_users_actions_reported(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)
        self._log_feed.add(LogKind.SERVER, text)  # bans and releases stay on record

    def _on_notice_edit_return_pressed(self) -> None:
        self._send_notice()

    def _on_notice_button_clicked(self) -> None:
        self._send_notice()

    def _on_notice_edit_text_changed(self) -> None:
        self._sync_notice_button()

    def _send_notice(self) -> None:
        text = self._notice_edit.text()
        if not text.strip() or not self._engine.is_listening:
            return
        self._engine.send_notice(text)
        self._notice_edit.clear()

    def _on_refresh_timer_timeout(self) -> None:
        self._refresh()

    # --- closing ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        count = self._users_model.rowCount()
        if (
            self._ask_before_close
            and self._engine.is_listening
            and count
            and not ConfirmStopDialog.ask(self, count)
        ):
            event.ignore()
            return
        self._refresh_timer.stop()
        self._engine.stop()  # every client gets shutdown, then is disconnected
        event.accept()
        self.closed.emit()
