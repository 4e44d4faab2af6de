"""The says of one conversation that are not settled: pending their echo, or failed;
and when the pending ones are written (after the replay, at the :mod:`pacer`'s pace)."""

from __future__ import annotations

from chat_client_app.session.events import Output, SendPaused, SendStateChanged, ServerError
from chat_client_app.session.pacer import Pacer
from chat_client_app.session.state import Outgoing, SendState
from shared.errors import ErrorCode
from shared.messages import Error, Say, Welcome

__all__ = ["Outbox"]

# Errors that answer one say: without an echoed ``cid`` (an older server) they are
# matched to the oldest say still waiting on the connection.
_SAY_ERRORS = frozenset(
    {ErrorCode.RATE_LIMITED, ErrorCode.TEXT_INVALID, ErrorCode.READ_ONLY, ErrorCode.NO_SUCH_USER}
)


class Outbox:
    """Pending says in the order they were typed, and failed ones the user may retry."""

    def __init__(self) -> None:
        self._pending: dict[str, Outgoing] = {}
        self._failed: dict[str, Outgoing] = {}
        self._pacer = Pacer()
        self.open = False  # the connection is up and its replay over: says may be written

    def welcomed(self, welcome: Welcome) -> None:
        """A new connection: nothing is written before its replay is over, then the pace
        starts again (the server's rate limit is per connection), under its bucket."""
        self.open = False
        self._pacer.fit(welcome.rate_burst, welcome.rate_per_sec)
        self._pacer.reset()

    def due(self, now: float, generation: int) -> list[Output]:
        """The says to write on connection ``generation`` now, oldest first; with
        :class:`SendPaused` when the pace holds the rest back."""
        if not self.open:
            return []
        outputs: list[Output] = []
        for out in self._pending.values():
            if out.sent_on == generation:
                continue
            if not self._pacer.take(now):
                outputs.append(SendPaused(self._pacer.wait(now)))
                break
            out.sent_on = generation
            outputs.append(Say(text=out.text, cid=out.cid, to=out.to, room=out.room))
        return outputs

    def too_fast(self, out: Outgoing, now: float) -> SendPaused:
        """``rate_limited``: the server's limit is lower than our pace. ``out`` waits its
        turn again (nothing is lost) and the pace pauses."""
        out.sent_on = 0
        self._pacer.slow_down(now)
        return SendPaused(self._pacer.wait(now))

    @property
    def pending(self) -> list[Outgoing]:
        """Says waiting for their echo, oldest first."""
        return list(self._pending.values())

    def add(self, out: Outgoing) -> None:
        self._pending[out.cid] = out

    def restore(self, saved: list[Outgoing]) -> None:
        """Says saved by an earlier run: older than anything typed since, so first."""
        self._pending = {**{out.cid: out for out in saved}, **self._pending}

    def is_pending(self, cid: str) -> bool:
        return cid in self._pending

    def discard(self) -> list[str]:
        """Forget every pending say (the user chose to); their cids."""
        cids = list(self._pending)
        self._pending.clear()
        return cids

    def acknowledge(self, cid: str) -> SendStateChanged:
        self._pacer.accepted()
        out = self._pending.pop(cid)
        out.state = SendState.SENT
        return SendStateChanged(cid, SendState.SENT)

    def fail(self, out: Outgoing, reason: str, code: str = "") -> SendStateChanged:
        self._pending.pop(out.cid, None)
        out.state = SendState.FAILED
        out.reason = reason
        self._failed[out.cid] = out
        return SendStateChanged(out.cid, SendState.FAILED, reason, code)

    def fail_all(self, reason: str) -> list[SendStateChanged]:
        """Fail every pending say, and forget the failed ones: they were for another place."""
        changes = [self.fail(out, reason) for out in list(self._pending.values())]
        self._failed.clear()
        return changes

    def revive(self, cid: str) -> Outgoing | None:
        """A failed say pending again, with its ``cid``; ``None`` when there is no such say."""
        out = self._failed.pop(cid, None)
        if out is None:
            return None
        out.state = SendState.PENDING
        out.reason = ""
        out.sent_on = 0  # to be written again, even on the connection that refused it
        self._pending[cid] = out
        return out

    def on_error(self, error: Error, generation: int, now: float) -> list[Output]:
        """An ``error``: the failure of the say it answers (``rate_limited`` only delays
        it), or, when it answers none, a :class:`ServerError` to tell."""
        out = self.answered_by(error, generation)
        if out is None:
            return [ServerError(error.code, error.message)]
        if error.error_code is ErrorCode.RATE_LIMITED and not error.fatal:
            return [self.too_fast(out, now)]
        return [self.fail(out, error.message, error.code)]

    def answered_by(self, error: Error, generation: int) -> Outgoing | None:
        """The pending say ``error`` refuses, if any."""
        if error.cid is not None:
            return self._pending.get(error.cid)
        if error.error_code in _SAY_ERRORS:
            # An older server does not echo the cid: errors come in the order of the says.
            return next((o for o in self._pending.values() if o.sent_on == generation), None)
        return None
