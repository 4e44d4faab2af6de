"""The connected users: a table over :class:`UsersModel`, with Kick and Ban under it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chat_server_app.dashboard.action_button import action_button
from chat_server_app.dashboard.users_model import Column, UsersModel
from chat_server_app.engine import Session

__all__ = ["UsersPanel"]

_Index = QModelIndex | QPersistentModelIndex

# Sample contents that size the columns (the name column takes the rest).
_COLUMN_SAMPLES = {
    Column.ADDRESS: "192.168.100.100:55555",
    Column.SINCE: "00:00:00",
    Column.MESSAGES: "00000",
    Column.QUEUED: "999.9 KiB",
    Column.RTT: "0000 ms",
    Column.RATE_HITS: "0000",
}


class UsersPanel(QWidget):
    """Selecting a user enables the window's kick action (button, context menu, Del) and
    fills in the ban dialog."""

    selection_changed = Signal()  # another user, or none, is selected now

    def __init__(
        self, model: UsersModel, kick_action: QAction, ban_action: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Connected users"))
        self._model = model
        self._kick_action = kick_action
        self._ban_action = ban_action
        self._more_actions: list[QAction] = []

        view = QTableView(self)
        self._view = view
        view.setObjectName("users_view")
        view.setAccessibleName(self.tr("Connected users"))
        # Connected before the view's own slots: when the selected user leaves, the
        # view would select a neighbour, and Del would then aim at someone else.
        model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_be_removed)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)  # Tab leaves the table instead of walking its cells
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        # Fixed row heights and column widths: nothing is measured per row, which
        # matters with thousands of users.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_columns()
        view.addAction(kick_action)  # the Del shortcut, while the table has focus
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)
        view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        # A selected row that goes away changes the selection without selectionChanged.
        model.rowsRemoved.connect(self._on_model_rows_removed)
        model.modelReset.connect(self._on_model_model_reset)

        label = QLabel(self.tr("&Connected users"), self)
        label.setBuddy(view)
        label.setAccessibleName(self.tr("Connected users"))
        self._kick_button = action_button(kick_action, self)
        self._ban_button = action_button(ban_action, self)

        bottom = QHBoxLayout()
        bottom.addWidget(self._kick_button)
        bottom.addWidget(self._ban_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(view, 1)
        layout.addLayout(bottom)

    def _size_columns(self) -> None:
        header = self._view.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self._view.fontMetrics()
        for column, sample in _COLUMN_SAMPLES.items():
            title = str(self._model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 16
            header.resizeSection(column, width)
        header.setMinimumSectionSize(metrics.horizontalAdvance("M") * 4)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)

    @property
    def view(self) -> QTableView:
        return self._view

    @property
    def kick_button(self) -> QToolButton:
        return self._kick_button

    @property
    def ban_button(self) -> QToolButton:
        return self._ban_button

    def selected_session(self) -> Session | None:
        rows = self._view.selectionModel().selectedRows()
        return self._model.session(rows[0].row()) if rows else None

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("User actions"))
        menu.addAction(self._kick_action)
        menu.addAction(self._ban_action)
        for action in self._more_actions:
            menu.addAction(action)
        return menu

    def add_menu_action(self, action: QAction) -> None:
        """One more action in the context menu (another part of the window's)."""
        self._more_actions.append(action)

    # --- slots ----------------------------------------------------------------------

    def _on_model_rows_about_to_be_removed(self, parent: _Index, first: int, last: int) -> None:
        del parent
        selected = self._view.selectionModel().selectedRows()
        if selected and first <= selected[0].row() <= last:
            self._view.selectionModel().clear()

    def _on_model_rows_removed(self) -> None:
        self.selection_changed.emit()

    def _on_model_model_reset(self) -> None:
        self.selection_changed.emit()

    def _on_view_selection_changed(self) -> None:
        self.selection_changed.emit()

    def _on_view_custom_context_menu_requested(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if index.isValid():
            self._view.selectRow(index.row())
        menu = self.context_menu()
        menu.exec(self._view.viewport().mapToGlobal(pos))
        menu.deleteLater()
