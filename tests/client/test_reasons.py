"""chat_client_app/reasons.py: left reasons from the wire as enum members."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chat_client_app.reasons import left_reason
from shared.messages import LeftReason


def test_every_known_reason_is_its_member() -> None:
    for member in LeftReason:
        assert left_reason(member.value) is member


@given(reason=st.text().filter(lambda r: r not in {m.value for m in LeftReason}))
def test_a_reason_from_a_newer_server_is_none_not_an_error(reason: str) -> None:
    assert left_reason(reason) is None
