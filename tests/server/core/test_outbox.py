"""What each session gets of one pass: the common bytes with its own spliced in is the
same as walking every entry for it (the walk is what a newcomer still gets)."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from chat_server_app.core.outbox import Entry, common_bytes, spliced, stream_of
from chat_server_app.core.session import Link, Session


class Reader:
    """Stands in for a session: only its identity and when it registered matter here."""

    def __init__(self, registered_seq: int) -> None:
        self.registered_seq = registered_seq


READERS = [Reader(registered_seq=i) for i in range(4)]  # all before the pass's entries
FIRST_SEQ = 10

frames = st.binary(min_size=1, max_size=6)
entries_st = st.lists(
    st.tuples(
        st.none() | frames,  # public: None for an entry only some get (a private message)
        st.dictionaries(st.sampled_from(READERS), st.just(b"") | frames, max_size=3),
        st.booleans(),  # presence
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(entries_st)
def test_splicing_own_bytes_into_the_common_ones_is_walking_every_entry(
    raw: list[tuple[bytes | None, dict[Reader, bytes], bool]],
) -> None:
    entries = [
        Entry(public, FIRST_SEQ + i, cast(dict[Session[Link], bytes], special), presence=presence)
        for i, (public, special, presence) in enumerate(raw)
        if public is not None or special  # the engine makes no entry for no one
    ]
    common, offsets, own = common_bytes(entries)
    assert common == b"".join(e.public for e in entries if e.public is not None)
    for reader in READERS:
        session = cast(Session[Link], reader)
        joined = spliced(common, entries, offsets, own.get(session, []), session)
        assert joined == stream_of(session, entries)


def test_a_newcomer_does_not_get_presence_older_than_itself() -> None:
    old, newcomer = cast(Session[Link], Reader(1)), cast(Session[Link], Reader(12))
    entries = [
        Entry(b"joined-a", 11, presence=True),
        Entry(b"welcome-only", 12, {newcomer: b""}, presence=True),
        Entry(b"message", 13),
    ]
    assert stream_of(newcomer, entries) == b"message"
    assert stream_of(old, entries) == b"joined-a" + b"welcome-only" + b"message"
