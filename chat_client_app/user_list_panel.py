"""The users panel: how many are online and who, beside the messages."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from chat_client_app.member_model import MemberListModel
from chat_client_app.user_model import UserListModel

__all__ = ["UserListPanel", "LAYOUT_BATCH", "USERS_MAX_EMS"]

USERS_MAX_EMS = 20
"""The users column's widest, in widths of "M": a long name and its status text."""

LAYOUT_BATCH = 2000
"""Names the list places per event-loop pass: a few milliseconds each."""


class UserListPanel(QWidget):
    """Signals: name_activated(str) on a double click or Enter on a name."""

    name_activated = Signal(str)

    def __init__(self, users: UserListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Users panel"))
        self._count = QLabel(self)
        self._count.setTextFormat(Qt.TextFormat.PlainText)
        self._count.setAccessibleDescription(self.tr("Number of users"))
        self._list = QListView(self)
        self._list.setModel(users)
        self._list.setAccessibleName(self.tr("Users"))
        self._list.setAccessibleDescription(self.tr("Double-click or press Enter to write privately."))
        self._list.setToolTip(self.tr("Double-click a name to send a private message"))
        self._list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        # Every name is one line: the view then measures one row, not each of 100 000;
        # and it places them in batches across event-loop passes (it still visits
        # every row, and each visit asks the Python model for its row count).
        self._list.setUniformItemSizes(True)
        self._list.setLayoutMode(QListView.LayoutMode.Batched)
        self._list.setBatchSize(LAYOUT_BATCH)
        # Names are short: a wide window gives its width to the messages, not to them.
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * USERS_MAX_EMS)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._count)
        layout.addWidget(self._list)

        self._model: UserListModel | MemberListModel = users
        users.count_changed.connect(self._on_users_count_changed)
        self._on_users_count_changed(users.rowCount())
        self._list.activated.connect(self._on_list_activated)
        self._list.doubleClicked.connect(self._on_list_activated)

    @property
    def list_view(self) -> QListView:
        return self._list

    def show_model(self, model: UserListModel | MemberListModel) -> None:
        """List ``model`` (general's users, or the current room's members)."""
        if model is self._model:
            return
        self._model.count_changed.disconnect(self._on_users_count_changed)
        self._model = model
        self._list.setModel(model)
        model.count_changed.connect(self._on_users_count_changed)
        self._on_users_count_changed(model.rowCount())

    def _on_users_count_changed(self, count: int) -> None:
        self._count.setText(self.tr("%n user(s) online", "", count))

    def _on_list_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        name = index.data(Qt.ItemDataRole.EditRole)  # the name alone, without the status text
        if isinstance(name, str) and name:
            self.name_activated.emit(name)
