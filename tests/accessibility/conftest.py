"""A desktop with an accessibility bus, both programs on it, and a screen reader's ears.

:class:`Desktop` is what a user of assistive technology has: an X screen (Xvfb), a
session bus of its own (``dbus-daemon --session``) and on it the AT-SPI bus, which
the bus activates on the first request (at-spi2-core's ``at-spi-bus-launcher``, and
its registry). The real programs run there as processes, with Qt's AT-SPI bridge on
(``QT_LINUX_ACCESSIBILITY_ALWAYS_ON``: no screen reader tells Qt to turn it on).
:class:`Ears` is the other side: ``atspi_driver.py`` under a Python that has pyatspi,
driven through a pipe, so these tests run in whichever Python the virtualenv has.

Everything lives in a temporary folder (home, settings, the runtime folder that holds
the AT-SPI bus's socket), and every process is stopped at the end, the buses with
their process group: the session bus starts the AT-SPI launcher, which starts a bus
and a registry of its own.

Where the system packages cannot be had (not Linux, or a system that is not Debian's
family, where packaging/system-deps.sh installs nothing), the tests are skipped
saying what is missing; where system-deps.sh does install them, a missing one is a
failure.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

import pytest

from shared.codec import FrameDecoder, encode
from shared.limits import CLIENT_MAX_FRAME
from tests.packaging.conftest import load

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("atspi_driver.py")

START_S = 30.0
"""For a program to import Qt and show its window (a loaded 2-core box)."""
WAIT_S = 10.0
"""For something to show in the tree that happens at once (a message on loopback)."""
REPLY_MARGIN_S = 15.0
"""Beyond a request's own wait, for the driver's answer: a walk of a whole tree."""

Node = dict[str, Any]


def pyatspi_python() -> str | None:
    """A Python that can import pyatspi: this one, or the system's."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    for python in dict.fromkeys(c for c in candidates if c):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            probe = subprocess.run(
                [python, "-c", "import pyatspi"], capture_output=True, timeout=30, check=False
            )
            if probe.returncode == 0:
                return python
    return None


@functools.cache
def missing_pieces() -> list[str]:
    missing = [tool for tool in ("Xvfb", "dbus-daemon") if shutil.which(tool) is None]
    if not Path("/usr/share/dbus-1/services/org.a11y.Bus.service").is_file():
        missing.append("at-spi2-core (the AT-SPI bus)")
    if pyatspi_python() is None:
        missing.append("python3-pyatspi")
    return missing


def require_desktop() -> None:
    """Skip where the packages cannot be installed; fail where system-deps.sh installs them."""
    if not sys.platform.startswith("linux"):
        pytest.skip("AT-SPI is the accessibility bus of Linux desktops")
    missing = missing_pieces()
    if not missing:
        return
    if shutil.which("dpkg-query") is None:
        pytest.skip(f"needs {', '.join(missing)}; packaging/system-deps.sh installs them on Debian")
    pytest.fail(f"missing {', '.join(missing)}: `make test` installs them (packaging/system-deps.sh)")


# --- the screen reader's side ---------------------------------------------------------------


class DriverFailed(AssertionError):
    """The driver could not do a request (a control not found in time, an action refused)."""


class Ears:
    """``atspi_driver.py`` in a process of its own; one request, one answer."""

    def __init__(self, python: str, env: dict[str, str], log: Path) -> None:
        self._log: IO[bytes] = log.open("ab")
        self.proc = subprocess.Popen(
            [python, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            text=True,
        )

    def request(self, op: str, *, timeout: float = 0.0, **fields: Any) -> Any:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"op": op, "timeout": timeout, **fields}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout + REPLY_MARGIN_S)
        assert ready, f"the AT-SPI driver did not answer {op} {fields}"
        line = self.proc.stdout.readline()
        assert line, f"the AT-SPI driver exited ({self.proc.poll()})"
        answer = json.loads(line)
        if not answer["ok"]:
            raise DriverFailed(f"{op} {fields}: {answer['error']}")
        return answer["result"]

    # the requests, spelled out

    def wait(
        self,
        app: str,
        role: str,
        name: str,
        *,
        description: str | None = None,
        within: Node | None = None,
        timeout: float = WAIT_S,
    ) -> Node:
        """The first showing ``role`` object named ``name`` (a regular expression), and
        described ``description`` if given, once it shows."""
        target = {"role": role, "name": name}
        if description is not None:
            target["description"] = description
        extra = {"within": within} if within is not None else {}
        node: Node = self.request("wait", app=app, target=target, timeout=timeout, **extra)
        return node

    def tree(self, app: str) -> Node:
        node: Node = self.request("tree", app=app)
        return node

    def set_text(self, app: str, role: str, name: str, text: str) -> None:
        assert self.request("set_text", app=app, target={"role": role, "name": re.escape(name)}, text=text)

    def set_value(self, app: str, role: str, name: str, value: float) -> None:
        self.request("set_value", app=app, target={"role": role, "name": re.escape(name)}, value=value)

    def act(self, app: str, role: str, name: str, action: str) -> None:
        assert self.request("action", app=app, target={"role": role, "name": re.escape(name)}, action=action)

    def children(self, app: str, role: str, name: str) -> list[str]:
        names: list[str] = self.request("children", app=app, target={"role": role, "name": re.escape(name)})
        return names

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


