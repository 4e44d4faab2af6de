"""The Rooms menu's orders: open a room, close one, set its topic, switch its
read-only, and move the selected user into a room; each an action enabled as the
engine and the selections allow, each turned into one order on the engine's
:class:`~chat_server_app.room_desk.RoomDesk`.

The dialogs are plain :class:`QInputDialog` and :class:`QMessageBox` windows, named
so that a test can find and answer them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from chat_server_app.core.room_orders import TOPIC_MAX_CHARS, RoomOrderError, RoomRefusal, topic_problem
from chat_server_app.engine import ChatServer, Session
from chat_server_app.room_desk import RoomView
from shared.limits import NAME_MAX_CHARS
from shared.validation import normalize_name, room_problem

__all__ = ["RoomsActions"]


class RoomsActions(QObject):
    """Owns the rooms' actions; the window puts them in its menus, the rooms panel in
    its buttons and context menu, the users panel the move."""

    reported = Signal(str)  # what an order did (or why it could not), for the operator

    def __init__(
        self,
        engine: ChatServer,
        selected_room: Callable[[], RoomView | None],
        selected_user: Callable[[], Session | None],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._engine = engine
        self._selected_room = selected_room
        self._selected_user = selected_user
        self._window = window

        self.new_room = self._action(self.tr("&New room…"), "new_room_action", self._on_new_room_triggered)
        self.new_room.setToolTip(self.tr("Open a room that stays even with no one in it"))
        self.close_room = self._action(
            self.tr("&Close room…"), "close_room_action", self._on_close_room_triggered
        )
        self.close_room.setToolTip(self.tr("Send everyone out of the selected room and remove it"))
        self.set_topic = self._action(
            self.tr("Set &topic…"), "set_topic_action", self._on_set_topic_triggered
        )
        self.set_topic.setToolTip(self.tr("Change the selected room's topic; its members see a notice"))
        self.read_only = self._action(
            self.tr("Room &read-only"), "room_read_only_action", self._on_read_only_triggered
        )
        self.read_only.setCheckable(True)
        self.read_only.setToolTip(self.tr("While on, only the operator can write in the selected room"))
        self.move_user = self._action(
            self.tr("&Move to room…"), "move_user_action", self._on_move_user_triggered
        )
        self.move_user.setToolTip(self.tr("Put the selected user in a room, as if they had joined it"))

    def _action(self, text: str, name: str, slot: Callable[..., None]) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def sync(self) -> None:
        """Enable what the engine's state and the selections allow."""
        room = self._selected_room()
        self.close_room.setEnabled(room is not None and not room.is_general)
        self.set_topic.setEnabled(room is not None)
        self.read_only.setEnabled(room is not None)
        self.read_only.setChecked(room is not None and room.read_only)
        self.move_user.setEnabled(self._engine.is_listening and self._selected_user() is not None)

    def request_read_only(self, name: str, on: bool) -> None:
        """The read-only switch of one room (the rooms table's check box)."""
        self._order(lambda: self._engine.rooms.set_read_only(name, on))
        if on:
            self.reported.emit(self.tr("#{room} is now read-only").format(room=name))
        else:
            self.reported.emit(self.tr("#{room} is open again").format(room=name))

    # --- dialogs --------------------------------------------------------------------

    def _text_dialog(self, name: str, title: str, label: str, text: str, max_length: int) -> str | None:
        dialog = QInputDialog(self._window)
        dialog.setObjectName(name)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setAccessibleName(title)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextValue(text)
        edit = dialog.findChild(QLineEdit)
        if edit is not None:
            edit.setMaxLength(max_length)
            edit.setAccessibleName(label.replace("&", ""))
        try:
            return dialog.textValue() if dialog.exec() == QInputDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def _room_name_problem(self, name: str) -> str | None:
        if room_problem(name) is None:
            return None
        return self._refusal(RoomOrderError(RoomRefusal.BAD_ROOM_NAME, "", room=name))

    def _order(self, order: Callable[[], object]) -> bool:
        """Carry out one order; a refusal of the rules is reported in their words."""
        try:
            order()
        except RoomOrderError as exc:
            self.reported.emit(self.tr("Not done: {reason}").format(reason=self._refusal(exc)))
            return False
        return True

    def _refusal(self, exc: RoomOrderError) -> str:
        """Why the rules refused, in the operator's language (the core's words are English)."""
        d = exc.details
        if exc.refusal is RoomRefusal.NO_SUCH_ROOM:
            return self.tr("there is no room #{room}").format(room=d.get("room", ""))
        if exc.refusal is RoomRefusal.BAD_ROOM_NAME:
            return self.tr(
                "“{name}” cannot be a room's name: at most {count} characters, without spaces, commas, colons or #."  # noqa: E501
            ).format(name=d.get("room", ""), count=NAME_MAX_CHARS)
        if exc.refusal is RoomRefusal.BAD_TOPIC:
            return self.tr("a topic is one line of at most {count} characters").format(
                count=d.get("count", 0)
            )
        if exc.refusal is RoomRefusal.GENERAL_IS_THERE:
            return self.tr("#general is always there: it cannot be opened or closed")
        if exc.refusal is RoomRefusal.SERVER_FULL:
            return self.tr("this server already holds as many rooms as it may ({count})").format(
                count=d.get("count", 0)
            )
        return self.tr("{name} is already in as many rooms as one may be ({count})").format(
            name=d.get("name", ""), count=d.get("count", 0)
        )

    # --- slots ----------------------------------------------------------------------

    def _on_new_room_triggered(self) -> None:
        name = self._text_dialog(
            "new_room_dialog", self.tr("New room"), self.tr("&Name of the new room:"), "", NAME_MAX_CHARS
        )
        if name is None or not name.strip():
            return
        name = normalize_name(name)
        problem = self._room_name_problem(name)
        if problem is not None:
            self.reported.emit(problem)
            return
        if self._order(lambda: self._engine.rooms.open_room(name)):
            self.reported.emit(self.tr("The room #{room} is open").format(room=name))

    def _on_close_room_triggered(self) -> None:
        room = self._selected_room()
        if room is None or room.is_general:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Close room"),
            self.tr("Close #{room}? Its {count} members online are sent out of it.").format(
                room=room.name, count=room.members
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setObjectName("close_room_box")
        box.setAccessibleName(self.tr("Close room"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # the room's name is the users'
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        try:
            if box.exec() != QMessageBox.StandardButton.Yes:
                return
        finally:
            box.deleteLater()
        if self._order(lambda: self._engine.rooms.close_room(room.name)):
            self.reported.emit(self.tr("The room #{room} is closed").format(room=room.name))

    def _on_set_topic_triggered(self) -> None:
        room = self._selected_room()
        if room is None:
            return
        topic = self._text_dialog(
            "topic_dialog",
            self.tr("Topic of #{room}").format(room=room.name),
            self.tr("&Topic (empty: none):"),
            room.topic,
            TOPIC_MAX_CHARS,
        )
        if topic is None:
            return
        if topic_problem(topic.strip()) is not None:
            self.reported.emit(
                self.tr("A topic is one line of at most {count} characters").format(count=TOPIC_MAX_CHARS)
            )
            return
        if self._order(lambda: self._engine.rooms.set_topic(room.name, topic)):
            self.reported.emit(self.tr("The topic of #{room} is set").format(room=room.name))

    def _on_read_only_triggered(self, checked: bool) -> None:
        room = self._selected_room()
        if room is not None:
            self.request_read_only(room.name, checked)
        self.sync()

    def _on_move_user_triggered(self) -> None:
        session = self._selected_user()
        if session is None:
            return
        user = session.name
        rooms = [r.name for r in self._engine.rooms.listing() if not r.is_general]
        dialog = QInputDialog(self._window)
        dialog.setObjectName("move_user_dialog")
        dialog.setWindowTitle(self.tr("Move {name}").format(name=user))
        dialog.setAccessibleName(self.tr("Move user to room"))
        dialog.setLabelText(self.tr("&Room for {name} (a new name makes it):").format(name=user))
        dialog.setComboBoxItems(rooms)
        dialog.setComboBoxEditable(True)
        dialog.setTextValue(rooms[0] if rooms else "")
        try:
            if dialog.exec() != QInputDialog.DialogCode.Accepted:
                return
            name = normalize_name(dialog.textValue())
        finally:
            dialog.deleteLater()
        problem = self._room_name_problem(name)
        if problem is not None:
            self.reported.emit(problem)
            return
        moved: list[bool] = []
        if self._order(lambda: moved.append(self._engine.rooms.move(user, name))):
            if moved == [True]:
                self.reported.emit(self.tr("{name} is now in #{room}").format(name=user, room=name))
            else:
                self.reported.emit(self.tr("{name} is no longer connected").format(name=user))
