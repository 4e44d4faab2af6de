"""Search the server's history (docs/PROTOCOL.md §8.7) from the find bar.

:class:`SearchResultsPanel` lists the matches (room, author, date, text, all plain
text), newest first, with a button for older ones. :class:`ServerSearch` wires it to
the find bar, the controller and the timelines: choosing a result shows its room or
private conversation, asks the server for the messages around it when that timeline
does not hold it (§8.8), scrolls to it and highlights it for a moment.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chat_client_app.controller import ClientController
from chat_client_app.find_bar import FindBar
from chat_client_app.message_view import MessageView
from chat_client_app.session.events import HistoryPageReceived, SearchResults
from chat_client_app.session.state import Chat, chat_of
from chat_client_app.window_rooms import WindowRooms
from shared.fields import parse_ts
from shared.messages import ChatMessage
from shared.validation import name_key

__all__ = ["SearchResultsPanel", "ServerSearch"]

_MESSAGE = Qt.ItemDataRole.UserRole

HIGHLIGHT_MS = 2500
"""How long an opened result stays highlighted (selected) in its timeline."""


class SearchResultsPanel(QWidget):
    """Signals: result_activated(ChatMessage), more_requested, closed."""

    result_activated = Signal(object)
    more_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Search results"))
        self._status = QLabel(self)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setAccessibleDescription(self.tr("Search status"))
        self._more = QToolButton(self)
        self._more.setText(self.tr("Older results"))
        self._more.setAccessibleName(self.tr("Older results"))
        self._close = QToolButton(self)
        self._close.setText("✕")
        self._close.setAccessibleName(self.tr("Close the search results"))
        self._list = QTreeWidget(self)
        self._list.setAccessibleName(self.tr("Messages found on the server"))
        self._list.setHeaderLabels([self.tr("Room"), self.tr("Author"), self.tr("Date"), self.tr("Text")])
        self._list.setRootIsDecorated(False)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        top = QHBoxLayout()
        top.addWidget(self._status, 1)
        top.addWidget(self._more)
        top.addWidget(self._close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(top)
        layout.addWidget(self._list)
        self._more.clicked.connect(self.more_requested)
        self._close.clicked.connect(self._on_close_clicked)
        self._list.itemActivated.connect(self._on_list_item_activated)
        self._list.itemClicked.connect(self._on_list_item_activated)

    @property
    def results(self) -> QTreeWidget:
        return self._list

    @property
    def more_button(self) -> QToolButton:
        return self._more

    @property
    def status_text(self) -> str:
        return self._status.text()

    def begin(self, query: str) -> None:
        self._list.clear()
        self._more.setEnabled(False)
        self._status.setText(self.tr("Searching the server for “{query}”…").format(query=query))
        self.show()

    def add(self, messages: tuple[ChatMessage, ...], more: bool, own_key: str) -> None:
        for message in messages:
            # QTreeWidgetItem's texts are plain text: the wire's words are shown as they are.
            item = QTreeWidgetItem(
                [_place(message, own_key), message.sender, _when(message.ts), message.text]
            )
            item.setData(0, _MESSAGE, message)
            item.setToolTip(3, message.text)
            self._list.addTopLevelItem(item)
        self._more.setEnabled(more)
        self.recount()

    def recount(self) -> None:
        """Say how many results are listed (after another message was shown)."""
        count = self._list.topLevelItemCount()
        if count == 0 and self._more.isEnabled():
            # A search examines a bounded number of matches: none of them was the user's.
            self._status.setText(self.tr("Nothing found yet: look among older messages"))
        elif count == 0:
            self._status.setText(self.tr("Nothing found on the server"))
        else:
            self._status.setText(self.tr("%n message(s) found on the server", "", count))

    def say(self, text: str) -> None:
        self._status.setText(text)

    def oldest_id(self) -> int | None:
        count = self._list.topLevelItemCount()
        if count == 0:
            return None
        item = self._list.topLevelItem(count - 1)
        message = item.data(0, _MESSAGE) if item is not None else None
        return message.id if isinstance(message, ChatMessage) else None

    def _on_list_item_activated(self, item: QTreeWidgetItem) -> None:
        message = item.data(0, _MESSAGE)
        if isinstance(message, ChatMessage):
            self.result_activated.emit(message)

    def _on_close_clicked(self) -> None:
        self.hide()
        self.closed.emit()


def _place(message: ChatMessage, own_key: str) -> str:
    if message.to is None:
        return "#" + message.room
    other = message.to if name_key(message.sender) == own_key else message.sender
    return "@" + other


def _when(ts: str) -> str:
    try:
        return parse_ts(ts).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts


class ServerSearch(QObject):
    """The find bar's "Search the server", its results and where a chosen one leads."""

    def __init__(
        self,
        controller: ClientController,
        find_bar: FindBar,
        panel: SearchResultsPanel,
        rooms: WindowRooms,
        view: MessageView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._panel = panel
        self._rooms = rooms
        self._view = view
        self._query = ""
        self._sid: str | None = None
        self._resume: int | None = None  # the ``before`` of the next page
        self._page: str | None = None  # the sid of the page of history awaited
        self._shown = QPersistentModelIndex()  # the result highlighted last
        self._unhighlight = QTimer(self)
        self._unhighlight.setSingleShot(True)
        self._unhighlight.setInterval(HIGHLIGHT_MS)
        self._unhighlight.timeout.connect(self._on_unhighlight_timeout)
        find_bar.server_search_requested.connect(self.search)
        controller.search_results_received.connect(self._on_controller_search_results_received)
        controller.history_page_received.connect(self._on_controller_history_page_received)
        panel.more_requested.connect(self._on_panel_more_requested)
        panel.result_activated.connect(self.show_message)

    @property
    def panel(self) -> SearchResultsPanel:
        return self._panel

    @property
    def highlighted(self) -> bool:
        """Whether an opened result is highlighted in the timeline now."""
        return self._unhighlight.isActive()

    def search(self, query: str) -> None:
        self._query = query
        self._resume = None
        self._panel.begin(query)
        self._sid = self._controller.search_server(query)
        if self._sid is None:
            self._panel.say(self.tr("Not connected: the server cannot be searched now"))

    def _on_panel_more_requested(self) -> None:
        before = self._resume if self._resume is not None else self._panel.oldest_id()
        if before is not None:
            self._panel.more_button.setEnabled(False)
            self._sid = self._controller.search_server(self._query, before=before)

    def _on_controller_search_results_received(self, results: SearchResults) -> None:
        if results.sid != self._sid:
            return  # an older search's page
        self._resume = results.before if results.more else None
        self._panel.add(results.messages, results.more, name_key(self._controller.name))

    def show_message(self, message: ChatMessage) -> None:
        """Show the result's room or conversation and the message in it, asking the
        server for the messages around it when that timeline does not hold it."""
        chat = chat_of(message, name_key(self._controller.name))
        if chat.is_room and not chat.is_general and not self._rooms.timelines.has(chat):
            self._panel.say(self.tr("You are no longer in #{room}").format(room=message.room))
            return
        self._rooms.select(chat)
        if self._reveal(chat, message.id):
            self._page = None
            return
        self._page = self._controller.history_around(chat, message.id)
        if self._page is None:
            self._panel.say(self.tr("Not connected: the messages around it cannot be loaded now"))
        else:
            self._panel.say(self.tr("Loading the messages around it…"))

    def _on_controller_history_page_received(self, page: HistoryPageReceived) -> None:
        if page.sid != self._page:
            return  # the user opened another result since
        self._page = None
        self._rooms.timelines.insert_past(page.chat, page.messages)
        if self._rooms.current != page.chat:
            return  # the user went elsewhere meanwhile: the page waits in its timeline
        if not self._reveal(page.chat, page.around):
            self._panel.say(self.tr("That message is no longer on the server"))

    def _reveal(self, chat: Chat, message_id: int) -> bool:
        """Scroll ``chat``'s timeline (shown) to the message, and highlight it a moment."""
        model = self._rooms.timelines.model(chat)
        for row, entry in enumerate(model.entries()):
            if entry.msg_id == message_id:
                index = model.index(row, 0)
                self._shown = QPersistentModelIndex(index)
                self._view.setCurrentIndex(index)
                self._view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)
                self._unhighlight.start()
                self._panel.recount()
                return True
        return False

    def _on_unhighlight_timeout(self) -> None:
        if self._shown.isValid() and self._view.currentIndex().row() == self._shown.row():
            self._view.selectionModel().clearSelection()
