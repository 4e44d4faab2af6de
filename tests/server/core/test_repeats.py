"""chat_server_app.core.repeats.RepeatFilter with a clock the test turns: which
warnings reach the log, and the summaries of those that were counted instead."""

from __future__ import annotations

from chat_server_app.core.repeats import REPEAT_SHOWN, REPEAT_WINDOW, RepeatFilter, Repeats

A = "10.0.0.1"
B = "10.0.0.2"


def test_the_first_few_of_a_kind_are_shown_then_counted_until_the_window_ends() -> None:
    repeats = RepeatFilter()
    shown = [repeats.allow(A, "unknown_type", 0.0) for _ in range(1000)]
    assert shown == [True] * REPEAT_SHOWN + [False] * (1000 - REPEAT_SHOWN)
    assert repeats.due(REPEAT_WINDOW - 0.1) == []
    assert repeats.due(REPEAT_WINDOW) == [Repeats(A, "unknown_type", 1000 - REPEAT_SHOWN)]
    assert len(repeats) == 0
    # A new window: the first few are shown again.
    assert repeats.allow(A, "unknown_type", REPEAT_WINDOW + 1)


def test_kinds_and_addresses_are_counted_apart() -> None:
    repeats = RepeatFilter(shown=1)
    assert repeats.allow(A, "unknown_type", 0.0)
    assert repeats.allow(A, "text_invalid", 0.0)
    assert repeats.allow(B, "unknown_type", 0.0)
    assert not repeats.allow(A, "unknown_type", 0.0)
    assert not repeats.allow(A, "unknown_type", 0.0)
    assert not repeats.allow(B, "unknown_type", 0.0)
    assert sorted(repeats.due(REPEAT_WINDOW), key=lambda r: r.address) == [
        Repeats(A, "unknown_type", 2),
        Repeats(B, "unknown_type", 1),
    ]


def test_a_window_with_nothing_counted_ends_without_a_summary() -> None:
    repeats = RepeatFilter()
    assert repeats.allow(A, "auth_failed", 0.0)
    assert repeats.due(REPEAT_WINDOW) == []
    assert len(repeats) == 0


def test_the_last_connection_of_an_address_closing_summarises_it_at_once() -> None:
    repeats = RepeatFilter(shown=1)
    repeats.opened(A)
    repeats.opened(A)
    repeats.opened(B)
    for _ in range(4):
        repeats.allow(A, "unknown_type", 0.0)
        repeats.allow(B, "unknown_type", 0.0)
    assert repeats.closed(A) == []  # another connection from A is still open
    assert repeats.closed(A) == [Repeats(A, "unknown_type", 3)]
    assert repeats.due(REPEAT_WINDOW) == [Repeats(B, "unknown_type", 3)]


def test_a_window_that_ended_before_due_looked_gives_its_summary_and_starts_a_new_one() -> None:
    repeats = RepeatFilter(shown=1)
    repeats.allow(A, "unknown_type", 0.0)
    repeats.allow(A, "unknown_type", 0.0)
    # The housekeeping has not run yet: the next warning is in a new window...
    assert repeats.allow(A, "unknown_type", REPEAT_WINDOW + 0.5)
    assert not repeats.allow(A, "unknown_type", REPEAT_WINDOW + 0.5)
    # ...and the old window's count is not lost.
    assert repeats.due(REPEAT_WINDOW + 0.6) == [Repeats(A, "unknown_type", 1)]
    assert repeats.due(2 * REPEAT_WINDOW + 0.5) == [Repeats(A, "unknown_type", 1)]


def test_flush_gives_every_count_when_the_server_stops() -> None:
    repeats = RepeatFilter(shown=0)
    repeats.allow(A, "unknown_type", 0.0)
    repeats.allow(B, "name_taken", 1.0)
    assert repeats.flush() == [Repeats(A, "unknown_type", 1), Repeats(B, "name_taken", 1)]
    assert len(repeats) == 0
