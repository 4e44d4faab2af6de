"""Names for the parts of the chat window that Qt builds itself: what a screen reader says of them.

Qt names a menu bar, a popup menu, a splitter's handles, a status bar's size grip and
a scroll area's bars after nothing: an AT-SPI client (Orca, an automation tool) meets them as "menu bar",
"popup menu" and nameless objects. Qt gives its grips no AT-SPI role at all (there is
no grip in AT-SPI's list), so for them a name is all a screen reader can say.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLineEdit, QMainWindow, QMenu, QScrollBar, QSizeGrip, QSplitter, QToolButton

__all__ = ["name_window_parts", "name_clear_button"]


def name_window_parts(window: QMainWindow) -> None:
    """Name the menu bar, every menu in it, every splitter handle and the size grip of
    ``window``; call once its menus and panels are built."""
    bar = window.menuBar()
    if not bar.accessibleName():
        bar.setAccessibleName(QCoreApplication.translate("window_names", "Menu bar"))
    for menu in bar.findChildren(QMenu):
        if not menu.accessibleName():
            title = menu.title().replace("&&", "\0").replace("&", "").replace("\0", "&")
            name = QCoreApplication.translate("window_names", "{menu} menu")
            menu.setAccessibleName(name.format(menu=title))
    for splitter in window.findChildren(QSplitter):
        for index in range(splitter.count()):
            divider = QCoreApplication.translate("window_names", "Divider between the panels")
            splitter.handle(index).setAccessibleName(divider)
    for grip in window.findChildren(QSizeGrip):
        grip.setAccessibleName(QCoreApplication.translate("window_names", "Resize the window"))
    for scroll_bar in window.findChildren(QScrollBar):
        if not scroll_bar.accessibleName():
            if scroll_bar.orientation() == Qt.Orientation.Vertical:
                name = QCoreApplication.translate("window_names", "Vertical scroll bar")
            else:
                name = QCoreApplication.translate("window_names", "Horizontal scroll bar")
            scroll_bar.setAccessibleName(name)


def name_clear_button(field: QLineEdit, name: str) -> None:
    """The button that ``setClearButtonEnabled`` puts in ``field`` says nothing by itself."""
    for button in field.findChildren(QToolButton):
        button.setAccessibleName(name)
