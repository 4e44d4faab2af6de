"""The server's TLS identity: the operator's certificate, or a self-signed one made once.

Qt cannot make certificates, so the self-signed one comes from ``cryptography``;
Qt then serves it. The key file is readable by its owner only.

Qt loads a certificate and a key that its TLS stack then refuses to serve (an RSA
key of 1024 bits, under OpenSSL 3's defaults; a key that is not the
certificate's): every handshake would fail, each blamed on its client. So the
identity is tried at start on a server side of its own (:func:`_refusal`).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtNetwork import (
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslKey,
    QSslSocket,
)

from chat_server_app.store.files import private_dir
from shared.fingerprints import sha256_fingerprint

__all__ = ["TlsError", "TlsIdentity", "load_identity", "self_signed_identity", "identity_for"]

SELF_SIGNED_DAYS = 3650
"""A lab server's own certificate lives as long as the lab: clients pin it (TOFU),
and a renewed certificate would make every client warn about a change."""


class TlsError(Exception):
    """The certificate or key cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class TlsIdentity:
    certificate: QSslCertificate
    key: QSslKey
    cert_path: Path

    @property
    def fingerprint(self) -> str:
        return sha256_fingerprint(bytes(self.certificate.toDer().data()))

    def configuration(self) -> QSslConfiguration:
        config = QSslConfiguration.defaultConfiguration()
        config.setLocalCertificate(self.certificate)
        config.setPrivateKey(self.key)
        # Clients do not present certificates; they authenticate with name/password.
        config.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyNone)
        config.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
        return config


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TlsError(f"cannot read the TLS {what} {path}: {exc.strerror or exc}") from None


def load_identity(cert_path: Path, key_path: Path) -> TlsIdentity:
    """The operator's own certificate and key (PEM)."""
    certificates = QSslCertificate.fromData(_read(cert_path, "certificate"), QSsl.EncodingFormat.Pem)
    if not certificates or certificates[0].isNull():
        raise TlsError(f"{cert_path} holds no PEM certificate")
    key_data = _read(key_path, "key")
    for algorithm in (QSsl.KeyAlgorithm.Ec, QSsl.KeyAlgorithm.Rsa, QSsl.KeyAlgorithm.Dsa):
        key = QSslKey(key_data, algorithm, QSsl.EncodingFormat.Pem, QSsl.KeyType.PrivateKey)
        if not key.isNull():
            return _accepted(TlsIdentity(certificates[0], key, cert_path))
    raise TlsError(f"{key_path} holds no unencrypted PEM private key (RSA, EC or DSA)")


def _accepted(identity: TlsIdentity) -> TlsIdentity:
    refusal = _refusal(identity)
    if refusal is not None:
        raise TlsError(f"the TLS stack refuses the certificate {identity.cert_path} and its key: {refusal}")
    return identity


def _refusal(identity: TlsIdentity) -> str | None:
    """What the TLS stack says when it sets up a server side with ``identity``, if it refuses.

    Qt sets up OpenSSL's context as the server side starts, before a byte is read:
    over one end of a socket pair it fails, or not, at once."""
    ours, theirs = socket.socketpair()
    probe = QSslSocket()
    errors: list[str] = []
    probe.errorOccurred.connect(lambda _error: errors.append(probe.errorString()))
    try:
        if not probe.setSocketDescriptor(ours.detach()):
            return None  # nothing to try it on: the clients' handshakes will say
        probe.setSslConfiguration(identity.configuration())
        probe.startServerEncryption()
    finally:
        probe.errorOccurred.disconnect()
        probe.abort()  # closes the descriptor it was given
        theirs.close()
    # The first error is OpenSSL's reason; Qt's next only says the context failed.
    return errors[0] if errors else None


def _make_self_signed(cert_path: Path, key_path: Path, common_name: str) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "Parla")])
    host = socket.gethostname() or "localhost"
    alt_names: list[x509.GeneralName] = [x509.DNSName(host), x509.DNSName("localhost")]
    alt_names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=SELF_SIGNED_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    private_dir(cert_path.parent)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Created 0600 from the start: never world-readable, not even for a moment.
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def self_signed_identity(data_dir: Path, common_name: str) -> TlsIdentity:
    """The data directory's self-signed identity, made on first use."""
    cert_path = data_dir / "tls" / "server-cert.pem"
    key_path = data_dir / "tls" / "server-key.pem"
    if not (cert_path.exists() and key_path.exists()):
        try:
            _make_self_signed(cert_path, key_path, common_name)
        except OSError as exc:
            reason = exc.strerror or exc
            raise TlsError(f"cannot write a certificate in {cert_path.parent}: {reason}") from None
    return load_identity(cert_path, key_path)


def identity_for(
    tls: bool, cert: Path | None, key: Path | None, data_dir: Path, name: str
) -> TlsIdentity | None:
    """What the settings ask for: ``None`` without TLS."""
    if not tls and cert is None:
        return None
    if not QSslSocket.supportsSsl():
        raise TlsError("this Qt has no TLS backend (OpenSSL) available")
    if cert is not None and key is not None:
        return load_identity(cert, key)
    return self_signed_identity(data_dir, name)
