"""The rooms: a table over :class:`RoomsModel`, with New room, Close room and Set
topic under it; the read-only switch is the table's check box."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chat_server_app.dashboard.action_button import action_button
from chat_server_app.dashboard.rooms_actions import RoomsActions
from chat_server_app.dashboard.rooms_model import RoomColumn, RoomsModel
from chat_server_app.room_desk import RoomView

__all__ = ["RoomsPanel"]

_COLUMN_SAMPLES = {
    RoomColumn.NAME: "#Laboratorio-3",
    RoomColumn.MEMBERS: "00000",
    RoomColumn.MESSAGES: "0000000",
}


class RoomsPanel(QWidget):
    """Selecting a room enables the actions on it; the selection stays on the room by
    name when the list is made again."""

    selection_changed = Signal()  # another room, or none, is selected now

    def __init__(self, model: RoomsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Rooms"))
        self._model = model
        self._actions: RoomsActions | None = None
        self._keep: str | None = None  # the room selected before a reset

        view = QTableView(self)
        self._view = view
        view.setObjectName("rooms_view")
        view.setAccessibleName(self.tr("Rooms"))
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setTabKeyNavigation(False)
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        metrics = view.fontMetrics()
        for column, sample in _COLUMN_SAMPLES.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 16
            header.resizeSection(column, width)
        header.setSectionResizeMode(RoomColumn.READ_ONLY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RoomColumn.TOPIC, QHeaderView.ResizeMode.Stretch)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)
        view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        model.modelAboutToBeReset.connect(self._on_model_model_about_to_be_reset)
        model.modelReset.connect(self._on_model_model_reset)
        model.dataChanged.connect(self._on_model_data_changed)

        self._label = QLabel(self.tr("Room l&ist"), self)
        self._label.setBuddy(view)
        self._label.setAccessibleName(self.tr("Rooms"))
        self._buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label)
        layout.addWidget(view, 1)
        layout.addLayout(self._buttons)

    def set_actions(self, actions: RoomsActions) -> None:
        """The buttons and context menu's actions (made by the window, after the panel)."""
        self._actions = actions
        for action in (actions.new_room, actions.close_room, actions.set_topic):
            self._buttons.addWidget(action_button(action, self))
        self._buttons.addStretch(1)

    @property
    def view(self) -> QTableView:
        return self._view

    def selected_room(self) -> RoomView | None:
        rows = self._view.selectionModel().selectedRows()
        return self._model.room(rows[0].row()) if rows else None

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Room actions"))
        if self._actions is not None:
            actions = self._actions
            for action in (actions.new_room, actions.close_room, actions.set_topic, actions.read_only):
                menu.addAction(action)
        return menu

    # --- slots ----------------------------------------------------------------------

    def _on_model_model_about_to_be_reset(self) -> None:
        room = self.selected_room()
        self._keep = room.name if room is not None else None

    def _on_model_model_reset(self) -> None:
        row = self._model.row_of(self._keep) if self._keep is not None else None
        if row is not None:
            self._view.selectRow(row)
        self.selection_changed.emit()

    def _on_model_data_changed(self) -> None:
        self.selection_changed.emit()  # the selected room's read-only may have changed

    def _on_view_selection_changed(self) -> None:
        self.selection_changed.emit()

    def _on_view_custom_context_menu_requested(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if index.isValid():
            self._view.selectRow(index.row())
        menu = self.context_menu()
        menu.exec(self._view.viewport().mapToGlobal(pos))
        menu.deleteLater()
