"""The fast writers of shared.messages make byte for byte what the codec makes of ``to_dict``."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.codec import FrameDecoder, encode_payload, parse_payload
from shared.limits import MAX_MESSAGE_ID
from shared.messages import ChatMessage, Welcome

# Any text a client can post: every code point but lone surrogates (the decoder refuses them).
TEXTS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
messages = st.builds(
    ChatMessage,
    id=st.integers(min_value=1, max_value=MAX_MESSAGE_ID),
    ts=st.just("2026-12-04T10:00:00.000Z") | TEXTS,
    sender=TEXTS,
    text=TEXTS | st.sampled_from(['"', "\\", "</script>", "\u2028", "\x00\x1f\x7f", "é🙂"]),
    cid=st.none() | TEXTS,
    to=st.none() | TEXTS,
    history=st.booleans(),
    room=st.just("general") | st.sampled_from(["giochi", "Lab-3", "Straße", "日本語"]),
)


@settings(max_examples=400, deadline=None)
@given(messages)
def test_a_messages_payload_is_the_codecs_encoding_of_its_dict(message: ChatMessage) -> None:
    payload = message.to_payload()
    assert payload == encode_payload(message.to_dict())
    assert ChatMessage.from_dict(parse_payload(payload)) == message


@settings(max_examples=200, deadline=None)
@given(
    st.builds(
        Welcome,
        name=TEXTS,
        users=st.lists(TEXTS, max_size=5).map(tuple),
        server=st.text(max_size=10),
        motd=st.text(max_size=10),
        last_id=st.integers(min_value=0, max_value=MAX_MESSAGE_ID),
        rate_burst=st.integers(min_value=0, max_value=10**6),
        rate_per_sec=st.floats(min_value=0.001, max_value=10**6),
    ).map(lambda w: w if w.rate_burst else dataclasses.replace(w, rate_per_sec=0.0))
)
def test_a_welcome_with_its_users_encoded_apart_decodes_to_the_welcome(welcome: Welcome) -> None:
    users_json = json.dumps(list(welcome.users), ensure_ascii=False, separators=(",", ":")).encode()
    frames = FrameDecoder().feed(welcome.frame_with_users(users_json))
    assert len(frames) == 1
    assert frames[0] == welcome.to_dict()
    assert Welcome.from_dict(frames[0]) == welcome
