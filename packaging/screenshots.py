"""The README's screenshots, taken from the real programs: ``python packaging/screenshots.py``.

For each language (English, then Italian; then English again, dark: View ▸
Appearance, ``--appearance dark``) it starts the server with its dashboard
and one chat client, each on a virtual screen of its own (Xvfb, no window manager:
the pictures show the windows without a title bar), on 127.0.0.1 with
``--no-announce``. Three users typed with the project's codec chat a little first,
one of them as Anna, who then leaves; the real client joins as Anna, so her window
shows that history and what comes after it: a mention with a link and a private
message. Each screen is grabbed (``QScreen.grabWindow`` in a small process of its
own), cropped to the window and written to ``docs/screenshots/``.

``--built`` takes the programs from dist/ (``make package``) instead of the sources.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# The checkout's shared/ (the codec): this script runs as a file, not from a package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xvfb import virtual_screen

from shared.codec import FrameDecoder, encode
from shared.limits import CLIENT_MAX_FRAME, DEFAULT_PORT

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCREEN = "1280x800x24"
TIMEOUT = 20.0
SETTLE = 1.5
"""Seconds for the windows to take in the last frames and repaint before the grab: a
script waiting for pixels, not a test (those poll)."""


@dataclass(frozen=True)
class Script:
    """What is said, in one language."""

    lang: str
    server_name: str
    motd: str
    history: list[tuple[str, str]]  # (who, text), before Anna's window joins
    mention: str  # Bruno to everyone, naming Anna, with a link
    private: str  # Carla to Anna only
    after: str  # Davide, last


SCRIPTS = [
    Script(
        lang="en",
        server_name="Lab 3",
        motd="Be kind, stay on topic. Slides: http://192.168.1.10/slides",
        history=[
            ("Davide", "Morning! Has anyone got the link to today's exercises?"),
            ("Anna", "It's on the board: exercise 4 first, then 5."),
            ("Bruno", "Thanks Anna 👍"),
            ("Carla", "Can we work in pairs?"),
        ],
        mention="@Anna the slides are at http://192.168.1.10/slides",
        private="Shall we pair up for exercise 5?",
        after="Done with 4! 🎉",
    ),
    Script(
        lang="it",
        server_name="Aula 3",
        motd="Gentilezza e niente spam. Slide: http://192.168.1.10/slide",
        history=[
            ("Davide", "Buongiorno! Qualcuno ha il link agli esercizi di oggi?"),
            ("Anna", "È alla lavagna: prima l'esercizio 4, poi il 5."),
            ("Bruno", "Grazie Anna 👍"),
            ("Carla", "Possiamo lavorare in coppia?"),
        ],
        mention="@Anna le slide sono su http://192.168.1.10/slide",
        private="Facciamo coppia per il 5?",
        after="Finito il 4! 🎉",
    ),
]


class Peer:
    """A user typed by this script: the codec over a blocking socket, reads bounded by deadlines."""

    def __init__(self, port: int, name: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.decoder = FrameDecoder(CLIENT_MAX_FRAME)
        self.frames: list[dict[str, object]] = []
        self.count = 0
        self.sock.sendall(encode({"type": "hello", "version": 1, "name": name}))
        self.wait_for("welcome")

    def wait_for(self, type_: str, **fields: object) -> dict[str, object]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for frame in self.frames:
                if frame.get("type") == type_ and all(frame.get(k) == v for k, v in fields.items()):
                    return frame
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit(f"the server closed the connection; got {self.frames!r}")
            self.frames.extend(self.decoder.feed(data))

    def say(self, text: str, to: str | None = None) -> None:
        """Send, and wait for the echo: the server has passed it on to everyone."""
        self.count += 1
        cid = f"s{self.count}"
        message: dict[str, object] = {"type": "say", "text": text, "cid": cid}
        if to is not None:
            message["to"] = to
        self.sock.sendall(encode(message))
        self.wait_for("message", cid=cid)

    def leave(self) -> None:
        self.sock.sendall(encode({"type": "bye"}))
        self.sock.close()


def pick_port() -> int:
    """Parla's default port when it is free (it reads better in the pictures), else any."""
    with socket.socket() as probe:
        # As the server binds (Qt sets it): the previous language's closed connections may linger.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", DEFAULT_PORT))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)  # polling another process from a script
    raise SystemExit("the server did not start listening")


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()  # SIGTERM: both programs leave cleanly
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def grab(display: str, out: Path) -> None:
    """Grab ``display`` in a process of its own (a Qt application per screen) into ``out``."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    subprocess.run([sys.executable, __file__, "--grab", str(out)], env=env, check=True, timeout=TIMEOUT)


def grab_this_screen(out: Path) -> None:
    """The screen's one window: the screen grabbed, cropped to what is not its black background."""
    from PySide6.QtGui import QGuiApplication, QImage

    app = QGuiApplication(sys.argv[:1])
    image = app.primaryScreen().grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB32)
    black = image.pixel(0, image.height() - 1)  # the corner no window reaches: the background
    # Every 8th pixel of a row is enough to see a window's edge in it.
    width, height = image.width(), image.height()
    rows = [y for y in range(height) if any(image.pixel(x, y) != black for x in range(0, width, 8))]
    if not rows:
        raise SystemExit(f"nothing on the screen {os.environ.get('DISPLAY')}")
    top, bottom = rows[0], rows[-1]
    middle = (top + bottom) // 2
    columns = [x for x in range(width) if (image.pixel(x, middle), image.pixel(x, top)) != (black, black)]
    left, right = columns[0], columns[-1]
    if not image.copy(left, top, right - left + 1, bottom - top + 1).save(str(out)):
        raise SystemExit(f"cannot write {out}")
    del app


