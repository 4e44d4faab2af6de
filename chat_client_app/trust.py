"""Trust on first use: the TLS certificate fingerprints a user accepted, per server.

A certificate a trusted CA signed for the host needs nothing from here: Qt accepts
it. A self-signed one is shown to the user once with its fingerprint; once
accepted it is pinned to ``host:port``, and a different one later is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QSettings

from chat_client_app.session.state import FailureKind

__all__ = ["TrustStore", "Verdict", "TlsProblem", "judge"]

_GROUP = "tls-pins"


class Verdict(enum.Enum):
    PINNED = "pinned"  # the certificate the user accepted before
    UNKNOWN = "unknown"  # first time here: ask the user
    CHANGED = "changed"  # not the one accepted before: refuse and warn


@dataclass(frozen=True, slots=True)
class TlsProblem:
    """A refused certificate: what the user must be shown."""

    verdict: Verdict
    fingerprint: str  # shown now
    pinned: str | None  # accepted before, if any

    @property
    def kind(self) -> FailureKind:
        return FailureKind.TLS_UNTRUSTED if self.verdict is Verdict.UNKNOWN else FailureKind.TLS_CHANGED


def judge(pinned: str | None, seen: str | None) -> Verdict:
    if seen is not None and pinned is not None and pinned == seen:
        return Verdict.PINNED
    return Verdict.UNKNOWN if pinned is None else Verdict.CHANGED


def _key(host: str, port: int) -> str:
    # QSettings treats "/" and "\\" as separators; neither is in a host name.
    return f"{host.lower()}:{port}".replace("/", "_").replace("\\", "_")


class TrustStore:
    """Pinned fingerprints in the client's settings file."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def pinned(self, host: str, port: int) -> str | None:
        self._settings.beginGroup(_GROUP)
        value = self._settings.value(_key(host, port))
        self._settings.endGroup()
        return value if isinstance(value, str) and value else None

    def problem(self, host: str, port: int, seen: str | None) -> TlsProblem | None:
        """Why the certificate ``seen`` at ``host:port`` is refused; ``None`` if it is pinned."""
        pinned = self.pinned(host, port)
        verdict = judge(pinned, seen)
        return None if verdict is Verdict.PINNED else TlsProblem(verdict, seen or "", pinned)

    def pin(self, host: str, port: int, fingerprint: str) -> None:
        self._settings.beginGroup(_GROUP)
        self._settings.setValue(_key(host, port), fingerprint)
        self._settings.endGroup()
        self._settings.sync()

    def forget(self, host: str, port: int) -> None:
        self._settings.beginGroup(_GROUP)
        self._settings.remove(_key(host, port))
        self._settings.endGroup()
        self._settings.sync()
