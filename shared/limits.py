"""The protocol's limits and defaults, each named once, with where the number comes from.

Every limit here is also a server setting (PROTOCOL.md §5): these are the defaults.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_ANNOUNCE_PORT",
    "ANNOUNCE_INTERVAL",
    "HEADER_SIZE",
    "DEFAULT_MAX_FRAME",
    "CLIENT_MAX_FRAME",
    "NAME_MAX_CHARS",
    "TEXT_MAX_CHARS",
    "CID_MAX_CHARS",
    "TOKEN_MIN_CHARS",
    "TOKEN_MAX_CHARS",
    "PING_TOKEN_MAX_CHARS",
    "ECHO_MAX_CHARS",
    "DEFAULT_REPLAY_MAX",
    "STATUS_TEXT_MAX_CHARS",
    "DEFAULT_MAX_ROOMS",
    "DEFAULT_MAX_ROOMS_PER_USER",
    "DEFAULT_MAX_UNREGISTERED",
    "DEFAULT_MAX_UNREGISTERED_PER_ADDRESS",
    "MAX_MESSAGE_ID",
    "CID_MEMORY_SECONDS",
    "DEFAULT_HELLO_TIMEOUT",
    "DEFAULT_HISTORY_ON_JOIN",
    "DEFAULT_RATE_BURST",
    "DEFAULT_RATE_PER_SEC",
    "RATE_ABUSE_DROPS",
    "DEFAULT_JOIN_BURST",
    "DEFAULT_JOIN_PER_SEC",
    "PRESENCE_WINDOW",
    "DEFAULT_SEND_QUEUE",
    "DEFAULT_PING_AFTER",
    "DEFAULT_PING_TIMEOUT",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_FILES_QUOTA",
    "FILE_CHUNK_MAX",
    "FILE_NAME_MAX_CHARS",
]

DEFAULT_PORT = 5001
"""TCP port of the seed's server, kept so old habits and firewall rules still work."""

DEFAULT_ANNOUNCE_PORT = 5001
"""UDP port of the LAN announce (§7); UDP and TCP port spaces are separate."""

ANNOUNCE_INTERVAL = 2.0
"""Seconds between two LAN announces (§7)."""

HEADER_SIZE = 4
"""Bytes of the frame header: one uint32, big-endian (§1)."""

DEFAULT_MAX_FRAME = 65536
"""Largest payload a server accepts by default (§1): 4000 characters of text even
when every one is a 4-byte UTF-8 sequence or a 6-byte JSON escape fit with room."""

CLIENT_MAX_FRAME = 16 * 1024 * 1024
"""Largest payload a client accepts from its server.

Larger than the server's limit because a server's ``welcome`` lists every user:
10 000 names of 32 four-byte characters is about 1.3 MB. Still bounded, so a
hostile server cannot make a client allocate without end.
"""

NAME_MAX_CHARS = 32
"""Longest user name in code points after NFC and trimming (§5)."""

TEXT_MAX_CHARS = 4000
"""Longest message text in code points (§5)."""

CID_MAX_CHARS = 64
"""Longest client-chosen message id (§3): room for a UUID with a prefix."""

TOKEN_MIN_CHARS = 22
TOKEN_MAX_CHARS = 128
"""Bounds of ``hello.token`` (§8.1): 22 characters of base64 carry 128 random bits."""

PING_TOKEN_MAX_CHARS = 256
"""A ``ping``'s token, echoed in the ``pong``: a longer one is a ``protocol_error``, so
that a peer cannot make the other side write 60 KB for every 60 KB it sends."""

ECHO_MAX_CHARS = 64
"""What an error message quotes of a peer's value (an unknown ``type``, a bad field)."""

DEFAULT_MAX_UNREGISTERED = 1024
"""Connections that have not said hello yet, TLS handshakes included (~91 KB each):
beyond, a new one is refused at once."""

DEFAULT_MAX_UNREGISTERED_PER_ADDRESS = 256
"""The same from one address: a lab of a hundred behind one NAT, all reconnecting at
once after a restart while the server is busy, stays under it (23 MB of handshakes at
most)."""
MAX_MESSAGE_ID = 2**53 - 1
"""Largest message id (``message.id``, ``welcome.last_id``) a client accepts: the largest
integer a JSON number carries exactly in every implementation (a double's 53-bit
mantissa, JavaScript's ``Number.MAX_SAFE_INTEGER``). A server counting one message a
microsecond needs 285 years to reach it; past it, a client would compare ids it cannot
tell apart, and a Qt signal or model role would overflow at 2**63."""

DEFAULT_MAX_ROOMS = 1000
"""Rooms a server holds besides ``general`` (§8.3, ``--max-rooms``)."""

DEFAULT_MAX_ROOMS_PER_USER = 50
"""Rooms one user may be in besides ``general`` (``--max-rooms-per-user``)."""

STATUS_TEXT_MAX_CHARS = 100
"""Longest presence text (``status.text``, §8.4)."""

DEFAULT_REPLAY_MAX = 10000
"""Messages one ``since`` replays at most (§8.2, ``--replay-max``)."""

CID_MEMORY_SECONDS = 600.0
"""How long the server remembers accepted ``cid``s per name (§3: 10 minutes)."""

DEFAULT_HELLO_TIMEOUT = 10.0
"""Seconds a new connection has to send a valid ``hello`` (§2)."""

DEFAULT_HISTORY_ON_JOIN = 50
"""Messages replayed after ``welcome`` when ``hello`` has no ``since`` (§3)."""

DEFAULT_RATE_BURST = 20
"""Token bucket size in messages (§5): a quick paste of a few lines passes."""

DEFAULT_RATE_PER_SEC = 5.0
"""Token bucket refill in messages per second (§5): faster than anyone types."""

RATE_ABUSE_DROPS = 100
"""Messages dropped in a row for rate before ``rate_limited`` turns fatal (§5)."""

DEFAULT_JOIN_BURST = 60
"""``hello``s one IP address may send at once (§5): a lab of 40 machines behind one
NAT all reconnecting after a server restart, some twice, passes."""

DEFAULT_JOIN_PER_SEC = 2.0
"""``hello``s per second one IP address gets back after its burst (§5): a class
arriving one by one is far slower; one connection looping hello and bye made 1 418."""

PRESENCE_WINDOW = 2.0
"""Seconds within which a name that leaves and comes back is not shown leaving and
joining again to the others: a flapping connection is one ``joined`` and one ``left``."""

DEFAULT_SEND_QUEUE = 1024 * 1024
"""Bytes queued to one client before the server drops it (§5)."""

DEFAULT_PING_AFTER = 30.0
"""Seconds of client silence before the server pings it (§5)."""

DEFAULT_PING_TIMEOUT = 60.0
"""Seconds after that ping before the client is dropped with ``timeout`` (§5)."""

DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024
"""Largest file one ``file_offer`` may announce (PROTOCOL.md §8.5): a worksheet, a
log, a screenshot, an installer; a disk image is not what a chat is for."""

DEFAULT_FILES_QUOTA = 10 * 1024 * 1024 * 1024
"""Bytes every stored file together may take in the data directory (§8.5); past it
the oldest files go first."""

FILE_CHUNK_MAX = 32 * 1024
"""Bytes one ``file_chunk`` carries at most, decoded (§8.5): base64 makes 32 KiB
43 692 characters, which with the frame's other fields fits the default
``max_frame`` of 64 KiB."""

FILE_NAME_MAX_CHARS = 255
"""A file name's length as most file systems allow it (ext4, NTFS): a longer one is
shortened, keeping its extension."""
