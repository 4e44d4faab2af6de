"""A button that shows and triggers a QAction: menus, shortcuts and buttons share one state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton, QWidget

__all__ = ["action_button"]


def action_button(action: QAction, parent: QWidget) -> QToolButton:
    """A push-button-looking QToolButton for ``action``, named ``<action>_button``."""
    button = QToolButton(parent)
    button.setDefaultAction(action)
    button.setObjectName(f"{action.objectName().removesuffix('_action')}_button")
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # tool buttons take no Tab focus by default
    button.setAccessibleName(action.text().replace("&", ""))
    return button
