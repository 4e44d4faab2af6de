"""Certificate fingerprints as people compare them: SHA-256, colon-separated hex."""

from __future__ import annotations

import hashlib

__all__ = ["sha256_fingerprint"]


def sha256_fingerprint(der: bytes) -> str:
    """``AB:CD:…`` over the DER bytes of a certificate (what browsers and ``openssl`` show)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
