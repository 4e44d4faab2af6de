"""The server spells a chat message's JSON by hand: it must be what the codec makes of it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.engine import ChatServer
from chat_server_app.store import StoredMessage
from shared.codec import encode_payload, parse_payload
from shared.messages import ChatMessage

# Any text a client can post: every code point but lone surrogates (the decoder refuses them).
TEXTS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
records = st.builds(
    StoredMessage,
    id=st.integers(min_value=0, max_value=2**63 - 1),
    ts=st.just("2026-12-04T10:00:00.000Z") | TEXTS,
    sender=TEXTS,
    sender_key=TEXTS,
    text=TEXTS | st.sampled_from(['"', "\\", "</script>", "\u2028", "\x00\x1f\x7f", "é🙂"]),
    cid=st.none() | TEXTS,
    to=st.none() | TEXTS,
    to_key=st.none() | TEXTS,
    epoch=st.floats(min_value=0, max_value=2e9),
)


@settings(max_examples=400, deadline=None)
@given(records, st.booleans())
def test_the_spelled_out_payload_is_the_codecs(record: StoredMessage, history: bool) -> None:
    # The shared message model's own dict, in its order: the engine's bytes must be it.
    expected = ChatMessage(
        id=record.id, ts=record.ts, sender=record.sender, text=record.text, to=record.to, history=history
    ).to_dict()
    payload = ChatServer._message_payload(record, history)
    assert payload == encode_payload(expected)
    assert parse_payload(payload) == expected
