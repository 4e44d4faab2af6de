"""``make run``: start the server dashboard, then one client window connected to it.

The two are independent programs, as on a user's desk: closing the dashboard stops the
server, and the client stays to say so ("The server is shutting down") and to count
down to its next reconnect; closing the client leaves the server running. ``make run``
returns when both windows are closed (Ctrl+C stops both).

Without a display the server runs headless (it says so) and no client starts.
Extra server options: ``make run SERVER_ARGS="--no-announce --port 6000"``.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import socket
import subprocess
import sys
import time

DEFAULT_PORT = 5001
READY_TIMEOUT = 20.0


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.1)  # a launcher polling another process, not a test
    return False


def main() -> int:
    extra = shlex.split(os.environ.get("SERVER_ARGS", ""))
    port = DEFAULT_PORT if _port_free(DEFAULT_PORT) else _free_port()
    if "--port" in extra:
        port = int(extra[extra.index("--port") + 1])
    else:
        extra += ["--port", str(port)]
    server = subprocess.Popen([sys.executable, "-m", "chat_server_app", *extra])
    client: subprocess.Popen[bytes] | None = None
    try:
        if not _wait_listening(port, server):
            print("make run: the server did not start listening", file=sys.stderr)
            return server.wait() or 1
        if _has_display():
            name = getpass.getuser() or "me"
            client = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "chat_client_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--name",
                    name,
                    "--connect",
                ]
            )
        else:
            print("make run: no display, so no client window; the server runs headless (Ctrl+C stops it)")
        status = server.wait()
        if client is not None:
            client.wait()  # the client outlives its server, as it would anywhere else
        return status
    except KeyboardInterrupt:
        _stop(client, server)
        return 0
    except BaseException:
        _stop(client, server)
        raise


def _stop(*processes: subprocess.Popen[bytes] | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
