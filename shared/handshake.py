"""The handshake of PROTOCOL.md §2, §3-§4 and §8.1-§8.2: ``hello`` and ``welcome``.

Version 2 adds the name's owner (``hello.token``) and what a client needs to trust
its history (``welcome.server_id``, ``replay_truncated``, ``operator_reads_private``)
and the pace its says may keep (``welcome.rate``).
A v1 peer sends and reads none of it: every v2 field is optional on the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from shared import PROTOCOL_VERSION, SUPPORTED_VERSIONS
from shared.codec import encode_payload, frame_of
from shared.errors import ErrorCode, ProtocolError
from shared.fields import flag, opt_int, opt_str, req_id, req_str, violation
from shared.limits import ECHO_MAX_CHARS, MAX_MESSAGE_ID, TOKEN_MAX_CHARS, TOKEN_MIN_CHARS
from shared.quoting import quoted
from shared.validation import name_problem, normalize_name

__all__ = ["Hello", "Welcome", "token_problem", "RATE_MAX"]

RATE_MAX = 1_000_000
"""Largest ``rate.burst`` and ``rate.per_sec`` read from a welcome: past it, the
client's pace is no limit anyway."""

Json: TypeAlias = dict[str, object]


def token_problem(token: object) -> str | None:
    """Why ``token`` cannot own a name (§8.1: 22-128 printable ASCII), or ``None``."""
    if not isinstance(token, str):
        return "'token' must be a string"
    if not TOKEN_MIN_CHARS <= len(token) <= TOKEN_MAX_CHARS:
        return f"'token' must be {TOKEN_MIN_CHARS}-{TOKEN_MAX_CHARS} characters long"
    if not all(" " <= ch <= "~" for ch in token):
        return "'token' must be printable ASCII"
    return None


@dataclass(frozen=True, slots=True)
class Hello:
    """Register under ``name``; ``since`` asks for every stored message after that id;
    ``token`` is the secret that owns the name on this server; ``server_id`` (Parla's
    extension) names the history whose ids ``since`` counts."""

    name: str
    version: int = PROTOCOL_VERSION
    password: str | None = None
    since: int | None = None
    token: str | None = None
    server_id: str | None = None
    TYPE: ClassVar[str] = "hello"

    def to_dict(self) -> Json:
        out: Json = {"type": self.TYPE, "version": self.version, "name": self.name}
        if self.password is not None:
            out["password"] = self.password
        if self.since is not None:
            out["since"] = self.since
        if self.token is not None:
            out["token"] = self.token
        if self.server_id is not None:
            out["server_id"] = self.server_id
        return out

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Hello:
        # Version first: a newer client may lay out the rest differently.
        version = obj.get("version")
        if type(version) is not int or version not in SUPPORTED_VERSIONS:
            raise ProtocolError(
                ErrorCode.VERSION_UNSUPPORTED,
                f"protocol version {quoted(version, ECHO_MAX_CHARS)} is not supported; this server speaks"
                f" {', '.join(map(str, SUPPORTED_VERSIONS))}",
            )
        problem = name_problem(obj.get("name"))
        if problem is not None:
            raise ProtocolError(ErrorCode.NAME_INVALID, problem)
        name = obj["name"]
        assert isinstance(name, str)
        token = obj.get("token")
        if token is not None and (problem := token_problem(token)) is not None:
            raise violation(problem)
        return cls(
            name=normalize_name(name),
            version=version,
            password=opt_str(obj, "password"),
            since=opt_int(obj, "since"),
            token=opt_str(obj, "token"),
            server_id=opt_str(obj, "server_id"),
        )


@dataclass(frozen=True, slots=True)
class Welcome:
    """Registration accepted.

    ``server_id`` names the history (new when it starts over); ``replay_truncated``
    says that the replay after ``since`` left older messages out (``--replay-max``);
    ``operator_reads_private`` that the operator sees private texts; ``rate_burst``
    and ``rate_per_sec`` the server's token bucket for says (0: not said, a v1 server);
    ``read_only`` that only the operator can write now (general's switch, §5).
    """

    name: str
    users: tuple[str, ...]
    server: str
    motd: str = ""
    last_id: int = 0
    version: int = PROTOCOL_VERSION
    server_id: str = ""
    replay_truncated: bool = False
    operator_reads_private: bool = False
    rate_burst: int = 0
    rate_per_sec: float = 0.0
    read_only: bool = False
    TYPE: ClassVar[str] = "welcome"

    def to_dict(self) -> Json:
        return {
            "type": self.TYPE,
            "version": self.version,
            "name": self.name,
            "users": list(self.users),
            "server": self.server,
            "motd": self.motd,
            "last_id": self.last_id,
            "server_id": self.server_id,
            "replay_truncated": self.replay_truncated,
            "operator_reads_private": self.operator_reads_private,
            **({"read_only": True} if self.read_only else {}),
            **({"rate": {"burst": self.rate_burst, "per_sec": self.rate_per_sec}} if self.rate_burst else {}),
        }

    def frame_with_users(self, users_json: bytes) -> bytes:
        """This welcome's frame with ``users`` given already encoded (``self.users`` unused).

        A server with thousands of users keeps their sorted list encoded between
        welcomes; encoding it once per joiner would make registration O(users).
        """
        head = self.to_dict()
        del head["users"]
        return frame_of((encode_payload(head)[:-1], b',"users":', users_json, b"}"))

    @classmethod
    def from_dict(cls, obj: Mapping[str, object]) -> Welcome:
        users = obj.get("users")
        rate_burst, rate_per_sec = _rate(obj.get("rate"))
        if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
            raise violation("'users' must be a list of names")
        return cls(
            name=req_str(obj, "name"),
            users=tuple(users),
            server=opt_str(obj, "server") or "",
            motd=opt_str(obj, "motd") or "",
            last_id=0 if obj.get("last_id") is None else req_id(obj, "last_id", 0, MAX_MESSAGE_ID),
            # A v1 server sends no version: it speaks 1.
            version=opt_int(obj, "version") or 1,
            server_id=opt_str(obj, "server_id") or "",
            replay_truncated=flag(obj, "replay_truncated"),
            operator_reads_private=flag(obj, "operator_reads_private"),
            rate_burst=rate_burst,
            rate_per_sec=rate_per_sec,
            read_only=flag(obj, "read_only"),
        )


def _rate(rate: object) -> tuple[int, float]:
    """``welcome.rate`` {``burst``, ``per_sec``}; absent is 0, 0."""
    if rate is None:
        return 0, 0.0
    if not isinstance(rate, Mapping):
        raise violation("'rate' must be an object")
    burst, per_sec = rate.get("burst"), rate.get("per_sec")
    if type(burst) is not int or not 1 <= burst <= RATE_MAX:
        raise violation(f"'rate.burst' must be an integer from 1 to {RATE_MAX}")
    # NaN fails both comparisons; bool is not a number here.
    if not (type(per_sec) is int or type(per_sec) is float) or not 0 < per_sec <= RATE_MAX:
        raise violation(f"'rate.per_sec' must be a number above 0, at most {RATE_MAX}")
    return burst, float(per_sec)
