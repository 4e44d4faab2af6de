"""At the descriptor limit the server pauses accepting for a moment, neither spinning
nor giving up (issue 19, item 5): a real headless process, its limit lowered with
prlimit, more connections than it may hold."""

from __future__ import annotations

import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.exceptions import TimeoutError as QtTimeoutError
from pytestqt.qtbot import QtBot

from chat_server_app.descriptors import RESERVE
from tests.security.conftest import ServerProcess
from tests.server.helpers import ChatClient

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="prlimit and /proc are Linux's")

SPARE_FDS = 8
"""Connections that fit before the server stops accepting: it keeps RESERVE free."""
EXTRA_CONNECTIONS = 40


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_out_of_descriptors_the_server_waits_then_accepts_again(
    qtbot: QtBot, tmp_path: Path, server_process: Callable[..., ServerProcess]
) -> None:
    server = server_process(tmp_path / "data")
    port = server.wait_started(qtbot)
    # Warm up first: a message stored opens the history's log and its checkpointer's
    # connection, descriptors the server would otherwise take from the spare ones.
    first = ChatClient(qtbot, port)
    try:
        assert first.hello("first")["type"] == "welcome"
        first.say("warm")
        first.expect("message", text="warm")
    finally:
        first.close()
    in_use = len(os.listdir(f"/proc/{server.pid}/fd"))
    limit = in_use + RESERVE + SPARE_FDS
    resource.prlimit(server.pid, resource.RLIMIT_NOFILE, (limit, limit))
    flood = [socket.create_connection(("127.0.0.1", port)) for _ in range(EXTRA_CONNECTIONS)]
    try:
        try:
            qtbot.waitUntil(lambda: "cannot accept new connections" in server.log_text(), timeout=10_000)
        except QtTimeoutError as exc:
            alive = server.proc.poll() is None
            fds = len(os.listdir(f"/proc/{server.pid}/fd")) if alive else None
            raise AssertionError(
                f"no accept error logged; alive={alive} fds={fds} limit={limit}:\n{server.log_text()}"
            ) from exc
        # Out of descriptors with connections still waiting in the backlog: the CPU
        # the server spends over a second says whether it spins on accept().
        before, started = cpu_seconds(server.pid), time.monotonic()
        qtbot.waitUntil(lambda: time.monotonic() - started >= 1.0, timeout=5_000)
        spent = cpu_seconds(server.pid) - before
        assert spent < 0.3, f"{spent:.2f} s of CPU in 1 s at the descriptor limit"
        assert server.log_text().count("cannot accept new connections") == 1, "logged once, not each retry"
    finally:
        for sock in flood:
            sock.close()
    # The flood gone (its queued connections accepted and closed too), descriptors
    # are free again: a newcomer gets in.
    qtbot.waitUntil(lambda: len(os.listdir(f"/proc/{server.pid}/fd")) <= in_use + 2, timeout=15_000)
    newcomer = ChatClient(qtbot, port)
    try:
        assert newcomer.hello("newcomer")["type"] == "welcome"
    finally:
        newcomer.close()
    assert server.stop(qtbot) == 0