def take(script: Script, built: bool, appearance: str = "system") -> None:
    if built:
        server_cmd = [str(ROOT / "dist/chat-server/chat-server")]
        client_cmd = [str(ROOT / "dist/chat-client/chat-client")]
    else:
        server_cmd = [sys.executable, "-m", "chat_server_app"]
        client_cmd = [sys.executable, "-m", "chat_client_app"]
    port = pick_port()
    with (
        tempfile.TemporaryDirectory() as scratch,
        virtual_screen(SCREEN) as server_screen,
        virtual_screen(SCREEN) as client_screen,
    ):
        base = {**os.environ, "QT_QPA_PLATFORM": "xcb", "XDG_CONFIG_HOME": str(Path(scratch) / "config")}
        server_args = [
            "--lang",
            script.lang,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-announce",
            "--data-dir",
            str(Path(scratch) / "data"),
            "--name",
            script.server_name,
            "--motd",
            script.motd,
            "--appearance",
            appearance,
        ]
        with running([*server_cmd, *server_args], {**base, "DISPLAY": server_screen}) as server:
            wait_listening(port, server)
            peers = {name: Peer(port, name) for name in ("Davide", "Anna", "Bruno", "Carla")}
            for who, text in script.history:
                peers[who].say(text)
            peers.pop("Anna").leave()
            client_args = [
                "--lang",
                script.lang,
                "--name",
                "Anna",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--connect",
                "--appearance",
                appearance,
            ]
            with running([*client_cmd, *client_args], {**base, "DISPLAY": client_screen}):
                peers["Bruno"].wait_for("joined", name="Anna")
                peers["Bruno"].say(script.mention)
                peers["Carla"].say(script.private, to="Anna")
                peers["Davide"].say(script.after)
                time.sleep(SETTLE)
                suffix = ("" if script.lang == "en" else f"-{script.lang}") + (
                    "" if appearance == "system" else f"-{appearance}"
                )
                grab(server_screen, OUT / f"dashboard{suffix}.png")
                grab(client_screen, OUT / f"chat-window{suffix}.png")
            for peer in peers.values():
                peer.leave()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--built", action="store_true", help="use the builds in dist/ (make package)")
    parser.add_argument("--grab", type=Path, help=argparse.SUPPRESS)  # the grabbing process
    args = parser.parse_args(argv)
    if args.grab is not None:
        grab_this_screen(args.grab)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for script in SCRIPTS:
        take(script, args.built)
        print(f"screenshots ({script.lang}) written to {OUT.relative_to(ROOT)}/")
    take(SCRIPTS[0], args.built, "dark")
    print(f"screenshots ({SCRIPTS[0].lang}, dark) written to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
