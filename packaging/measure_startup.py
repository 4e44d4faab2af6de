"""How long the packaged client takes to show its window: ``python packaging/measure_startup.py``.

On a virtual screen (Xvfb), the built client is launched ``--runs`` times (10) with
``PARLA_EXIT_WHEN_SHOWN=1``: the time from launching the process to its line
``shown: <title>``, which it prints once its first window has been exposed and
painted. Two cases: a plain launch (the connect dialog) and ``--connect`` to a
built headless server (the chat window). One launch before each series is not
counted: it loads the files into the page cache, as any earlier run of a program
would have. Prints the median, the fastest and the slowest, and exits 1 when a
median is over the budget (README: "Packaging").
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xvfb import virtual_screen

BUDGET_MS = 800.0
TIMEOUT = 30.0


def launch_until_shown(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from launch to the ``shown:`` line, and the window's title; waits for a clean exit."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdout is not None
    line = b""
    deadline = time.monotonic() + TIMEOUT
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(process.stdout.fileno(), 256) if ready else b""
        if not chunk:
            process.kill()
            process.wait()
            raise SystemExit(f"{command[0]} showed no window within {TIMEOUT:.0f} s")
        line += chunk
    elapsed = time.perf_counter() - started
    status = process.wait(timeout=TIMEOUT)
    process.stdout.close()
    if status != 0:
        raise SystemExit(f"{command[0]} exited with {status}")
    return elapsed, line.decode().strip().removeprefix("shown: ")


def series(name: str, command: list[str], env: dict[str, str], runs: int) -> float:
    launch_until_shown(command, env)  # the warm-up launch, not counted
    times = []
    title = ""
    for _ in range(runs):
        elapsed, title = launch_until_shown(command, env)
        times.append(elapsed * 1000)
    median = statistics.median(times)
    print(
        f"{name} ({title!r}): median {median:.0f} ms of {runs} "
        f"(fastest {min(times):.0f}, slowest {max(times):.0f})"
    )
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="where the builds are")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    client = args.dist / "chat-client" / "chat-client"
    server = args.dist / "chat-server" / "chat-server"
    for program in (client, server):
        if not program.is_file():
            raise SystemExit(f"no {program}: run make package first")

    with tempfile.TemporaryDirectory() as scratch, virtual_screen() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "PARLA_EXIT_WHEN_SHOWN": "1",
            "XDG_CONFIG_HOME": str(Path(scratch) / "config"),  # not the user's recent servers
        }
        headless = subprocess.Popen(
            [
                str(server),
                "--headless",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-announce",
                "--data-dir",
                str(Path(scratch) / "server"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert headless.stdout is not None
            line = headless.stdout.readline().decode()
            if not line.startswith("listening on 127.0.0.1:"):
                raise SystemExit(f"the headless server said {line!r}")
            port = line.strip().rsplit(":", 1)[1]
            medians = [
                series("connect dialog", [str(client)], env, args.runs),
                series(
                    "chat window",
                    [str(client), "--name", "timer", "--host", "127.0.0.1", "--port", port, "--connect"],
                    env,
                    args.runs,
                ),
            ]
        finally:
            headless.send_signal(signal.SIGTERM)
            headless.wait(timeout=TIMEOUT)
    over = [median for median in medians if median > BUDGET_MS]
    print(f"budget {BUDGET_MS:.0f} ms: {'over' if over else 'met'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
