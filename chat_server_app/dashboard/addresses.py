"""What a user types into a client to reach this server."""

from __future__ import annotations

from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QNetworkInterface

__all__ = ["reachable_addresses", "with_port"]

_IPV4 = QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
_IPV6 = QAbstractSocket.NetworkLayerProtocol.IPv6Protocol
_WILDCARDS_V4 = {"0.0.0.0"}
_WILDCARDS_V6 = {"::", "::0"}


def with_port(host: str, port: int) -> str:
    """``host:port``, with the brackets an IPv6 address needs."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _interface_addresses() -> list[QHostAddress]:
    found: list[QHostAddress] = []
    up = QNetworkInterface.InterfaceFlag.IsUp | QNetworkInterface.InterfaceFlag.IsRunning
    for interface in QNetworkInterface.allInterfaces():
        if (interface.flags() & up) != up:
            continue
        for entry in interface.addressEntries():
            address = entry.ip()
            # A link-local IPv6 address needs the client's own interface name
            # after a '%': not something to read out to a classroom.
            if address.isLoopback() or address.isLinkLocal() or address.isNull():
                continue
            found.append(address)
    return found


def reachable_addresses(host: str, port: int) -> list[str]:
    """Every ``address:port`` a client can connect to when the server listens on ``host``.

    A wildcard (``0.0.0.0``; ``::``, dual stack per PROTOCOL.md §5) stands for
    every address of the machine: those of the interfaces that are up, IPv4
    first, then 127.0.0.1 for a client on the same machine.
    """
    if host not in _WILDCARDS_V4 | _WILDCARDS_V6:
        return [with_port(host, port)]
    addresses = _interface_addresses()
    v4 = [a.toString() for a in addresses if a.protocol() == _IPV4]
    v6 = [a.toString() for a in addresses if a.protocol() == _IPV6] if host in _WILDCARDS_V6 else []
    ordered = list(dict.fromkeys([*v4, *v6, "127.0.0.1"]))
    return [with_port(a, port) for a in ordered]
