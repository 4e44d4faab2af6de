"""Search results and the page of history around a result in the pure session
(docs/PROTOCOL.md §8.7-§8.8): no Qt, no socket; the server is played with frames."""

from __future__ import annotations

from chat_client_app.session.events import HistoryPageReceived, MessagesReceived, SearchResults
from chat_client_app.session.state import GENERAL_CHAT, Chat
from shared.around_messages import HistoryAround, HistoryPage
from shared.messages import ChatMessage
from shared.search_messages import Results
from tests.client.test_session import TS, Pair, connected_pair


def said(id_: int, sender: str = "bruno", *, room: str = "general", to: str | None = None) -> ChatMessage:
    return ChatMessage(id=id_, ts=TS, sender=sender, text=f"m{id_}", room=room, to=to, history=True)


def pages(pair: Pair) -> list[HistoryPageReceived]:
    return [e for e in pair.events() if isinstance(e, HistoryPageReceived)]


def test_asking_for_a_room_general_or_a_conversation_writes_history_with_a_fresh_sid() -> None:
    pair = connected_pair()
    lookups = pair.session.lookups
    sid, out = lookups.around(Chat.room("giochi"), 40, connected=True)
    assert out == [HistoryAround(sid or "", 40, room="giochi")]
    other, out = lookups.around(GENERAL_CHAT, 41, connected=True)
    assert (out, other != sid) == ([HistoryAround(other or "", 41)], True)
    third, out = lookups.around(Chat.private("Bruno"), 42, connected=True)
    assert out == [HistoryAround(third or "", 42, peer="Bruno")]
    assert lookups.around(GENERAL_CHAT, 43, connected=False) == (None, [])


def test_a_page_tells_only_the_chat_asked_for_in_id_order_once_each() -> None:
    pair = connected_pair()
    chat = Chat.private("bruno")
    sid, _ = pair.session.lookups.around(chat, 7, connected=True)
    assert sid is not None
    hostile = (
        said(9, to="anna"),
        said(7, to="anna"),
        said(8, "anna", to="BRUNO"),  # ours to bruno: the same conversation
        said(7, to="anna"),  # twice
        said(6, to="carla"),  # not ours
        said(5),  # general
        said(4, room="giochi"),
        ChatMessage(id=3, ts=TS, sender="bruno", text="live?", to="anna"),  # told as history all the same
    )
    pair.server(HistoryPage(sid, hostile, older=True))
    (page,) = pages(pair)
    assert (page.sid, page.chat, page.around) == (sid, chat, 7)
    assert [m.id for m in page.messages] == [3, 7, 8, 9]
    assert all(m.history for m in page.messages)
    # None of it reaches the timelines as messages (new, missed or unread).
    assert not [e for e in pair.events() if isinstance(e, MessagesReceived)]


def test_a_page_that_was_not_asked_for_or_came_late_is_dropped() -> None:
    pair = connected_pair()
    pair.server(HistoryPage("never", (said(1),)))
    first, _ = pair.session.lookups.around(GENERAL_CHAT, 1, connected=True)
    second, _ = pair.session.lookups.around(GENERAL_CHAT, 2, connected=True)
    assert first is not None
    assert second is not None
    pair.server(HistoryPage(first, (said(1),)))  # the user opened another result since
    assert pages(pair) == []
    pair.server(HistoryPage(second, (said(2),)))
    pair.server(HistoryPage(second, (said(2),)))  # answered already
    assert [p.sid for p in pages(pair)] == [second]


def test_search_results_carry_where_the_next_page_starts() -> None:
    pair = connected_pair()
    pair.server(Results("s1", (), more=True, before=500))
    assert [e for e in pair.events() if isinstance(e, SearchResults)] == [SearchResults("s1", (), True, 500)]
