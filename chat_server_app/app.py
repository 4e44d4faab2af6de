"""``chat-server``: parse settings, open the history, then run headless or with the dashboard."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from chat_server_app.settings import Settings, SettingsError, parse_settings

__all__ = ["main", "display_available"]


def display_available() -> bool:
    """Whether a window can be shown: a display server, or a platform chosen explicitly."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = parse_settings(argv)
    except SettingsError as exc:
        return _fail(str(exc))
    from shared.confusables import ConfusablesError
    from shared.confusables import data as confusables

    try:
        # Names are compared by skeleton: without the table every hello would fail
        # later, inside the event loop. Better not to start.
        confusables()
    except ConfusablesError as exc:
        return _fail(str(exc))
    # Qt's plain Unix event dispatcher, not glib's: with thousands of sockets
    # glib's poll bookkeeping made one broadcast to 10 000 clients 7x slower.
    os.environ.setdefault("QT_NO_GLIB", "1")
    from chat_server_app.descriptors import raise_soft_limit

    raise_soft_limit()
    headless = settings.headless
    if not headless and not display_available():
        print("chat-server: no display available: running headless", file=sys.stderr)
        headless = True

    from shared.qt.translations import install_translators

    if headless:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication(sys.argv[:1])
    else:
        from PySide6.QtWidgets import QApplication

        from chat_server_app.icons import app_icon
        from shared.qt import startup_probe

        app = QApplication(sys.argv[:1])
        app.setWindowIcon(app_icon())
        # The menu entry of packaging/linux: how a desktop matches the window to its icon.
        app.setDesktopFileName("parla-server")
        startup_probe.install_if_asked(app)
    app.setApplicationName("Parla Server")
    app.setOrganizationName("Parla")
    if not headless:
        # The translators are children of app, so they live as long as it. Headless,
        # the server writes only log lines: they stay in English, like --help.
        install_translators(app, settings.lang)
        from PySide6.QtWidgets import QApplication

        from shared_gui.appearance import Appearance, apply_appearance, saved_appearance

        chosen = settings.appearance
        if isinstance(app, QApplication):
            apply_appearance(app, Appearance(chosen) if chosen else saved_appearance())
    data_dir = settings.resolved_data_dir
    from chat_server_app.store.files import DirectoryInUseError, DirectoryLock

    try:
        # Held until the process ends: a second server on this history would hand
        # out the same ids, and write the same self-signed certificate.
        lock = DirectoryLock(data_dir)
    except DirectoryInUseError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot use the data directory {data_dir}: {exc.strerror or exc}")
    try:
        return _serve(settings, data_dir, headless)
    finally:
        lock.release()


def _fail(message: str) -> int:
    print(f"chat-server: error: {message}", file=sys.stderr)
    return 2


def _serve(settings: Settings, data_dir: Path, headless: bool) -> int:
    from chat_server_app.engine import ChatServer
    from chat_server_app.store import SqliteStore, StoreError
    from chat_server_app.store.file_vault import FileVault, VaultError
    from chat_server_app.tls import TlsError, identity_for

    try:
        store = SqliteStore.in_dir(data_dir)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        tls = identity_for(settings.tls, settings.tls_cert, settings.tls_key, data_dir, settings.display_name)
        files = FileVault(data_dir / "files", settings.files_quota)
        engine = ChatServer(settings, store, tls=tls, files=files)
    except (TlsError, StoreError, VaultError) as exc:
        store.close()
        return _fail(str(exc))
    if headless:
        from chat_server_app.headless import run_headless

        return run_headless(settings, engine)
    from chat_server_app.dashboard.runner import run_dashboard

    return run_dashboard(settings, engine)
