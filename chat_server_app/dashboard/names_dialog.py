"""The operator's window on names and bans: release a reserved name, lift a ban."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chat_server_app.dashboard.action_button import action_button
from chat_server_app.dashboard.bans_model import BAN_ROLE, BansModel
from chat_server_app.dashboard.bans_model import SORT_ROLE as BAN_SORT_ROLE
from chat_server_app.dashboard.reservations_model import RESERVATION_ROLE, ReservationsModel
from chat_server_app.dashboard.reservations_model import SORT_ROLE as RESERVATION_SORT_ROLE
from chat_server_app.engine import ChatServer
from chat_server_app.store import Ban, Reservation

__all__ = ["NamesDialog"]

_LAPSE_SLACK_MS = 200
"""After a ban's end, how long before the list is read again: the engine counts a ban
in force up to its end, so a refresh right on it could still see it."""

_MAX_TIMER_MS = 2**31 - 1
"""QTimer's interval is a signed 32-bit count of milliseconds (24 days)."""


def _table(parent: QWidget, name: str, accessible: str, proxy: QSortFilterProxyModel) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table instead of walking its cells
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _proxy(parent: QWidget, model: ReservationsModel | BansModel, sort_role: int) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(sort_role)
    proxy.setFilterKeyColumn(-1)  # the filter matches any column: a name, an address, a reason
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


