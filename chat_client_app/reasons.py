"""Reasons from the wire as enums, for code that compares them."""

from __future__ import annotations

from shared.messages import LeftReason

__all__ = ["left_reason"]


def left_reason(reason: str) -> LeftReason | None:
    """The :class:`LeftReason` of a ``left`` message, None for one this client does not know.

    A newer server may give reasons this client has never heard of: the user still
    sees that someone left, with the server's word for why.
    """
    try:
        return LeftReason(reason)
    except ValueError:
        return None
