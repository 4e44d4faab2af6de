"""Starting the servers under test, all alike: a command that prints ``listening on HOST:PORT``
as its first stdout line and stops on SIGTERM, pinned to its own core."""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BUILD = BENCH / "build"
LOADGEN = BUILD / "loadgen"
RELAY = BUILD / "relay"
PYTHON = sys.executable

SERVER_CPU = "0"
LOADGEN_CPU = "1"
HOST = "127.0.0.1"  # every byte of the benchmark stays on loopback

PARLA_LOAD_LIMITS = ("--rate-burst", "1000000", "--rate-per-sec", "1000000", "--send-queue", "67108864")
"""The real server's per-client limits, raised so that the benchmark measures the engine,
not the rate limiter (PROTOCOL.md §5: every limit is a setting)."""

PARLA_JOIN_LIMITS = ("--join-burst", "1000000", "--join-per-sec", "1000000")
"""The per-address limit on hellos, raised: every load client comes from 127.0.0.1."""


PARLA_GATE_LIMITS = ("--max-unregistered", "1000000", "--max-unregistered-per-address", "1000000")
"""The caps on connections waiting for their hello, raised: C10K's clients all connect
at once from 127.0.0.1."""


def _load_limits(tree: Path) -> tuple[str, ...]:
    """The limits to raise for the server in ``tree``: a reference tree older than a
    limit would refuse its options."""
    settings = (tree / "chat_server_app" / "settings.py").read_text(encoding="utf-8")
    limits = PARLA_LOAD_LIMITS + (PARLA_JOIN_LIMITS if '"join-burst"' in settings else ())
    return limits + (PARLA_GATE_LIMITS if '"max-unregistered-per-address"' in settings else ())


START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class ServerKind:
    key: str
    label: str
    python: bool  # a Python server (a baseline or the real one), not a C one
    irc: bool = False  # speaks IRC (the generator's --proto irc), not Parla's protocol
    max_inflight: int | None = None  # connections it can take in flight at once, if fewer than asked
    tree: Path = ROOT  # the checkout the server runs from (another one for a before/after run)


PARLA = ServerKind("parla", "Parla (real server)", True)
THREADED = ServerKind("threaded", "threaded baseline", True)
ASYNCIO = ServerKind("asyncio", "asyncio baseline", True)
RELAY_KIND = ServerKind("relay", "trivial C relay", False)
# ngIRCd listens with a backlog of 10: more connections in flight overflow the kernel's
# accept queue, and those clients retry after 1, 3, 7... seconds (1000 then take > 60 s).
NGIRCD = ServerKind("ngircd", "ngIRCd (C IRC server)", False, irc=True, max_inflight=10)
INSPIRCD = ServerKind("inspircd", "InspIRCd (C++ IRC server)", False, irc=True)
# PARLA_REF_TREE=/path/to/another/checkout adds that tree's real server to the run, so that a
# change is measured before and after in one run, the two taking each rate in turn.
_REF_TREE = os.environ.get("PARLA_REF_TREE")
PARLA_REF = (
    ServerKind("parla-ref", f"Parla at {Path(_REF_TREE).name}", True, tree=Path(_REF_TREE).resolve())
    if _REF_TREE
    else None
)
KINDS = {
    k.key: k for k in (PARLA, PARLA_REF, THREADED, ASYNCIO, RELAY_KIND, NGIRCD, INSPIRCD) if k is not None
}
IRC_KINDS = (NGIRCD, INSPIRCD)


def installed(kind: ServerKind) -> bool:
    """Whether ``kind`` can run here: the IRC servers come from the system's packages."""
    if not kind.irc:
        return True
    return (shutil.which(kind.key) or shutil.which(kind.key, path="/usr/sbin:/usr/local/sbin")) is not None


def taskset(cpu: str, argv: list[str]) -> list[str]:
    """``argv`` pinned to ``cpu`` when ``taskset`` exists (it execs: the pid is the program's)."""
    tool = shutil.which("taskset")
    return [tool, "-c", cpu, *argv] if tool else argv


def server_command(kind: ServerKind, data_dir: Path, *, store: str = "sqlite") -> list[str]:
    if kind is PARLA or kind is PARLA_REF:
        if store == "memory":
            # The same engine and headless runner, with the in-memory history store.
            return [
                PYTHON,
                str(kind.tree / "bench" / "parla_memory_store.py"),
                "--headless",
                "--host",
                HOST,
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
                "--no-announce",
                *_load_limits(kind.tree),
            ]
        return [
            PYTHON,
            "-m",
            "chat_server_app",
            "--headless",
            "--host",
            HOST,
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--no-announce",
            *_load_limits(kind.tree),
        ]
    if kind is THREADED:
        return [PYTHON, str(BENCH / "baselines" / "threaded_server.py"), "--host", HOST, "--port", "0"]
    if kind is ASYNCIO:
        return [PYTHON, str(BENCH / "baselines" / "asyncio_server.py"), "--host", HOST, "--port", "0"]
    if kind is RELAY_KIND:
        return [str(RELAY), "--port", "0"]
    if kind.irc:
        return [PYTHON, str(BENCH / "baselines" / "irc_server.py"), kind.key]
    raise ValueError(kind.key)


class ServerError(RuntimeError):
    pass


@dataclass
class RunningServer:
    kind: ServerKind
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_kb(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return -1


def _read_first_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = b""
    fd = proc.stdout.fileno()
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not sel.select(left):
            raise ServerError(f"no 'listening on' line within {timeout:.0f} s")
        chunk = os.read(fd, 1)
        if not chunk:
            raise ServerError(f"the server exited before listening (status {proc.wait()})")
        line += chunk
    sel.close()
    return line.decode().strip()


@contextlib.contextmanager
def running(
    kind: ServerKind,
    *,
    data_dir: Path | None = None,
    store: str = "sqlite",
    log_dir: Path | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[RunningServer]:
    """Start ``kind`` pinned to the server core; SIGTERM (then SIGKILL) on the way out."""
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parla-bench-")))
        logs = log_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parla-bench-log-")))
        log = logs / f"{kind.key}-{time.monotonic_ns()}.log"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        with log.open("wb") as err:
            proc = subprocess.Popen(
                taskset(SERVER_CPU, [*server_command(kind, data_dir, store=store), *extra_args]),
                stdout=subprocess.PIPE,
                stderr=err,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=kind.tree,
            )
        try:
            line = _read_first_line(proc, START_TIMEOUT_S)
            if not line.startswith("listening on "):
                raise ServerError(f"unexpected first line {line!r}")
            port = int(line.rsplit(":", 1)[1])
            yield RunningServer(kind, proc, port, log)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