# --- the desktop ---------------------------------------------------------------------------


class Desktop:
    """An X screen, a session bus with AT-SPI on it, the programs started there, and the ears."""

    current: ClassVar[Desktop | None] = None
    """The one running, whose logs a failed test's report shows."""

    def __init__(self, stack: contextlib.ExitStack, python: str) -> None:
        # Short: the AT-SPI bus's socket lives in it, and a socket's path has a 107-byte limit.
        self.folder = Path(tempfile.mkdtemp(prefix="parla-a11y-"))
        stack.callback(shutil.rmtree, self.folder, ignore_errors=True)
        self.logs = self.folder / "logs"
        self.logs.mkdir()
        runtime = self.folder / "run"
        runtime.mkdir(mode=0o700)
        display = stack.enter_context(load("xvfb").virtual_screen())
        self.env = {
            **os.environ,
            "DISPLAY": display,
            "HOME": str(self.folder / "home"),
            "XDG_CONFIG_HOME": str(self.folder / "home" / "config"),
            "XDG_DATA_HOME": str(self.folder / "home" / "data"),
            "XDG_CACHE_HOME": str(self.folder / "home" / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "xcb",
            "QT_ACCESSIBILITY": "1",
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._session_bus(stack)
        self.processes: list[subprocess.Popen[bytes]] = []
        stack.callback(self._stop_programs)
        self.ears = Ears(python, self.env, self.logs / "driver.log")
        stack.callback(self.ears.close)
        # The first request activates the AT-SPI bus: up before any program looks for it.
        self.ears.request("apps")

    def _session_bus(self, stack: contextlib.ExitStack) -> str:
        with (self.logs / "dbus.log").open("ab") as log:
            daemon = subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.env,
                text=True,
                # Its process group holds what it activates: the AT-SPI launcher, bus and registry.
                start_new_session=True,
            )
        stack.callback(self._stop_group, daemon)
        assert daemon.stdout is not None
        ready, _, _ = select.select([daemon.stdout], [], [], START_S)
        address = daemon.stdout.readline().strip() if ready else ""
        assert address.startswith("unix:"), f"dbus-daemon said {address!r}"
        return address

    @staticmethod
    def _stop_group(leader: subprocess.Popen[str]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader.pid, signal.SIGTERM)
        try:
            leader.wait(timeout=5)
        except subprocess.TimeoutExpired:
            leader.kill()
            leader.wait()
        # The launcher and the registry may outlive the bus by a moment: not past this.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader.pid, signal.SIGKILL)
        if leader.stdout is not None:
            leader.stdout.close()

    def start(self, module: str, *args: str) -> subprocess.Popen[bytes]:
        """``python -m module args`` on this desktop, its output in the logs."""
        log = (self.logs / f"{module}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        log.close()
        self.processes.append(process)
        return process

    def _stop_programs(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_text(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.logs.iterdir())
        )


@contextlib.contextmanager
def desktop() -> Iterator[Desktop]:
    python = pyatspi_python()
    assert python is not None
    with contextlib.ExitStack() as stack:
        Desktop.current = Desktop(stack, python)
        try:
            yield Desktop.current
        finally:
            Desktop.current = None


# --- another user, typed with the codec -----------------------------------------------------


class Peer:
    """A user on a blocking socket: hello, then lines said and frames waited for."""

    def __init__(self, port: int, name: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        self.decoder = FrameDecoder(CLIENT_MAX_FRAME)
        self.frames: list[dict[str, Any]] = []
        self.sock.sendall(encode({"type": "hello", "version": 1, "name": name}))
        self.wait_for("welcome")

    def wait_for(self, type_: str, **fields: object) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while True:
            for frame in self.frames:
                if frame.get("type") == type_ and all(frame.get(k) == v for k, v in fields.items()):
                    return frame
            left = deadline - time.monotonic()
            assert left > 0, f"no {type_} {fields} in {self.frames!r}"
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            assert data, f"the server closed the connection; got {self.frames!r}"
            self.frames.extend(self.decoder.feed(data))

    def say(self, text: str) -> None:
        cid = f"c{len(self.frames)}"
        self.sock.sendall(encode({"type": "say", "text": text, "cid": cid}))
        self.wait_for("message", cid=cid)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(encode({"type": "bye"}))
        self.sock.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test's report carries the programs' and the buses' logs."""
    report = yield
    if report.failed and Desktop.current is not None:
        report.sections.append(("desktop logs", Desktop.current.log_text()))
    return report
