"""Help ▸ About: what the program is, and which version of it runs.

The client and the server's dashboard both show it: one action and one box, so that
the two never tell different things.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from shared.version import version

__all__ = ["about_action", "about_text", "show_about"]


def about_text() -> str:
    return QCoreApplication.translate(
        "About", "Parla {version}\n\nA chat for a classroom or an office network: a server and its clients."
    ).format(version=version())


def show_about(parent: QWidget | None) -> QMessageBox:
    """Open the About box (non-modal: the chat goes on behind it) and return it."""
    box = QMessageBox(parent)
    box.setWindowTitle(QCoreApplication.translate("About", "About Parla"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(about_text())
    box.setIcon(QMessageBox.Icon.Information)
    box.setAccessibleName(QCoreApplication.translate("About", "About Parla"))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setModal(False)
    box.show()
    return box


def about_action(window: QWidget) -> QAction:
    """The Help menu's "About Parla" of ``window``, which opens :func:`show_about`."""
    action = QAction(QCoreApplication.translate("About", "&About Parla"), window)
    action.setObjectName("about_action")
    action.setMenuRole(QAction.MenuRole.AboutRole)
    action.triggered.connect(lambda: show_about(window))
    return action
