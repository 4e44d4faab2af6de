"""The last step of ``make package``: the sizes of the builds, then each program run once.

- prints the size of both builds, and fails a one-folder build over the budget;
- on a virtual screen (Xvfb), the dashboard and the client each show a window and
  exit 0 (``PARLA_EXIT_WHEN_SHOWN``: they print ``shown: <title>`` and close);
- headless, the server says ``listening on``, welcomes a client, and exits 0 on SIGTERM.

The full smoke test with a real client is ``tests/packaging/test_packaged.py``.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The checkout's shared/ (the codec): this script runs as a file, not from a package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xvfb import virtual_screen

from shared.codec import FrameDecoder, encode
from shared.limits import CLIENT_MAX_FRAME

APPS = ("chat-server", "chat-client")
BUDGET_BYTES = 120 * 1000 * 1000
"""A one-folder build must stay under 120 MB (decimal megabytes: the stricter reading)."""
TIMEOUT = 30.0
"""Seconds a program has to start and show itself, even on a loaded machine."""


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``, symbolic links counted as links."""
    return sum(path.lstat().st_size for path in folder.rglob("*") if not path.is_dir() or path.is_symlink())


def _read_line(process: subprocess.Popen[bytes], deadline: float) -> str:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 1) if ready else b""
        if not chunk:
            break
        line += chunk
    return line.decode("utf-8", "replace").strip()


def _finish(process: subprocess.Popen[bytes], what: str) -> None:
    try:
        status = process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise SystemExit(f"check: {what} did not exit") from None
    if status != 0:
        raise SystemExit(f"check: {what} exited with {status}")


def check_window(executable: Path, args: list[str], display: str, config: Path) -> str:
    """Run ``executable`` until its first window is shown; return the window's title."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "PARLA_EXIT_WHEN_SHOWN": "1"}
    env["XDG_CONFIG_HOME"] = str(config)  # the user's own settings stay untouched
    process = subprocess.Popen([str(executable), *args], stdout=subprocess.PIPE, env=env)
    line = _read_line(process, time.monotonic() + TIMEOUT)
    if not line.startswith("shown: "):
        process.kill()
        process.wait()
        raise SystemExit(f"check: {executable.name} showed no window (stdout: {line!r})")
    _finish(process, executable.name)
    return line.removeprefix("shown: ")


def check_headless(server: Path, data_dir: Path) -> int:
    """The headless server welcomes a client and stops cleanly on SIGTERM; returns its port."""
    process = subprocess.Popen(
        [
            str(server),
            "--headless",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-announce",
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        line = _read_line(process, time.monotonic() + TIMEOUT)
        if not line.startswith("listening on 127.0.0.1:"):
            raise SystemExit(f"check: the headless server said {line!r}")
        port = int(line.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as client:
            client.sendall(encode({"type": "hello", "version": 1, "name": "check"}))
            decoder = FrameDecoder(CLIENT_MAX_FRAME)
            frames: list[dict[str, object]] = []
            while not frames:
                data = client.recv(65536)
                if not data:
                    raise SystemExit("check: the headless server closed the connection")
                frames = decoder.feed(data)
            if frames[0].get("type") != "welcome":
                raise SystemExit(f"check: the headless server answered {frames[0]!r}")
        process.send_signal(signal.SIGTERM)
        _finish(process, "the headless server")
        return port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the PyInstaller builds of make package.")
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="where the builds are")
    parser.add_argument("--onefile", action="store_true", help="the builds are single files")
    args = parser.parse_args(argv)

    executables = {}
    over_budget = []
    for app in APPS:
        executable = args.dist / app if args.onefile else args.dist / app / app
        if not executable.is_file():
            raise SystemExit(f"check: {executable} is missing")
        executables[app] = executable
        size = executable.stat().st_size if args.onefile else folder_size(args.dist / app)
        kind = "one file" if args.onefile else "one folder"
        print(f"{executable}: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB, {kind})")
        if not args.onefile and size >= BUDGET_BYTES:
            over_budget.append(app)
    if over_budget:
        raise SystemExit(f"check: over the {BUDGET_BYTES / 1e6:.0f} MB budget: {', '.join(over_budget)}")

    with tempfile.TemporaryDirectory() as scratch, virtual_screen() as display:
        port = check_headless(executables["chat-server"], Path(scratch) / "headless")
        print(f"check: chat-server --headless welcomed a client on port {port} and stopped on SIGTERM")
        title = check_window(
            executables["chat-server"],
            ["--host", "127.0.0.1", "--port", "0", "--no-announce", "--data-dir", str(Path(scratch) / "gui")],
            display,
            Path(scratch) / "config",
        )
        print(f"check: chat-server showed {title!r} on a virtual screen and exited 0")
        title = check_window(executables["chat-client"], [], display, Path(scratch) / "config")
        print(f"check: chat-client showed {title!r} on a virtual screen and exited 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
