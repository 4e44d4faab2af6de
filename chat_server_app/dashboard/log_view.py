"""The list view of the log: follows new entries only while scrolled to the bottom."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from chat_server_app.dashboard.colours import is_dark
from chat_server_app.dashboard.log_model import TEXT_ROLE, LogModel

__all__ = ["LogView"]

_Index = QModelIndex | QPersistentModelIndex


class _RowDelegate(QStyledItemDelegate):
    """Rows as wide as the view, whatever their text: long entries are elided.

    With uniform item sizes the view sizes every row like the first row of the
    latest insertion; one long notice there would otherwise widen them all and
    bring a horizontal scroll bar instead of the ellipsis.
    """

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class LogView(QListView):
    """One row per entry, never wrapped: rows of one height keep layout cheap under a flood."""

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._log_model = model
        self._was_at_bottom: bool | None = None  # between "rows about to change" and "inserted"
        self._dropped = 0
        self.setModel(model)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegate(_RowDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Item scrolling: the scroll bar's value is a row number, which makes
        # "keep showing the same rows while the oldest are dropped" exact.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)

        self._copy_action = QAction(self.tr("&Copy"), self)
        self._copy_action.setObjectName("copy_log_action")
        self._copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self._copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._copy_action.triggered.connect(self._on_copy_action_triggered)
        self._clear_action = QAction(self.tr("C&lear log"), self)
        self._clear_action.setObjectName("clear_log_action")
        self._clear_action.triggered.connect(self._on_clear_action_triggered)
        self.addAction(self._copy_action)
        self.addAction(self._clear_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        model.rowsAboutToBeInserted.connect(self._on_model_rows_about_to_change)
        model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_change)
        model.rowsRemoved.connect(self._on_model_rows_removed)
        model.rowsInserted.connect(self._on_model_rows_inserted)

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum()

    def selected_text(self) -> str:
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return "\n".join(str(self._log_model.index(row, 0).data(TEXT_ROLE)) for row in rows)

    # --- follow the newest entries -------------------------------------------------

    def _on_model_rows_about_to_change(self, parent: _Index, first: int, last: int) -> None:
        del parent, first, last
        if self._was_at_bottom is None:  # the first change of an append decides
            self._was_at_bottom = self.is_at_bottom()

    def _on_model_rows_removed(self, parent: _Index, first: int, last: int) -> None:
        del parent
        if first == 0:
            self._dropped += last - first + 1
        if self._log_model.rowCount() == 0:  # cleared: nothing to keep in place
            self._was_at_bottom = None
            self._dropped = 0

    def _on_model_rows_inserted(self, parent: _Index, first: int, last: int) -> None:
        del parent, first, last
        at_bottom, dropped = self._was_at_bottom, self._dropped
        self._was_at_bottom, self._dropped = None, 0
        if at_bottom is None or at_bottom:
            self.scrollToBottom()
        elif dropped:
            # The operator is reading older entries: keep those rows where they are.
            bar = self.verticalScrollBar()
            bar.setValue(max(0, bar.value() - dropped))

    # --- actions and palette ----------------------------------------------------------

    def _on_copy_action_triggered(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def _on_clear_action_triggered(self) -> None:
        self._log_model.clear()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._log_model.set_dark(is_dark(self.palette()))
