"""The real server with its history in memory (``MemoryStore``) instead of SQLite.

Everything else is ``python -m chat_server_app --headless``: the same settings, engine
and headless runner. The durability scenario compares it with the SQLite store, so
the difference is what storing every message costs.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    from chat_server_app.settings import SettingsError, parse_settings

    try:
        settings = parse_settings(sys.argv[1:])
    except SettingsError as exc:
        print(f"parla_memory_store: error: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_NO_GLIB", "1")  # as chat_server_app.app.main does
    from PySide6.QtCore import QCoreApplication

    from chat_server_app.engine import ChatServer
    from chat_server_app.headless import run_headless
    from chat_server_app.store import MemoryStore

    app = QCoreApplication(sys.argv[:1])
    engine = ChatServer(settings, MemoryStore())
    status = run_headless(settings, engine)
    del app
    return status


if __name__ == "__main__":
    sys.exit(main())
