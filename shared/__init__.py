"""Parla's wire protocol: the codec, the message model and the one Qt connection class.

Everything here except :mod:`shared.connection` is pure Python (sans-I/O): bytes in,
frames out, no sockets and no Qt. See ``docs/PROTOCOL.md``.
"""

PROTOCOL_VERSION = 1
"""The protocol version this package speaks (``hello.version``)."""

__all__ = ["PROTOCOL_VERSION"]
