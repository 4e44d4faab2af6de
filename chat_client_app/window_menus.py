"""The chat window's actions and menus: what each entry says, its key, and whom it calls."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow

from shared.messages import PresenceState
from shared_gui.about import about_action

__all__ = ["WindowMenus"]

Slot = Callable[[], object]


class WindowMenus(QObject):
    """Builds the menu bar of ``window``; every action calls one of the window's slots."""

    def __init__(
        self,
        window: QMainWindow,
        *,
        connect: Slot,
        find: Slot,
        find_next: Slot,
        find_previous: Slot,
        clear: Slot,
        quit: Slot,
        mentions: QAction,
        go_to_input: Slot,
        go_to_users: Slot,
        help: Slot,
        status: Callable[[PresenceState], object] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        keys = QKeySequence.StandardKey
        self.connect_action = self._action(self.tr("&Connect to a server…"), connect)
        self.find_action = self._action(self.tr("&Find…"), find, QKeySequence(keys.Find))
        self.find_next_action = self._action(self.tr("Find &next"), find_next, QKeySequence(keys.FindNext))
        self.find_previous_action = self._action(
            self.tr("Find &previous"), find_previous, QKeySequence(keys.FindPrevious)
        )
        self.clear_action = self._action(self.tr("C&lear the view"), clear, QKeySequence("Ctrl+L"))
        self.quit_action = self._action(self.tr("&Leave and quit"), quit, QKeySequence(keys.Quit))
        self.mentions_action = mentions
        mentions.setText(self.tr("&Mentions and private messages"))
        mentions.setShortcut(QKeySequence("Ctrl+M"))
        self.go_to_input_action = self._action(
            self.tr("Go to the &message line"), go_to_input, QKeySequence("Ctrl+K")
        )
        self.go_to_users_action = self._action(
            self.tr("Go to the &users"), go_to_users, QKeySequence("Ctrl+U")
        )
        self.help_action = self._action(self.tr("&Commands"), help)
        self.about_action = about_action(window)
        self.status_actions: dict[PresenceState, QAction] = {}
        if status is not None:
            texts = {
                PresenceState.AVAILABLE: self.tr("&Available"),
                PresenceState.AWAY: self.tr("A&way"),
                PresenceState.BUSY: self.tr("&Busy"),
            }
            group = QActionGroup(self)
            for state, text in texts.items():
                action = self._action(text, partial(status, state))
                action.setCheckable(True)
                action.setChecked(state is PresenceState.AVAILABLE)
                group.addAction(action)
                self.status_actions[state] = action
        self._create_menus()

    def show_status(self, state: PresenceState) -> None:
        """Check the status entry of ``state`` (the status changed some other way)."""
        action = self.status_actions.get(state)
        if action is not None:
            action.setChecked(True)

    def _action(self, text: str, slot: Slot, shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _create_menus(self) -> None:
        bar = self._window.menuBar()
        chat = bar.addMenu(self.tr("&Chat"))
        chat.addAction(self.connect_action)
        chat.addSeparator()
        chat.addActions([self.find_action, self.find_next_action, self.find_previous_action])
        chat.addAction(self.clear_action)
        if self.status_actions:
            status = chat.addMenu(self.tr("&Status"))
            status.addActions(list(self.status_actions.values()))
        chat.addSeparator()
        chat.addAction(self.quit_action)
        view = bar.addMenu(self.tr("&View"))
        view.addActions([self.mentions_action, self.go_to_input_action, self.go_to_users_action])
        self.view_menu = view
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)
