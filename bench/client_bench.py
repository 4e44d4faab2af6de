"""Client scenario: the real chat window (offscreen) under a burst of messages.

A stand-in server in a thread of this process (raw sockets on 127.0.0.1) answers the
window's hello with a welcome, answers its pings, and on cue sends N ``message``
frames in one ``sendall``. Measured:

- ``window_shown_ms``: from ``--launched-at`` (the driver's clock just before it
  started this process) to the window's first paint: what a user waits for;
- ``burst_shown_ms``: from the burst's first byte to the first paint of the message
  view with the last message of the burst in the model and on screen (its row
  inside the viewport);
- ``longest_stall_ms``: the worst lateness of a 10 ms timer, from the burst until
  one second after it was shown (how long the window was frozen at most);
- ``rss_mb_before`` / ``rss_mb_after``: the process's RSS before the burst and one
  second after it was shown.

    QT_QPA_PLATFORM=offscreen python bench/client_bench.py [--messages N] [--launched-at EPOCH]

prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import sys
import threading
import time
from pathlib import Path

_HEADER = struct.Struct(">I")
NAME = "bench"
TICK_MS = 10
TAIL_S = 1.0
TIMEOUT_S = 60.0


def _frame(obj: dict[str, object]) -> bytes:
    payload = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return _HEADER.pack(len(payload)) + payload


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return -1.0


class StandInServer(threading.Thread):
    """Welcome, pong, and one burst on cue; nothing else."""

    def __init__(self, messages: int) -> None:
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.go = threading.Event()
        self.sent_at = 0.0
        texts = [
            "Burst line {i}: a chat message of ordinary length, with a few words more in it."
            if i % 10
            else "Burst line {i}: see https://example.org/page/{i} for the details"
            for i in range(messages)
        ]
        ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.burst = b"".join(
            _frame({"type": "message", "id": i + 1, "ts": ts, "from": f"user{i % 25}", "text": t.format(i=i)})
            for i, t in enumerate(texts)
        )
        self.last_id = messages

    def run(self) -> None:
        conn, _ = self.listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = bytearray()
        welcomed = False
        conn.settimeout(0.05)
        while True:
            if self.go.is_set() and self.sent_at == 0.0:
                self.sent_at = time.perf_counter()
                conn.sendall(self.burst)
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            buf += data
            while len(buf) >= 4 and len(buf) >= 4 + _HEADER.unpack_from(buf)[0]:
                (n,) = _HEADER.unpack_from(buf)
                obj = json.loads(bytes(buf[4 : 4 + n]))
                del buf[: 4 + n]
                if obj.get("type") == "hello" and not welcomed:
                    welcomed = True
                    users = sorted([NAME] + [f"user{i}" for i in range(25)])
                    welcome = {
                        "type": "welcome",
                        "name": NAME,
                        "users": users,
                        "server": "bench",
                        "motd": "",
                        "last_id": 0,
                    }
                    conn.sendall(_frame(welcome))
                elif obj.get("type") == "ping":
                    conn.sendall(_frame({"type": "pong", "token": obj.get("token", "")}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--launched-at", type=float, default=None, help="time.time() when the process was started"
    )
    args = parser.parse_args(argv)
    launched_at = args.launched_at if args.launched_at is not None else time.time()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from chat_client_app.app import freeze_startup_objects
    from chat_client_app.chat_window import ChatWindow
    from chat_client_app.controller import ClientController, ConnectRequest

    server = StandInServer(args.messages)
    server.start()
    app = QApplication(sys.argv[:1])
    controller = ClientController()
    window = ChatWindow(controller)
    freeze_startup_objects()  # as the app does once its window is built
    model = window.model
    viewport = window.view.viewport()

    state: dict[str, float] = {"window_painted": 0.0, "in_model": 0.0, "shown": 0.0, "stall": 0.0}
    ticks: dict[str, float] = {"last": 0.0}

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                if watched is window and not state["window_painted"]:
                    state["window_painted"] = time.time()
                if watched is viewport and state["in_model"] and not state["shown"] and last_visible():
                    state["shown"] = time.perf_counter()
            return False

    watch = PaintWatch()
    window.installEventFilter(watch)
    viewport.installEventFilter(watch)

    def last_visible() -> bool:
        rows = model.rowCount()
        return rows > 0 and window.view.visualRect(model.index(rows - 1)).intersects(viewport.rect())

    def last_in_model() -> bool:
        rows = model.rowCount()
        return rows > 0 and model.entry(rows - 1).msg_id == server.last_id

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)

    def on_tick() -> None:
        now = time.perf_counter()
        if ticks["last"]:
            state["stall"] = max(state["stall"], now - ticks["last"] - TICK_MS / 1000)
        ticks["last"] = now
        if server.sent_at and not state["in_model"] and last_in_model():
            state["in_model"] = now
            viewport.update()
        if state["shown"] and now - state["shown"] > TAIL_S:
            app.quit()
        if server.sent_at and now - server.sent_at > TIMEOUT_S:
            app.quit()

    timer.timeout.connect(on_tick)
    before: dict[str, float] = {}

    def fire() -> None:
        before["rss"] = _rss_mb()
        before["rows"] = model.rowCount()
        ticks["last"] = 0.0
        timer.start()
        server.go.set()

    def on_state(value: str) -> None:
        if value == "connected" and not before:
            QTimer.singleShot(500, fire)

    controller.state_changed.connect(on_state)
    window.start(ConnectRequest(NAME, "127.0.0.1", server.port))
    QTimer.singleShot(int(TIMEOUT_S * 2000), app.quit)
    app.exec()
    timer.stop()
    rss_after = _rss_mb()
    ok = bool(state["shown"])
    result = {
        "messages": args.messages,
        "ok": ok,
        "window_shown_ms": round((state["window_painted"] - launched_at) * 1000, 1)
        if state["window_painted"]
        else None,
        "burst_in_model_ms": round((state["in_model"] - server.sent_at) * 1000, 1)
        if state["in_model"]
        else None,
        "burst_shown_ms": round((state["shown"] - server.sent_at) * 1000, 1) if ok else None,
        "longest_stall_ms": round(state["stall"] * 1000, 1),
        "rss_mb_before": before.get("rss"),
        "rss_mb_after": rss_after,
        "rows_after": model.rowCount(),
    }
    print(json.dumps(result), flush=True)
    window.hide()
    controller.quit()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
