"""Light or dark whatever the desktop says: the user's choice of appearance, for both apps.

Qt follows the desktop's colour scheme where the platform tells it one (Windows,
macOS, GNOME and KDE through their portals); elsewhere (a lab's bare X session, a
LAN-party laptop with a plain window manager) every app is light, and
``QStyleHints.setColorScheme`` is only a request the platform may ignore (Qt's
generic Unix theme does). So a forced appearance is Qt's Fusion style with a palette
of our own: the dark one is Fusion's dark palette, with links light enough to read on
it (the timeline checks its own colours against the rows, row_colours.py).
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory

__all__ = [
    "Appearance",
    "AppearanceMenu",
    "apply_appearance",
    "dark_palette",
    "saved_appearance",
    "save_appearance",
]

_KEY = "appearance"

_system_look: tuple[str, QPalette] | None = None


class Appearance(enum.StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.ToolTipBase: "#3a3a3a",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#9a9a9a",
    QPalette.ColorRole.Text: "#e8e8e8",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e8e8e8",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4a4a",
    QPalette.ColorRole.Midlight: "#3e3e3e",
    QPalette.ColorRole.Mid: "#2f2f2f",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#0d0d0d",
    QPalette.ColorRole.Highlight: "#2f65ca",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#7f7f7f",
    QPalette.ColorRole.Text: "#7f7f7f",
    QPalette.ColorRole.ButtonText: "#7f7f7f",
    QPalette.ColorRole.Highlight: "#4a4a4a",
    QPalette.ColorRole.HighlightedText: "#9a9a9a",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def apply_appearance(app: QApplication, appearance: Appearance) -> None:
    """Make ``app`` look as ``appearance`` says, now and for every window it opens.

    Back to :attr:`Appearance.SYSTEM` restores the style and palette Qt chose at start."""
    global _system_look
    if _system_look is None:
        if appearance is Appearance.SYSTEM:
            return  # nothing replaced the platform's look yet
        # What the platform gave, before any choice replaced it (one application a process).
        _system_look = (app.style().name(), QPalette(app.palette()))
    style_name, system_palette = _system_look
    if appearance is Appearance.SYSTEM:
        if (style := QStyleFactory.create(style_name)) is not None:
            app.setStyle(style)
        app.setPalette(system_palette)
        return
    if (fusion := QStyleFactory.create("Fusion")) is not None:
        app.setStyle(fusion)
    app.setPalette(dark_palette() if appearance is Appearance.DARK else app.style().standardPalette())


def saved_appearance(settings: QSettings | None = None) -> Appearance:
    value = (settings or QSettings()).value(_KEY, Appearance.SYSTEM.value)
    try:
        return Appearance(str(value))
    except ValueError:
        return Appearance.SYSTEM


def save_appearance(appearance: Appearance, settings: QSettings | None = None) -> None:
    (settings or QSettings()).setValue(_KEY, appearance.value)


class AppearanceMenu(QObject):
    """View ▸ Appearance: the system's look, light or dark; kept in the app's settings."""

    def __init__(self, menu: QMenu) -> None:
        super().__init__(menu)
        self.menu = menu.addMenu(self.tr("&Appearance"))
        self.menu.setAccessibleName(self.tr("Appearance menu"))
        group = QActionGroup(self)
        labels = {
            Appearance.SYSTEM: self.tr("Like the &system"),
            Appearance.LIGHT: self.tr("&Light"),
            Appearance.DARK: self.tr("&Dark"),
        }
        current = saved_appearance()
        self.actions: dict[Appearance, QAction] = {}
        for appearance, label in labels.items():
            action = QAction(label, self.menu, checkable=True, checked=appearance is current)
            action.triggered.connect(lambda _=False, chosen=appearance: self.choose(chosen))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[appearance] = action

    def choose(self, appearance: Appearance) -> None:
        save_appearance(appearance)
        self.actions[appearance].setChecked(True)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_appearance(app, appearance)
