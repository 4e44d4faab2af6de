"""The benchmark driver's choice of a server's F1000 round: the median by p99, failures last."""

from __future__ import annotations

from typing import Any

from bench.run import median_round, round_p99


def _round(p99: float | None, status: str = "ok", lost: int = 0) -> dict[str, Any]:
    latency = {} if p99 is None else {"p50": p99 / 2, "p99": p99, "max": p99 * 2}
    return {"status": status, "lost_deliveries": lost, "closed_by_server": 0, "latency_ms": latency}


def test_the_median_round_by_p99_is_kept_with_every_round() -> None:
    chosen = median_round([_round(15.0), _round(8.0), _round(9.0)])
    assert chosen["latency_ms"]["p99"] == 9.0
    assert [r["p99"] for r in chosen["rounds"]] == [15.0, 8.0, 9.0]


def test_a_failed_round_counts_as_the_worst_whatever_its_p99() -> None:
    # 4 000 deliveries lost at a p99 of 1 ms: not the best round, the worst.
    chosen = median_round([_round(8.0), _round(9.0), _round(1.0, "drain_timeout", 4000)])
    assert chosen["latency_ms"]["p99"] == 9.0
    assert median_round([_round(None, "register_timeout"), _round(8.0)])["latency_ms"]["p99"] == 8.0
    # Most rounds failed: the failure is what the server is judged by.
    failed = median_round([_round(2.0, "drain_timeout", 5), _round(3.0, "drain_timeout", 9), _round(8.0)])
    assert failed["status"] == "drain_timeout"


def test_one_round_is_kept_as_it_is() -> None:
    only = _round(7.0)
    assert median_round([only]) == only


def test_the_footer_shows_a_failed_rounds_status_instead_of_its_p99() -> None:
    rounds = median_round([_round(8.0), _round(3.0, "drain_timeout", 12)])["rounds"]
    assert [round_p99(r) for r in rounds] == ["8.0", "drain_timeout (12 lost)"]
