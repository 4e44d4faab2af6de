"""When the session writes pending says: after the replay's end, at a pace under the
server's rate limit, and again after ``rate_limited`` (pure: no Qt, no socket)."""

from __future__ import annotations

from collections.abc import Sequence

from chat_client_app.session import Output, SendPaused, SendState, SendStateChanged
from chat_client_app.session.pacer import SEND_BURST, SEND_PER_SEC, Pacer
from shared.messages import Error, Say
from tests.client.test_session import HERE, Pair, connected_pair, msg


def says(sent: Sequence[Output]) -> list[Say]:
    return [o for o in sent if isinstance(o, Say)]


def test_a_say_typed_during_the_replay_waits_for_its_end() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    pair.open()
    sent = pair.welcome(0, msg(1, history=True))
    out, outputs = pair.session.say("during", now=pair.now)
    assert not says(pair.take(outputs))
    pair.server(msg(2, history=True))  # more of the replay, in a later read
    assert not says(pair.sent())
    assert says(pair.end_replay(sent)) == [Say(text="during", cid=out.cid)]


def test_the_replay_acknowledges_what_it_shows_even_near_its_end() -> None:
    pair = connected_pair()
    stored, _ = pair.session.say("stored", now=1.0)
    lost, _ = pair.session.say("lost", now=1.0)
    pair.sent()
    pair.drop()
    pair.open()
    replay = [msg(i, history=True) for i in range(1, 2000)]
    replay.append(msg(2000, "stored", sender="anna", cid=stored.cid, history=True))
    # The first read holds a part of the replay only: nothing is written after it.
    sent = pair.welcome(0, *replay[:500])
    assert not says(sent)
    pair.server(*replay[500:])
    assert SendStateChanged(stored.cid, SendState.SENT) in pair.events()
    assert not says(pair.sent())
    assert says(pair.end_replay(sent)) == [Say(text="lost", cid=lost.cid)]


def test_a_long_queue_goes_at_the_pace() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    typed = [pair.session.say(f"line {i}", now=0.0)[0] for i in range(25)]
    pair.open()
    first = says(pair.end_replay(pair.welcome(0)))
    assert [s.cid for s in first] == [o.cid for o in typed[:SEND_BURST]]
    paused = [e for e in pair.events() if isinstance(e, SendPaused)]
    assert paused[-1].delay > 0
    written = list(first)
    now = pair.now
    while len(written) < 25:
        now += 1 / SEND_PER_SEC
        more = says(pair.take(pair.session.pump(now)))
        assert len(more) <= 1
        written += more
        pair.sent()
    assert [s.cid for s in written] == [o.cid for o in typed]
    assert now - pair.now < 25 / SEND_PER_SEC


def test_the_pace_fits_the_bucket_the_server_says_it_keeps() -> None:
    pair = Pair()
    pair.take(pair.session.connect_to(HERE, left_reason="left"))
    typed = [pair.session.say(f"line {i}", now=0.0)[0] for i in range(10)]
    pair.open()
    # burst 6, 2 per second: 3 at once, then one every 1/1.6 s.
    first = says(pair.end_replay(pair.welcome(0, rate=(6, 2.0))))
    assert [s.cid for s in first] == [o.cid for o in typed[:3]]
    assert says(pair.take(pair.session.pump(pair.now + 0.5))) == []
    assert [s.cid for s in says(pair.take(pair.session.pump(pair.now + 0.63)))] == [typed[3].cid]
    # A generous server: everything not acknowledged yet, at once.
    pair.drop()
    pair.open()
    generous = [pair.session.say(f"more {i}", now=pair.now)[0] for i in range(100)]
    again = says(pair.end_replay(pair.welcome(0, rate=(1000, 1000.0))))
    assert [s.cid for s in again] == [o.cid for o in typed + generous]


def test_rate_limited_puts_the_say_back_in_the_queue_with_its_cid() -> None:
    pair = connected_pair()
    out, outputs = pair.session.say("too fast", now=pair.now)
    assert says(pair.take(outputs)) == [Say(text="too fast", cid=out.cid)]
    events = pair.server(Error("rate_limited", "too many messages: slow down", cid=out.cid))
    (paused,) = [e for e in events if isinstance(e, SendPaused)]
    assert paused.delay >= 1.0
    assert [o.cid for o in pair.session.pending] == [out.cid]
    assert not [e for e in events if isinstance(e, SendStateChanged)]
    assert says(pair.take(pair.session.pump(pair.now + 0.5))) == []
    again = says(pair.take(pair.session.pump(pair.now + paused.delay)))
    assert again == [Say(text="too fast", cid=out.cid)]


def test_a_fatal_rate_limited_is_not_requeued() -> None:
    pair = connected_pair()
    out, _ = pair.session.say("flood", now=pair.now)
    events = pair.server(Error("rate_limited", "too many messages, too fast", fatal=True, cid=out.cid))
    assert (
        SendStateChanged(out.cid, SendState.FAILED, "too many messages, too fast", "rate_limited") in events
    )


def test_pacer_pauses_double_after_each_refusal_and_reset_on_success() -> None:
    pacer = Pacer(burst=2, per_sec=4)
    assert pacer.take(0.0)
    assert pacer.take(0.0)
    assert not pacer.take(0.0)
    assert pacer.wait(0.0) == 0.25
    pacer.slow_down(1.0)
    assert pacer.wait(1.0) == 1.0
    pacer.slow_down(2.0)
    assert pacer.wait(2.0) == 2.0
    pacer.accepted()
    pacer.slow_down(10.0)
    assert pacer.wait(10.0) == 1.0
