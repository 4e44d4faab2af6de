"""The headless log under a failing disk: the first history error, then a line a
minute at most, not one a pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import chat_server_app.headless as headless
from chat_server_app.engine import ChatServer
from chat_server_app.headless import HeadlessLog
from tests.server.failing_store import FailingStore
from tests.server.helpers import ChatClient


def test_a_full_disk_is_logged_once_then_counted(
    make_server: Callable[..., ChatServer],
    join: Callable[..., ChatClient],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = FailingStore()
    server = make_server(store=store, rate_burst=1000, rate_per_sec=1000)
    log = HeadlessLog(server, log_messages=False)
    anna = join(server, "anna")
    capsys.readouterr()
    store.fail_writes = True
    for i in range(20):  # twenty passes, each failing
        anna.say(f"lost {i}", cid=f"c{i}")
        anna.expect("error", cid=f"c{i}")
    lines = [line for line in capsys.readouterr().err.splitlines() if "HISTORY ERROR" in line]
    assert len(lines) == 1
    # a minute later the next one is logged, with the count of those in between
    monkeypatch.setattr(headless, "STORE_ERROR_EVERY", 0.0)
    anna.say("once more", cid="c-last")
    anna.expect("error", cid="c-last")
    (summary,) = [line for line in capsys.readouterr().err.splitlines() if "HISTORY ERROR" in line]
    assert "19 more like the last one" in summary
    assert log is not None
