"""``chat-client``: parse the command line, then the connect dialog (or straight in), then the window.

Exit status: 0 after leaving the chat (window closed, ``{quit}``, SIGINT or SIGTERM),
2 for a bad command line (one line on stderr).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import NoReturn

from chat_client_app import APPLICATION, ORGANIZATION
from shared.resources import LANGUAGES
from shared.validation import name_problem, normalize_name

__all__ = ["main", "build_parser", "UsageError", "CLOSE_WAIT_MS"]

CLOSE_WAIT_MS = 2000
"""After the window closes, how long the bye and the socket close may take before exit."""


class UsageError(Exception):
    """A bad command line, in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="chat-client",
        description="Parla chat client. Without --connect it opens the connect dialog, filled in "
        "with the options given.",
    )
    parser.add_argument("--name", help="your name in the chat")
    parser.add_argument("--host", help="the server's address")
    parser.add_argument("--port", type=int, help="the server's TCP port (default 5001)")
    parser.add_argument("--password", help="the server's password, if it has one")
    parser.add_argument("--tls", action="store_true", help="a secure connection (the server runs with --tls)")
    parser.add_argument(
        "--connect", action="store_true", help="connect at once with --name, --host and --port (no dialog)"
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language (default: the system's)")
    parser.add_argument(
        "--appearance",
        choices=("system", "light", "dark"),
        help="light or dark whatever the desktop says (default: as chosen in View > Appearance)",
    )
    return parser


def _check(args: argparse.Namespace) -> None:
    if args.port is not None and not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be 1-65535, not {args.port}")
    if args.name is not None:
        problem = name_problem(args.name)
        if problem is not None:
            raise UsageError(f"--name: {problem}")
    if args.host is not None and not args.host.strip():
        raise UsageError("--host must not be empty")
    if args.connect and (args.name is None or args.host is None):
        raise UsageError("--connect needs --name and --host")


def freeze_startup_objects() -> None:
    """Take what exists once the window is built out of the garbage collector's sight.

    Qt's and our modules and the window live as long as the process, and a full
    collection walks every object: during a 10 000-message burst one took 20-25 ms (the
    benchmark's second-worst stall). Refcounting still frees these objects; only a
    cycle among them would outlive its use; the garbage of starting up is collected
    first, so none of it is kept.
    """
    gc.collect()
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        _check(args)
    except UsageError as exc:
        print(f"chat-client: error: {exc}", file=sys.stderr)
        return 2

    # Qt is imported only now: --help and a bad command line answer at once.
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from chat_client_app.chat_window import ChatWindow
    from chat_client_app.connect_dialog import ConnectDialog
    from chat_client_app.controller import ClientController, ClientState, ConnectRequest
    from chat_client_app.icons import app_icon
    from chat_client_app.recent_servers import scrollback_setting
    from shared.limits import DEFAULT_PORT
    from shared.qt import startup_probe
    from shared.qt.stop_signals import StopSignalWatcher
    from shared.qt.translations import install_translators
    from shared_gui.appearance import Appearance, apply_appearance, saved_appearance

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Parla")
    # The menu entry of packaging/linux: how a desktop matches the window to its icon.
    app.setDesktopFileName("parla-client")
    app.setWindowIcon(app_icon())
    translators = install_translators(app, args.lang)
    apply_appearance(app, Appearance(args.appearance) if args.appearance else saved_appearance())
    startup_probe.install_if_asked(app)

    controller = ClientController()
    # The window exists (hidden) before the dialog connects, so it hears the welcome
    # and the history that come with it.
    window = ChatWindow(controller, max_rows=scrollback_setting())

    def stop(signum: int) -> None:
        # SIGINT/SIGTERM: the same as closing every window (the chat window says bye).
        visible = [w for w in app.topLevelWidgets() if w.isVisible()]
        window.ask_before_closing = False
        for widget in visible:
            widget.close()
        if not visible:
            app.quit()

    watcher = StopSignalWatcher(stop)
    freeze_startup_objects()
    try:
        if args.connect:
            port = args.port or DEFAULT_PORT
            window.start(
                ConnectRequest(normalize_name(args.name), args.host.strip(), port, args.password, args.tls)
            )
        else:
            given = {
                "name": args.name,
                "host": args.host,
                "port": args.port,
                "password": args.password,
                "tls": args.tls or None,
            }
            prefill = {key: value for key, value in given.items() if value is not None}
            if ConnectDialog.ask(None, controller=controller, **prefill) is None:
                return 0
            window.show()
        app.exec()
    finally:
        watcher.close()
        controller.quit()
        if controller.state is not ClientState.DISCONNECTED:
            # Let the bye and the FIN leave before the process does.
            loop = QEventLoop()

            def on_state_changed(state: ClientState | str) -> None:
                if state == ClientState.DISCONNECTED:
                    loop.quit()

            controller.state_changed.connect(on_state_changed)
            QTimer.singleShot(CLOSE_WAIT_MS, loop.quit)
            loop.exec()
        window.deleteLater()
        del translators
    return 0