class NamesDialog(QDialog):
    """Two lists kept in step with the engine: the reserved names, and the bans in force.

    Not modal: the operator can keep it open beside the dashboard while users come
    and go. It reads the engine only while shown.
    """

    reported = Signal(str)  # what Release or Lift did, for the dashboard's status line

    def __init__(self, engine: ChatServer, ban_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.setObjectName("names_dialog")
        self.setWindowTitle(self.tr("Names and bans"))
        self.setAccessibleName(self.tr("Names and bans"))

        self._reservations = ReservationsModel(self)
        self._bans = BansModel(self)
        self._reservations_proxy = _proxy(self, self._reservations, RESERVATION_SORT_ROLE)
        self._bans_proxy = _proxy(self, self._bans, BAN_SORT_ROLE)

        self._filter = QLineEdit(self)
        self._filter.setObjectName("names_filter_edit")
        self._filter.setClearButtonEnabled(True)
        if (clear := self._filter.findChild(QToolButton)) is not None:  # Qt's own, unnamed
            clear.setAccessibleName(self.tr("Clear the filter"))
        self._filter.setPlaceholderText(self.tr("Part of a name, an address or a reason"))
        self._filter.setAccessibleName(self.tr("Filter"))
        self._filter.textChanged.connect(self._on_filter_text_changed)
        filter_label = QLabel(self.tr("F&ilter:"), self)
        filter_label.setBuddy(self._filter)
        filter_label.setAccessibleName(self.tr("Filter"))

        self._reservations_view = _table(
            self, "reservations_view", self.tr("Reserved names"), self._reservations_proxy
        )
        self._reservations_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        reservations_label = QLabel(self.tr("Reser&ved names"), self)
        reservations_label.setBuddy(self._reservations_view)
        reservations_label.setAccessibleName(self.tr("Reserved names"))
        self._release_button = QPushButton(self.tr("&Release"), self)
        self._release_button.setObjectName("release_button")
        self._release_button.setAccessibleName(self.tr("Release the name"))
        self._release_button.setToolTip(self.tr("Let anyone take the selected name again"))
        self._release_button.clicked.connect(self._on_release_button_clicked)

        self._bans_view = _table(self, "bans_view", self.tr("Bans in force"), self._bans_proxy)
        self._bans_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        bans_label = QLabel(self.tr("Bans in &force"), self)
        bans_label.setBuddy(self._bans_view)
        bans_label.setAccessibleName(self.tr("Bans in force"))
        self._lift_button = QPushButton(self.tr("&Lift"), self)
        self._lift_button.setObjectName("lift_button")
        self._lift_button.setAccessibleName(self.tr("Lift the ban"))
        self._lift_button.setToolTip(self.tr("End the selected ban now"))
        self._lift_button.clicked.connect(self._on_lift_button_clicked)
        self._ban_button: QToolButton = action_button(ban_action, self)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setAccessibleName(self.tr("Dialog buttons"))
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)

        self._lapse_timer = QTimer(self)
        self._lapse_timer.setSingleShot(True)
        self._lapse_timer.timeout.connect(self._on_lapse_timer_timeout)
        self._refresh_timer = QTimer(self)  # one refresh per pass, whatever a pass brought
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)

        self._layout(filter_label, reservations_label, bans_label, buttons)
        self._connect()
        self.resize(self.fontMetrics().horizontalAdvance("M") * 48, self.fontMetrics().height() * 36)

    def _layout(
        self, filter_label: QLabel, reservations_label: QLabel, bans_label: QLabel, buttons: QWidget
    ) -> None:
        filter_row = QHBoxLayout()
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self._filter, 1)
        release_row = QHBoxLayout()
        release_row.addWidget(self._release_button)
        release_row.addStretch(1)
        lift_row = QHBoxLayout()
        lift_row.addWidget(self._lift_button)
        lift_row.addWidget(self._ban_button)
        lift_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filter_row)
        layout.addWidget(reservations_label)
        layout.addWidget(self._reservations_view, 1)
        layout.addLayout(release_row)
        layout.addWidget(bans_label)
        layout.addWidget(self._bans_view, 1)
        layout.addLayout(lift_row)
        layout.addWidget(buttons)
        QWidget.setTabOrder(self._filter, self._reservations_view)
        QWidget.setTabOrder(self._reservations_view, self._release_button)
        QWidget.setTabOrder(self._release_button, self._bans_view)
        QWidget.setTabOrder(self._bans_view, self._lift_button)
        QWidget.setTabOrder(self._lift_button, self._ban_button)

    def _connect(self) -> None:
        engine = self._engine
        engine.reservations_changed.connect(self._on_engine_changed)
        engine.bans_changed.connect(self._on_engine_changed)
        # A name is reserved by the hello that registers it: the engine says so only
        # as a join.
        engine.user_joined.connect(self._on_engine_changed)
        for view in (self._reservations_view, self._bans_view):
            view.selectionModel().selectionChanged.connect(self._on_selection_changed)
            view.model().modelReset.connect(self._on_selection_changed)
            view.model().layoutChanged.connect(self._on_selection_changed)

    # --- what the dashboard and tests use -------------------------------------------------

    @property
    def reservations_model(self) -> ReservationsModel:
        return self._reservations

    @property
    def bans_model(self) -> BansModel:
        return self._bans

    def refresh(self) -> None:
        """Read the engine's lists again, keeping the selected rows selected."""
        self._refresh_timer.stop()
        reservation = self._selected_reservation()
        ban = self._selected_ban()
        reservations = self._engine.names.reservations
        self._reservations.reset(reservations)
        self._bans.reset(self._engine.names.bans, reservations)
        if reservation is not None and (row := self._reservations.row_of(reservation.key)) is not None:
            self._select(self._reservations_view, self._reservations_proxy, self._reservations.index(row, 0))
        if ban is not None and (row := self._bans.row_of(ban.kind, ban.value)) is not None:
            self._select(self._bans_view, self._bans_proxy, self._bans.index(row, 0))
        self._schedule_lapse()
        self._sync_buttons()

    # --- helpers ------------------------------------------------------------------------

    @staticmethod
    def _select(view: QTableView, proxy: QSortFilterProxyModel, source: QModelIndex) -> None:
        index = proxy.mapFromSource(source)
        if index.isValid():
            view.selectRow(index.row())

    def _selected_reservation(self) -> Reservation | None:
        rows = self._reservations_view.selectionModel().selectedRows()
        value = rows[0].data(RESERVATION_ROLE) if rows else None
        return value if isinstance(value, Reservation) else None

    def _selected_ban(self) -> Ban | None:
        rows = self._bans_view.selectionModel().selectedRows()
        value = rows[0].data(BAN_ROLE) if rows else None
        return value if isinstance(value, Ban) else None

    def _sync_buttons(self) -> None:
        self._release_button.setEnabled(self._selected_reservation() is not None)
        self._lift_button.setEnabled(self._selected_ban() is not None)

    def _schedule_lapse(self) -> None:
        """Read the bans again when the first timed one ends, so that it leaves the list."""
        self._lapse_timer.stop()
        end = self._bans.next_end()
        if end is not None and self.isVisible():
            delay = int((end - time.time()) * 1000) + _LAPSE_SLACK_MS
            self._lapse_timer.start(min(max(delay, 0), _MAX_TIMER_MS))

    # --- slots ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._lapse_timer.stop()
        super().hideEvent(event)

    def _on_engine_changed(self) -> None:
        if self.isVisible() and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _on_lapse_timer_timeout(self) -> None:
        self.refresh()

    def _on_filter_text_changed(self, text: str) -> None:
        for proxy in (self._reservations_proxy, self._bans_proxy):
            proxy.setFilterFixedString(text.strip())
        self._sync_buttons()

    def _on_selection_changed(self) -> None:
        self._sync_buttons()

    def _on_release_button_clicked(self) -> None:
        reservation = self._selected_reservation()
        if reservation is None:
            return
        if self._engine.names.release(reservation.name):
            text = self.tr("The name {name} is free: anyone can take it").format(name=reservation.name)
        else:
            text = self.tr("The name {name} was not reserved").format(name=reservation.name)
        self.reported.emit(text)

    def _on_lift_button_clicked(self) -> None:
        ban = self._selected_ban()
        if ban is None:
            return
        index = self._bans_view.selectionModel().selectedRows(1)[0]
        what = str(index.data())
        if self._engine.names.unban(ban.kind, ban.value):
            text = self.tr("The ban on {what} is lifted").format(what=what)
        elif any(b.kind is ban.kind and b.value == ban.value for b in self._engine.names.bans):
            # Still in force, yet not the store's: the configuration's, which lasts as it says.
            text = self.tr("The ban on {what} is in the server's configuration (--ban): lift it there")
            text = text.format(what=what)
        else:
            text = self.tr("{what} was no longer banned").format(what=what)
        self.reported.emit(text)
