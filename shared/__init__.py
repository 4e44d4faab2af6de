"""What both apps share: the pure wire protocol, and (in :mod:`shared.qt`) its QtCore glue.

The pure protocol is sans-I/O, no sockets and no Qt: :mod:`~shared.codec` (bytes in,
frames out), :mod:`~shared.messages` (typed messages, parsed and validated),
:mod:`~shared.validation`, :mod:`~shared.errors`, :mod:`~shared.limits`, the LAN
announce datagram (:mod:`~shared.discovery`), certificate fingerprints and resource
paths. :mod:`shared.qt` holds the runtime both apps need around it: the one class that
owns a socket, its read reactor, stop signals, translators and the startup probe.
See ``docs/PROTOCOL.md``.
"""

PROTOCOL_VERSION = 2
"""The protocol version this package speaks (``hello.version``, ``welcome.version``)."""

SUPPORTED_VERSIONS = (1, 2)
"""The versions a server accepts in ``hello`` (§8: a v1 client keeps working)."""

__all__ = ["PROTOCOL_VERSION", "SUPPORTED_VERSIONS"]
